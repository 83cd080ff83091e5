//! A unified diff of two texts, line by line, for `init --dry-run`: what an edit of a user's
//! file would change, shown the way `git diff` shows it.

/// The unified diff of `before` and `after` (three lines of context), with `path` in the
/// headers; empty when the texts are equal. Texts too long for the quadratic line match are
/// shown as a whole replacement.
pub fn unified(path: &str, before: &str, after: &str) -> String {
    if before == after {
        return String::new();
    }
    let a: Vec<&str> = before.split_inclusive('\n').collect();
    let b: Vec<&str> = after.split_inclusive('\n').collect();
    let ops = if a.len().saturating_mul(b.len()) <= 4_000_000 {
        lines_diff(&a, &b)
    } else {
        a.iter()
            .map(|l| Op::Delete(l))
            .chain(b.iter().map(|l| Op::Insert(l)))
            .collect()
    };
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    for hunk in hunks(&ops, 3) {
        out.push_str(&hunk);
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op<'a> {
    Keep(&'a str),
    Delete(&'a str),
    Insert(&'a str),
}

/// The edit script from the longest common subsequence of lines.
fn lines_diff<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<Op<'a>> {
    let (n, m) = (a.len(), b.len());
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut ops = Vec::with_capacity(n + m);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push(Op::Keep(a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(Op::Delete(a[i]));
            i += 1;
        } else {
            ops.push(Op::Insert(b[j]));
            j += 1;
        }
    }
    ops
}

/// Groups changes with `context` lines around them into `@@` hunks.
fn hunks(ops: &[Op<'_>], context: usize) -> Vec<String> {
    let changed: Vec<usize> = (0..ops.len())
        .filter(|&k| !matches!(ops[k], Op::Keep(_)))
        .collect();
    let mut out = Vec::new();
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(context);
        let mut end = changed[k];
        while k < changed.len() && changed[k] <= end + 2 * context {
            end = changed[k];
            k += 1;
        }
        let end = (end + context + 1).min(ops.len());
        // Line numbers (1-based) of the hunk's first line on each side.
        let before = |upto: usize, side: fn(&Op<'_>) -> bool| {
            ops[..upto].iter().filter(|op| side(op)).count()
        };
        let in_a = |op: &Op<'_>| !matches!(op, Op::Insert(_));
        let in_b = |op: &Op<'_>| !matches!(op, Op::Delete(_));
        let (a0, b0) = (before(start, in_a), before(start, in_b));
        let (a_len, b_len) = (
            ops[start..end].iter().filter(|op| in_a(op)).count(),
            ops[start..end].iter().filter(|op| in_b(op)).count(),
        );
        let mut hunk = format!(
            "@@ -{},{a_len} +{},{b_len} @@\n",
            a0 + usize::from(a_len > 0),
            b0 + usize::from(b_len > 0)
        );
        for op in &ops[start..end] {
            let (sign, line) = match op {
                Op::Keep(l) => (' ', l),
                Op::Delete(l) => ('-', l),
                Op::Insert(l) => ('+', l),
            };
            hunk.push(sign);
            hunk.push_str(line);
            if !line.ends_with('\n') {
                hunk.push_str("\n\\ No newline at end of file\n");
            }
        }
        out.push(hunk);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_appended_line_is_one_hunk_with_its_context() {
        let before = "a\nb\nc\nd\ne\n";
        let after = "a\nb\nc\nd\ne\nf\n";
        assert_eq!(
            unified("k.yaml", before, after),
            "--- a/k.yaml\n+++ b/k.yaml\n@@ -3,3 +3,4 @@\n c\n d\n e\n+f\n"
        );
    }

    #[test]
    fn equal_texts_have_no_diff_and_a_new_file_is_all_insertions() {
        assert_eq!(unified("x", "a\n", "a\n"), "");
        assert_eq!(
            unified("x", "", "a\nb\n"),
            "--- a/x\n+++ b/x\n@@ -0,0 +1,2 @@\n+a\n+b\n"
        );
    }

    #[test]
    fn distant_changes_make_separate_hunks() {
        let line = |i: usize| match i {
            2 => "two\n".to_string(),
            19 => "nineteen\n".to_string(),
            _ => format!("{i}\n"),
        };
        let before: String = (1..=20).map(|i| format!("{i}\n")).collect();
        let after: String = (1..=20).map(line).collect();
        let diff = unified("f", &before, &after);
        assert_eq!(diff.matches("@@ -").count(), 2, "{diff}");
        assert!(
            diff.contains("-2\n+two\n") && diff.contains("-19\n+nineteen\n"),
            "{diff}"
        );
    }
}
