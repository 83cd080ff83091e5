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

/// The end of an item whose last content ends at `content_end`: the end of that line. A
/// keep-chomping block scalar (`|+`) may end with blank lines, which are its content.
pub fn item_end(src: &str, content_end: usize) -> usize {
    line_end_after(src, content_end)
}

/// Where a block scalar's content really ends. `start..parser_end` is the parser's span, which
/// starts at the first content line, or at the `|`/`>` header itself when there is none
/// (`at_header`). The span can run past less-indented comment lines that follow the scalar.
/// Content lines are never less indented than the first one (only blank lines may be), so the
/// content ends with the last non-blank line, looking back from the parser's end, that is
/// indented at least that much.
pub fn block_scalar_end(src: &str, start: usize, parser_end: usize, at_header: bool) -> usize {
    let header = header_token(src, start, at_header);
    if header.bytes().any(|b| b.is_ascii_digit()) || header.contains('+') {
        // `|2`: lines may be shallower than the first; `|+`: trailing blank lines are
        // content. Trust the parser.
        return parser_end;
    }
    let from = line_start(src, start);
    let first = src[from..parser_end]
        .split_inclusive('\n')
        .find(|line| !line.trim().is_empty());
    let Some(first) = first else {
        return parser_end;
    };
    let content_indent = indent_of(first);
    let mut end = parser_end;
    while end > start {
        let line_begin = line_start(src, end - 1);
        let body = src[line_begin..end].trim_end_matches(['\n', '\r']);
        // A line with anything past the content's indentation (even spaces or a tab) is
        // content; shallower lines are comments after the scalar, and bare indentation is an
        // empty line that clip chomping drops.
        if indent_of(body) >= content_indent && body.len() > content_indent {
            return line_begin + body.len();
        }
        end = line_begin;
    }
    start
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The `|…`/`>…` header of the block scalar whose span starts at `start`. With no content
/// lines the span starts at the header; otherwise the header ends the last non-blank line
/// above the first content line (blank lines may come between). Content can start with `|` or
/// `>` too (a Markdown table, a quoted mail), so `at_header` comes from the value, not from
/// the text at `start`.
fn header_token(src: &str, start: usize, at_header: bool) -> &str {
    if at_header {
        return src[start..]
            .split([' ', '\t', '\r', '\n'])
            .next()
            .unwrap_or("");
    }
    let mut line = line_start(src, start);
    while line > 0 {
        let above = line_start(src, line - 1);
        let text = &src[above..line];
        if !text.trim().is_empty() {
            let token = text
                .split([' ', '\t', '\r', '\n'])
                .filter(|token| !token.is_empty())
                .take_while(|token| !token.starts_with('#'))
                .last()
                .unwrap_or("");
            return if token.starts_with(['|', '>']) {
                token
            } else {
                ""
            };
        }
        line = above;
    }
    ""
}

/// The bytes of `src[from..to]` that are neither white space, line breaks nor comments: the
/// indicators (`:`, `-`, `?`) and node properties (`!tag`, `&anchor`) between two tokens.
pub fn tokens_between(src: &str, from: usize, to: usize) -> impl Iterator<Item = (usize, u8)> + '_ {
    let bytes = src.as_bytes();
    let mut comment = false;
    (from..to).filter_map(move |i| {
        match bytes[i] {
            b'\n' | b'\r' => comment = false,
            b' ' | b'\t' => {}
            // Only white space (or a line start) before it makes `#` a comment; a tag or
            // anchor may hold one.
            b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n' | b'\r') => {
                comment = true
            }
            b if !comment => return Some((i, b)),
            _ => {}
        }
        None
    })
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
    fn block_scalar_headers_are_found_above_blank_lines_and_never_in_content() {
        let src = "a: |+\n\n  | x |\n\nb: 1\n";
        assert_eq!(header_token(src, src.find("| x").unwrap(), false), "|+");
        // No content lines: the span starts at the header.
        assert_eq!(header_token("a: |+\n\n", 3, true), "|+");
        let src = "a:\t>2- # c |\n\n   x\n";
        assert_eq!(header_token(src, src.find('x').unwrap(), false), ">2-");
        let src = "a:\n  |+\n  |+\n";
        assert_eq!(header_token(src, src.rfind("|+").unwrap(), false), "|+");
        assert_eq!(
            block_scalar_end(src, src.rfind("|+").unwrap(), src.len(), false),
            src.len()
        );
    }

    #[test]
    fn line_end_after_keeps_line_starts() {
        let src = "a: 1 # c\nb: 2";
        assert_eq!(line_end_after(src, 4), 9);
        assert_eq!(line_end_after(src, 9), 9);
        assert_eq!(line_end_after(src, 13), 13);
    }
}
