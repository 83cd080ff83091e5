//! What a YAML syntax error means to the person who made it. The parser stops where it can no
//! longer go on, which is not always where the mistake is: a `[` left open on one line is
//! noticed at the `:` of the next key. This finds the mistake the user would point at, says how
//! to fix it, and shows the lines with a caret under each position. It runs only once the
//! input has failed, so it may read the text again.

use granit_parser::{Event, StructureStyle};

use super::error::Location;
use super::read::Events;
use super::reader::{ReadSpec, Reader};
use crate::limits::Limits;

/// A line of the input shown under a message, with a caret at `column`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub line: usize,
    pub column: usize,
    /// The line as written (without its line break); long lines are cut around the column.
    pub text: String,
    /// The caret's column within `text`, in characters, counted from 1.
    pub caret: usize,
    /// Said after the caret, when two places are shown.
    pub note: Option<&'static str>,
}

/// A flow collection (`[`/`{`) that is still open where the parser stopped, opened on an
/// earlier line: the missing `]`/`}` is then the likely mistake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unclosed {
    pub bracket: char,
    pub at: Location,
}

/// The innermost flow collection still open at the parse error at `stopped`, if it was opened
/// on an earlier line. Reads `src` again up to the error, counting opened and closed
/// collections.
pub fn unclosed_before(src: &str, stopped: Location, limits: &Limits) -> Option<Unclosed> {
    // The reader's own events: the crate calls the parser in one place (see `locate`).
    let mut events = Events::new(src, "syntax", &Reader::new(*limits, &ReadSpec::PLAIN));
    let mut open: Vec<Option<Unclosed>> = Vec::new();
    loop {
        match events.next() {
            Ok((event, span)) => {
                let at = Location {
                    line: span.line as usize,
                    column: span.col as usize + 1,
                };
                match event {
                    Event::SequenceStart(style, ..) => {
                        open.push(
                            (style == StructureStyle::Flow)
                                .then_some(Unclosed { bracket: '[', at }),
                        );
                    }
                    Event::MappingStart(style, ..) => {
                        open.push(
                            (style == StructureStyle::Flow)
                                .then_some(Unclosed { bracket: '{', at }),
                        );
                    }
                    Event::SequenceEnd | Event::MappingEnd => {
                        open.pop();
                    }
                    Event::StreamEnd => return None,
                    _ => {}
                }
            }
            Err(_) => {
                let innermost = open.last().copied().flatten()?;
                return (innermost.at.line < stopped.line).then_some(innermost);
            }
        }
    }
}

/// For a message about a tab, the column of the first tab in the indentation of `line`: the
/// parser points just past it.
pub fn tab_column(src: &str, line: usize, message: &str) -> Option<usize> {
    if !message.contains("tab") {
        return None;
    }
    let text = lines(src).nth(line.checked_sub(1)?)?;
    let indent = text.len() - text.trim_start_matches([' ', '\t']).len();
    text[..indent].find('\t').map(|at| at + 1)
}

/// The fix for a parser message, in the user's terms.
pub fn hint(message: &str) -> &'static str {
    const HINTS: &[(&str, &str)] = &[
        (
            "unclosed quote",
            "close the quote on the same line; inside \"…\" write a quote as \\\", inside '…' \
             as ''",
        ),
        (
            "mapping values are not allowed",
            "a plain value cannot hold `: `: quote the value; or, if this is a new key, indent \
             it like the keys next to it",
        ),
        (
            "tab",
            "indent with spaces: YAML does not allow tabs in indentation",
        ),
        (
            "did not find expected '-' indicator",
            "this line is indented like the list above it but is no `- ` entry: start it with \
             `- `, or indent it under an entry",
        ),
        (
            "did not find expected key",
            "this line's indentation matches no key above it: align it with the keys it \
             belongs with",
        ),
        (
            "unclosed bracket",
            "close the list with `]` (a mapping with `}`) where it ends, or quote the value if \
             the bracket is part of the text",
        ),
        (
            "mismatched bracket",
            "close each `[` with `]` and each `{` with `}`",
        ),
        (
            "misplaced bracket",
            "this bracket closes nothing: remove it, or open it where the list or mapping starts",
        ),
        (
            "unexpected character",
            "quote the value: a plain value cannot start with `@` or `` ` ``",
        ),
        (
            "unknown anchor",
            "define the anchor (`&name`) before the alias (`*name`) that uses it, in the same \
             document",
        ),
        (
            "unknown escape",
            "inside \"…\" a backslash starts an escape (\\n, \\\", \\\\): write \\\\ for a backslash, \
             or use '…', where a backslash is just a backslash",
        ),
    ];
    HINTS
        .iter()
        .find(|(needle, _)| message.contains(needle))
        .map_or(
            "the parser stops where it cannot go on, which may be after the mistake: check this \
             line and the ones just above it (indentation, a `:` or `#` in an unquoted value, \
             an unclosed `[`, `{` or quote)",
            |(_, hint)| hint,
        )
}

/// The fix for a `[`/`{` left open.
pub fn unclosed_hint(bracket: char) -> &'static str {
    match bracket {
        '[' => {
            "close the list with `]` where it ends, or quote the value if the `[` is part of \
             the text (\"[…\")"
        }
        _ => {
            "close the mapping with `}` where it ends, or quote the value if the `{` is part \
             of the text (\"{…\")"
        }
    }
}

