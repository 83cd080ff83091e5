//! "Did you mean …?": the closest valid spelling, offered only when it is close.

/// The candidate closest to `input` (case-insensitive optimal string alignment distance: edits,
/// plus swaps of adjacent characters), if it is close enough to be a likely typo. Ties go to
/// the earlier candidate, so callers list candidates in their documented order.
pub(crate) fn closest<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let input: Vec<char> = input.to_lowercase().chars().collect();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let lowered: Vec<char> = candidate.to_lowercase().chars().collect();
        let distance = osa_distance(&input, &lowered);
        if distance <= tolerance(lowered.len()) && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

// Short words need a tight bound, or every short input "resembles" every short candidate.
fn tolerance(len: usize) -> usize {
    match len {
        0..=3 => 1,
        4..=8 => 2,
        _ => 3,
    }
}

fn osa_distance(a: &[char], b: &[char]) -> usize {
    // Three rolling rows: the transposition case looks two rows back.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// "`a`, `b`, `c`" for messages.
pub(crate) fn backticked<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items
        .into_iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        let d = |a: &str, b: &str| {
            osa_distance(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
            )
        };
        assert_eq!(d("", "abc"), 3);
        assert_eq!(d("eror", "error"), 1);
        assert_eq!(d("ab", "ba"), 1);
        assert_eq!(d("kitten", "sitting"), 3);
    }

    #[test]
    fn suggests_only_close_names() {
        let fields = ["name", "providerRef", "eventSeverity"];
        assert_eq!(closest("provderRef", fields), Some("providerRef"));
        assert_eq!(closest("eventseverity", fields), Some("eventSeverity"));
        assert_eq!(closest("color", fields), None);
    }
}
