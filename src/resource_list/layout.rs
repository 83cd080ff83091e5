//! Byte-level facts about the input text that the parser's events do not give directly: where a
//! line starts and ends, where a block item's `-` indicator is, which line ending is in use.

use crate::yaml::emit::LineEnding;
use crate::yaml::lines::lines_inclusive;
pub use crate::yaml::lines::{line_end_after, line_start};

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
    let (header_at, header) = header_token(src, start, at_header);
    let explicit = header
        .bytes()
        .find(u8::is_ascii_digit)
        .map(|d| usize::from(d - b'0'));
    if header.contains('+') {
        return keep_end(src, start, parser_end, at_header, explicit, header_at);
    }
    if explicit.is_some() {
        // `|2`: lines may be shallower than the first. Trust the parser.
        return parser_end;
    }
    let from = line_start(src, start);
    let first = lines_inclusive(&src[from..parser_end]).find(|line| !line.trim().is_empty());
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

/// Where a keep-chomping scalar (`|+`) ends. Its trailing blank lines are content, so the
/// parser's end is right, except that it can stop inside a last line of bare indentation: the
/// indentation of the next token (`  - next`, the parser's end is at the `-`), or a last line
/// that the input ends without a line break. The first is never content; the second only when
/// it is deeper than the scalar's indentation (the parser reads the end of the input as its
/// line break then), and otherwise text written after it would make it a kept line.
fn keep_end(
    src: &str,
    start: usize,
    parser_end: usize,
    at_header: bool,
    explicit: Option<usize>,
    header_at: usize,
) -> usize {
    let last = line_start(src, parser_end);
    let partial = &src[last..parser_end];
    if partial.is_empty() || !partial.bytes().all(|b| b == b' ' || b == b'\t') {
        return parser_end;
    }
    if parser_end < src.len() {
        return last;
    }
    if at_header {
        // The crate's parser reads such a line as one line break when it comes right after
        // the header (`k: |+` + ` `, value "\n"; spec readers read ""), and as nothing after
        // other lines. The item follows its parser, so that it reads the same on its own.
        return if line_end_after(src, start) == last {
            parser_end
        } else {
            last
        };
    }
    let indent = match explicit {
        None => Some(indent_of(&src[line_start(src, start)..])),
        Some(digit) => parent_indent(src, header_at).map(|p| p + digit),
    };
    match indent {
        Some(n) if indent_of(partial) < n || partial.len() <= n => last,
        // Content, or an indentation that cannot be told: the parser's end, as before.
        _ => parser_end,
    }
}

/// The indentation of the node that holds the block scalar whose header is at `header_at`,
/// which sets where `|2` counts from: the last key, `-` or `?` before the header on its line,
/// or on the lines above when the header (with its properties) starts its line.
fn parent_indent(src: &str, header_at: usize) -> Option<usize> {
    let mut line = line_start(src, header_at);
    let mut text = &src[line..header_at];
    loop {
        if let Some(indent) = last_node_start(text) {
            return Some(indent);
        }
        if line == 0 {
            return None;
        }
        let above = line_start(src, line - 1);
        text = &src[above..line];
        line = above;
    }
}

/// The column of the last key, `-` or `?` on a line; `None` for a line of only properties
/// (`!tag`, `&anchor`), a comment, or nothing.
fn last_node_start(line: &str) -> Option<usize> {
    let mut col = indent_of(line);
    let mut found = None;
    let mut rest = &line[col..];
    while let Some(after) = rest.strip_prefix(['-', '?']) {
        if !(after.is_empty() || after.starts_with([' ', '\t', '\r', '\n'])) {
            break;
        }
        found = Some(col);
        let gap = after.len() - after.trim_start().len();
        col += 1 + gap;
        rest = &after[gap..];
    }
    let only_properties = rest
        .split_whitespace()
        .take_while(|token| !token.starts_with('#'))
        .all(|token| token.starts_with(['!', '&']));
    if only_properties {
        found
    } else {
        Some(col)
    }
}