/// Characters shown on each side of the caret when a line is too long to show whole.
const WINDOW: usize = 60;

/// The line `at` points to, as a [`Mark`]; `None` when the text has no such line.
pub fn mark(src: &str, at: Location, note: Option<&'static str>) -> Option<Mark> {
    let line = lines(src).nth(at.line.checked_sub(1)?)?;
    let chars: Vec<char> = line.chars().collect();
    let column = at.column.max(1);
    let (from, to) = if chars.len() > 2 * WINDOW {
        let from = column.saturating_sub(WINDOW + 1);
        (from, (from + 2 * WINDOW).min(chars.len()))
    } else {
        (0, chars.len())
    };
    let mut text: String = chars[from..to].iter().collect();
    let mut caret = column - from;
    if from > 0 {
        text.insert(0, '…');
        caret += 1;
    }
    if to < chars.len() {
        text.push('…');
    }
    Some(Mark {
        line: at.line,
        column,
        text,
        caret,
        note,
    })
}

/// Lines as the parser counts them: broken at LF, CRLF or a lone CR.
fn lines(src: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(src);
    std::iter::from_fn(move || {
        let text = rest?;
        match text.find(['\n', '\r']) {
            None => {
                rest = None;
                Some(text)
            }
            Some(at) => {
                let next = if text[at..].starts_with("\r\n") {
                    at + 2
                } else {
                    at + 1
                };
                rest = Some(&text[next..]);
                Some(&text[..at])
            }
        }
    })
}

impl Mark {
    /// `   13 | text` and, under it, the caret (tabs kept, so it lines up in a terminal).
    pub fn render(&self) -> String {
        let number = self.line.to_string();
        let gutter = " ".repeat(number.len().max(4));
        let pad: String = self
            .text
            .chars()
            .take(self.caret.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let note = self.note.map(|n| format!(" {n}")).unwrap_or_default();
        format!(
            "{number:>width$} | {}\n{gutter} | {pad}^{note}",
            self.text,
            width = gutter.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(line: usize, column: usize) -> Location {
        Location { line, column }
    }

    #[test]
    fn a_bracket_left_open_on_an_earlier_line_is_found() {
        let src = "spec:\n  namespace: [flux-system\n  ref:\n    branch: main\n";
        assert_eq!(
            unclosed_before(src, loc(3, 6), &Limits::default()),
            Some(Unclosed {
                bracket: '[',
                at: loc(2, 14)
            })
        );
        let src = "a:\n  b: {x: 1\n  c: d\n";
        assert_eq!(
            unclosed_before(src, loc(3, 4), &Limits::default()).map(|u| (u.bracket, u.at)),
            Some(('{', loc(2, 6)))
        );
    }

    #[test]
    fn errors_that_are_not_an_open_bracket_find_none() {
        // The bracket is closed; the error is on the line it is reported at.
        let src = "a: [1, 2]\nb: c: d\n";
        assert_eq!(unclosed_before(src, loc(2, 5), &Limits::default()), None);
        // Open, but on the line of the error: the parser's position is the right one.
        let src = "a: [1, {b: 2]\n";
        assert_eq!(unclosed_before(src, loc(1, 8), &Limits::default()), None);
        assert_eq!(
            unclosed_before("a: b\n", loc(1, 1), &Limits::default()),
            None
        );
    }

    #[test]
    fn marks_put_the_caret_under_the_column_even_after_tabs() {
        let mark = mark("a: 1\n\tb: [x\n", loc(2, 5), None).unwrap();
        assert_eq!(mark.render(), "   2 | \tb: [x\n     | \t   ^");
        let mark = mark_of("x\r\ny: 'z\r\n", loc(2, 4));
        assert_eq!(mark.text, "y: 'z");
        assert_eq!(mark.caret, 4);
        assert!(super::mark("a\n", loc(5, 1), None).is_none());
    }

    fn mark_of(src: &str, at: Location) -> Mark {
        mark(src, at, None).unwrap()
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let line = format!("{}[{}", "a".repeat(500), "b".repeat(500));
        let mark = mark_of(&line, loc(1, 501));
        assert!(mark.text.starts_with('…') && mark.text.ends_with('…'));
        assert_eq!(mark.text.chars().nth(mark.caret - 1), Some('['));
        assert!(mark.text.chars().count() <= 2 * WINDOW + 2);
    }

    #[test]
    fn a_tab_in_the_indentation_is_shown_where_it_is() {
        let src = "a:\n  \tb: c\n";
        assert_eq!(
            tab_column(src, 2, "tabs disallowed within this context"),
            Some(3)
        );
        assert_eq!(tab_column(src, 2, "mapping values are not allowed"), None);
        assert_eq!(tab_column("a:\n  b: c\td\n", 2, "tab"), None);
    }

    #[test]
    fn every_parser_message_gets_a_hint_that_says_what_to_do() {
        assert!(hint("unclosed quote").contains("close the quote"));
        assert!(hint("tabs disallowed within this context").contains("spaces"));
        assert!(hint("something new").contains("the ones just above it"));
    }
}
