//! Byte-level facts about the input text that the parser's events do not give directly: where a
//! line starts and ends, where a block item's `-` indicator is, which line ending is in use.

use crate::yaml::emit::LineEnding;

/// The start of the line that holds `pos`.
pub fn line_start(src: &str, pos: usize) -> usize {
    src.as_bytes()[..pos]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |nl| nl + 1)
}

/// `pos` if it is at the start of a line; otherwise the start of the next line (or the end of
/// the input). Used to extend an item's last content to the end of its line, so a trailing
/// comment on that line stays with the item.
pub fn line_end_after(src: &str, pos: usize) -> usize {
    let bytes = src.as_bytes();
    if pos == 0 || bytes[pos - 1] == b'\n' {
        return pos;
    }
    bytes[pos..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |nl| pos + nl + 1)
}

/// The line ending of the first line; new text uses the same.
pub fn detect_line_ending(src: &str) -> LineEnding {
    match src.find('\n') {
        Some(nl) if nl > 0 && src.as_bytes()[nl - 1] == b'\r' => LineEnding::CrLf,
        _ => LineEnding::Lf,
    }
}

/// Finds the `-` indicator of a block sequence entry whose node starts at `node_start`.
///
/// Between the indicator and the node there can only be spaces, line breaks, comments and node
/// properties (`&anchor`, `!tag`), so walking back line by line until a line whose first
/// non-space character is a `-` followed by a space finds it. Scanning forward from the previous
/// item would need to know where that item's content ends, which block scalars blur.
pub fn find_dash(src: &str, node_start: usize) -> Option<usize> {
    let mut end = node_start;
    loop {
        let start = line_start(src, end);
        let line = &src[start..end];
        let trimmed = line.trim_start_matches([' ', '\t']);
        let indent = line.len() - trimmed.len();
        if let Some(rest) = trimmed.strip_prefix('-') {
            if rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']) {
                return Some(start + indent);
            }
        }
        let ignorable = trimmed.trim_end_matches(['\r', '\n']).trim_end().is_empty()
            || trimmed.starts_with('#')
            || only_properties(trimmed);
        if !ignorable || start == 0 {
            return None;
        }
        end = start - 1;
    }
}

/// Whether a line holds nothing but node properties (and maybe a comment).
fn only_properties(line: &str) -> bool {
    let content = line.split(" #").next().unwrap_or("").trim();
    !content.is_empty()
        && content
            .split_whitespace()
            .all(|token| token.starts_with('&') || token.starts_with('!'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dash_is_found_across_comments_and_properties() {
        let src = "items:\n- # note\n  # more\n  &a !t\n  kind: A\n";
        let node = src.find("kind").unwrap();
        assert_eq!(find_dash(src, node), Some(7));
        let src = "items:\n  -   kind: A\n";
        assert_eq!(find_dash(src, src.find("kind").unwrap()), Some(9));
    }

    #[test]
    fn line_end_after_keeps_line_starts() {
        let src = "a: 1 # c\nb: 2";
        assert_eq!(line_end_after(src, 4), 9);
        assert_eq!(line_end_after(src, 9), 9);
        assert_eq!(line_end_after(src, 13), 13);
    }
}