/// The `|…`/`>…` header (its position and text) of the block scalar whose span starts at
/// `start`. With no content lines the span starts at the header; otherwise the header ends the
/// last non-blank line above the first content line (blank lines may come between). Content
/// can start with `|` or `>` too (a Markdown table, a quoted mail), so `at_header` comes from
/// the value, not from the text at `start`.
fn header_token(src: &str, start: usize, at_header: bool) -> (usize, &str) {
    if at_header {
        let token = src[start..].split([' ', '\t', '\r', '\n']).next();
        return (start, token.unwrap_or(""));
    }
    let mut line = line_start(src, start);
    while line > 0 {
        let above = line_start(src, line - 1);
        let text = &src[above..line];
        if !text.trim().is_empty() {
            let mut header = (line, "");
            let mut at = above;
            for token in text.split([' ', '\t', '\r', '\n']) {
                if token.starts_with('#') {
                    break;
                }
                if !token.is_empty() {
                    header = (at, token);
                }
                at += token.len() + 1;
            }
            return if header.1.starts_with(['|', '>']) {
                header
            } else {
                (line, "")
            };
        }
        line = above;
    }
    (0, "")
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
    let bytes = src.as_bytes();
    match bytes.iter().position(|&b| b == b'\n' || b == b'\r') {
        Some(cr) if bytes[cr] == b'\r' && bytes.get(cr + 1) == Some(&b'\n') => LineEnding::CrLf,
        Some(cr) if bytes[cr] == b'\r' => LineEnding::Cr,
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
        assert_eq!(
            header_token(src, src.find("| x").unwrap(), false),
            (3, "|+")
        );
        // No content lines: the span starts at the header.
        assert_eq!(header_token("a: |+\n\n", 3, true), (3, "|+"));
        let src = "a:\t>2- # c |\n\n   x\n";
        assert_eq!(header_token(src, src.find('x').unwrap(), false), (3, ">2-"));
        let src = "a:\n  |+\n  |+\n";
        assert_eq!(
            header_token(src, src.rfind("|+").unwrap(), false),
            (5, "|+")
        );
        assert_eq!(
            block_scalar_end(src, src.rfind("|+").unwrap(), src.len(), false),
            src.len()
        );
    }

    #[test]
    fn kept_scalars_end_before_bare_indentation_that_is_not_their_content() {
        // The parser's end is at the next item's `-`, after its indentation.
        let src = "items:\n  - a: |+\n      x\n\n  - b: 1\n";
        let next = src.rfind("- b").unwrap();
        let x = src.find('x').unwrap();
        assert_eq!(block_scalar_end(src, x, next, false), next - 2);
        // A last line with no line break: content only when deeper than the content.
        let src = "a: |+\n  x\n  ";
        assert_eq!(block_scalar_end(src, 8, src.len(), false), src.len() - 2);
        let src = "a: |+\n  x\n   ";
        assert_eq!(block_scalar_end(src, 8, src.len(), false), src.len());
        // No content lines at all. The crate's parser reads a lone such line right after the
        // header as a line break, and the item follows it.
        assert_eq!(block_scalar_end("a: |+\n\n ", 3, 8, true), 7);
        assert_eq!(block_scalar_end("a: |+\n ", 3, 7, true), 7);
        // A bare CR is a line break too.
        assert_eq!(block_scalar_end("a: |+\r\r ", 3, 8, true), 7);
        // `|2` counts from the node holding the scalar: here `a` (column 2), found on the
        // line above the header, so the content is at column 4 and 3 spaces are not content.
        let src = "- a:\n    |2+\n      x\n   ";
        let x = src.find('x').unwrap();
        assert_eq!(
            block_scalar_end(src, x - 2, src.len(), false),
            src.len() - 3
        );
    }

    #[test]
    fn the_node_holding_a_header_is_the_last_key_dash_or_question_mark() {
        assert_eq!(last_node_start("  - a: "), Some(4));
        assert_eq!(last_node_start("- - "), Some(2));
        assert_eq!(last_node_start("  ? !t &a "), Some(2));
        assert_eq!(last_node_start("\"a #b\": "), Some(0));
        assert_eq!(last_node_start("  !t "), None);
        assert_eq!(last_node_start("  # c\n"), None);
    }

    #[test]
    fn line_end_after_keeps_line_starts() {
        let src = "a: 1 # c\nb: 2";
        assert_eq!(line_end_after(src, 4), 9);
        assert_eq!(line_end_after(src, 9), 9);
        assert_eq!(line_end_after(src, 13), 13);
    }
}
