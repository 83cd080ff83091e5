//! Field paths (`spec.alerts[0].eventSeverity`) back to lines and columns of the text a user
//! typed. Results name fields by path because the engine keeps no positions for values it reads;
//! an editor wants a line. This walks the parser's events along the path only, skipping every
//! other subtree, so it costs one pass over the text at most.

use granit_parser::Event;

use super::read::Events;
use super::reader::{ReadSpec, Reader};
use super::{Item, ItemsContainer, ResourceList};
use crate::limits::Limits;
use crate::yaml::lines::line_start;

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// Splits a field path as results write it: `a.b`, `a[0]`, `a["app.kubernetes.io/name"]`
/// (keys that are not one plain segment are JSON strings in brackets). A malformed rest is
/// dropped: the position then falls on the deepest part that could be read.
pub fn parse_field_path(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            rest = after;
        } else if let Some(inner) = rest.strip_prefix('[') {
            if inner.starts_with('"') {
                let Some(end) = json_string_end(inner) else {
                    break;
                };
                let Ok(key) = serde_json::from_str::<String>(&inner[..end]) else {
                    break;
                };
                out.push(Segment::Key(key));
                rest = inner[end..].strip_prefix(']').unwrap_or_default();
            } else {
                let close = inner.find(']').unwrap_or(inner.len());
                let Ok(index) = inner[..close].trim().parse() else {
                    break;
                };
                out.push(Segment::Index(index));
                rest = inner.get(close + 1..).unwrap_or_default();
            }
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            out.push(Segment::Key(rest[..end].to_string()));
            rest = &rest[end..];
        }
    }
    out
}

/// The byte just after the closing quote of the JSON string that starts `text`.
fn json_string_end(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// A 1-based line and column, as editors count them (columns in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineColumn {
    pub line: usize,
    pub column: usize,
}

/// Walks the reader's own event stream: the crate calls the parser in one place, which keeps
/// that call inlined into the reader's hot loop (see BENCHMARKS.md, "One call of the parser").
struct Walker<'a> {
    events: Events<'a>,
}

type Found<'a> = (Event<'a>, LineColumn);

impl<'a> Walker<'a> {
    /// The next event that opens, closes or is a node; `None` on a syntax error or the end.
    fn next(&mut self) -> Option<Found<'a>> {
        let (event, span) = self.events.next().ok()?;
        let at = LineColumn {
            line: span.line as usize,
            column: span.col as usize + 1,
        };
        Some((event, at))
    }

    /// Consumes the rest of the node that `first` opens.
    fn skip(&mut self, first: &Event<'_>) -> Option<()> {
        let mut depth = usize::from(opens(first));
        while depth > 0 {
            let (event, _) = self.next()?;
            if opens(&event) {
                depth += 1;
            } else if matches!(event, Event::MappingEnd | Event::SequenceEnd) {
                depth -= 1;
            }
        }
        Some(())
    }
}

fn opens(event: &Event<'_>) -> bool {
    matches!(event, Event::MappingStart(..) | Event::SequenceStart(..))
}

/// Where the node at `path` is in the first document of `text`: the position of its key in a
/// mapping, of its entry in a sequence, or of the document's root for an empty path. When the
/// path goes further than the text (a required field that is missing), the deepest part that
/// exists is the answer; `None` only when the text has no document at all.
pub fn locate(text: &str, path: &[Segment], limits: &Limits) -> Option<LineColumn> {
    let mut walker = Walker {
        events: Events::new(text, "locate", &Reader::new(*limits, &ReadSpec::PLAIN)),
    };
    // The root node: the first node event of the stream.
    let (mut node, mut best) = loop {
        let (event, at) = walker.next()?;
        match event {
            Event::StreamStart | Event::DocumentStart(..) => {}
            Event::StreamEnd => return None,
            _ => break (event, at),
        }
    };
    'path: for segment in path {
        match (segment, &node) {
            (Segment::Key(wanted), Event::MappingStart(..)) => loop {
                let (key, at) = walker.next()?;
                if matches!(key, Event::MappingEnd) {
                    break 'path;
                }
                let hit = matches!(&key, Event::Scalar(text, ..) if text.as_ref() == wanted);
                walker.skip(&key)?;
                let (value, _) = walker.next()?;
                if hit {
                    // The key, not the value: a value may start lines below (a block mapping).
                    best = at;
                    node = value;
                    continue 'path;
                }
                walker.skip(&value)?;
            },
            (Segment::Index(wanted), Event::SequenceStart(..)) => {
                let mut index = 0;
                loop {
                    let (entry, at) = walker.next()?;
                    if matches!(entry, Event::SequenceEnd) {
                        break 'path;
                    }
                    if index == *wanted {
                        best = at;
                        node = entry;
                        continue 'path;
                    }
                    walker.skip(&entry)?;
                    index += 1;
                }
            }
            _ => break,
        }
    }
    Some(best)
}

impl ResourceList<'_> {
    /// Where the field at `path` of `item` is in the item's source text (the input, or the
    /// file a package item was read from); the item's first line for an empty path.
    pub fn locate(&self, item: &Item<'_>, path: &[Segment], limits: &Limits) -> Option<LineColumn> {
        // A block item's text is its `- ` entry, a sequence of one.
        let entry = matches!(self.container, ItemsContainer::Block { .. });
        locate_in_region(item.source, &item.region, item.line, entry, path, limits)
    }

    /// Where the field at `path` of the functionConfig is in the input, when the list was read
    /// from a ResourceList that has one.
    pub fn locate_function_config(&self, path: &[Segment], limits: &Limits) -> Option<LineColumn> {
        let at = self.function_config_text.as_ref()?;
        locate_in_region(self.source, &at.region, at.line, false, path, limits)
    }
}

/// [`locate`] in the node that `region` of `source` holds (as an `entry` of a one-entry block
/// sequence when `entry`), the node starting on line `line` of `source`. Only the region is
/// parsed: lines are counted from the node's own, never from the start of a large input.
fn locate_in_region(
    source: &str,
    region: &std::ops::Range<usize>,
    line: usize,
    entry: bool,
    path: &[Segment],
    limits: &Limits,
) -> Option<LineColumn> {
    let text = source.get(region.clone())?;
    let mut full = Vec::with_capacity(path.len() + 1);
    if entry {
        full.push(Segment::Index(0));
    }
    let node = locate(text, &full, limits)?;
    full.extend_from_slice(path);
    let at = locate(text, &full, limits)?;
    let line = (line + at.line).checked_sub(node.line)?;
    // Only the region's first line can start after the start of its line (a flow node).
    let column = if at.line == 1 {
        source[line_start(source, region.start)..region.start]
            .chars()
            .count()
            + at.column
    } else {
        at.column
    };
    Some(LineColumn { line, column })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, path: &str) -> Option<(usize, usize)> {
        locate(text, &parse_field_path(path), &Limits::default()).map(|p| (p.line, p.column))
    }

    #[test]
    fn paths_split_into_keys_and_indexes() {
        assert_eq!(
            parse_field_path(r#"spec.alerts[12].eventMetadata["app.kubernetes.io/name"].x"#),
            vec![
                Segment::Key("spec".into()),
                Segment::Key("alerts".into()),
                Segment::Index(12),
                Segment::Key("eventMetadata".into()),
                Segment::Key("app.kubernetes.io/name".into()),
                Segment::Key("x".into()),
            ]
        );
        assert_eq!(
            parse_field_path(r#"a["q\"]x"]"#),
            vec![Segment::Key("a".into()), Segment::Key("q\"]x".into())]
        );
        assert_eq!(parse_field_path(""), vec![]);
    }

    #[test]
    fn fields_are_found_at_their_keys_and_entries() {
        let text = "# leading comment\napiVersion: v1\nkind: X\nspec:\n  other: {a: [1, 2]}\n  \
                    alerts:\n  - name: a\n  -   name: b\n      eventSeverity: loud\n  labels:\n    \
                    app.kubernetes.io/name: x\n";
        assert_eq!(at(text, ""), Some((2, 1)));
        assert_eq!(at(text, "kind"), Some((3, 1)));
        assert_eq!(at(text, "spec.alerts[1]"), Some((8, 7)));
        assert_eq!(at(text, "spec.alerts[1].eventSeverity"), Some((9, 7)));
        assert_eq!(
            at(text, r#"spec.labels["app.kubernetes.io/name"]"#),
            Some((11, 5))
        );
    }

    #[test]
    fn a_missing_field_is_shown_at_its_deepest_existing_parent() {
        let text = "spec:\n  alerts:\n  - name: a\n";
        assert_eq!(at(text, "spec.alerts[0].providerRef"), Some((3, 5)));
        assert_eq!(at(text, "spec.alerts[3]"), Some((2, 3)));
        assert_eq!(at(text, "metadata.name"), Some((1, 1)));
        assert_eq!(at("", "spec"), None);
    }

    #[test]
    fn fields_of_items_are_found_in_the_input() {
        use crate::resource_list::{ReadSpec, Reader};
        let reader = Reader::new(Limits::default(), &ReadSpec::PLAIN);
        let block = "apiVersion: v1\nkind: List\nitems:\n- kind: A\n- kind: B\n  spec:\n    x: 1\n";
        let list = reader.resource_list(block, "t").unwrap();
        let path = parse_field_path("spec.x");
        let at = list
            .locate(&list.items[1], &path, &Limits::default())
            .unwrap();
        assert_eq!((at.line, at.column), (7, 5));
        let at = list
            .locate(&list.items[1], &[], &Limits::default())
            .unwrap();
        assert_eq!((at.line, at.column), (5, 3));
        let flow = "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [{\"kind\": \"A\"}]}";
        let list = reader.resource_list(flow, "t").unwrap();
        let at = list.locate(
            &list.items[0],
            &parse_field_path("kind"),
            &Limits::default(),
        );
        assert_eq!(at.map(|a| (a.line, a.column)), Some((1, 49)));
        let stream = reader
            .stream("kind: A\n---\nkind: B\nspec:\n  x: 1\n", "s")
            .unwrap();
        let at = stream
            .locate(&stream.items[1], &path, &Limits::default())
            .unwrap();
        assert_eq!((at.line, at.column), (5, 3));
    }

    #[test]
    fn the_function_config_is_found_in_the_input_without_reading_the_items_again() {
        use crate::resource_list::{ReadSpec, Reader};
        let reader = Reader::new(Limits::default(), &ReadSpec::PLAIN);
        let path = parse_field_path("spec.alerts[0].eventSeverity");
        let block = "apiVersion: v1\nkind: List\nitems:\n- kind: A\nfunctionConfig:\n  kind: X\n  \
                     spec:\n    alerts:\n    - eventSeverity: loud\n";
        let list = reader.resource_list(block, "t").unwrap();
        let at = list.locate_function_config(&path, &Limits::default());
        assert_eq!(at.map(|a| (a.line, a.column)), Some((9, 7)));
        let at = list.locate_function_config(&[], &Limits::default());
        assert_eq!(at.map(|a| (a.line, a.column)), Some((6, 3)));
        let flow = "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"functionConfig\": {\"spec\": \
                    {\"alerts\": [{\"eventSeverity\": \"loud\"}]}}}";
        let list = reader.resource_list(flow, "t").unwrap();
        let at = list.locate_function_config(&path, &Limits::default());
        let column = flow.find("\"eventSeverity\"").unwrap() + 1;
        assert_eq!(at.map(|a| (a.line, a.column)), Some((1, column)));
        let none = reader
            .resource_list("apiVersion: v1\nkind: List\nitems: []\n", "t")
            .unwrap();
        assert_eq!(none.locate_function_config(&path, &Limits::default()), None);
    }

    #[test]
    fn items_far_into_the_input_are_placed_on_their_own_lines() {
        use crate::resource_list::{ReadSpec, Reader};
        let reader = Reader::new(Limits::default(), &ReadSpec::PLAIN);
        let mut text = String::from("apiVersion: v1\nkind: List\nitems:\n");
        for i in 0..50 {
            text.push_str(&format!(
                "# item {i}\n-   kind: A\n    spec:\n      x: {i}\n"
            ));
        }
        let list = reader.resource_list(&text, "t").unwrap();
        let at = list
            .locate(
                &list.items[40],
                &parse_field_path("spec.x"),
                &Limits::default(),
            )
            .unwrap();
        assert_eq!((at.line, at.column), (4 + 40 * 4 + 3, 7));
        assert_eq!(text.lines().nth(at.line - 1), Some("      x: 40"));
    }

    #[test]
    fn flow_and_json_documents_work_too() {
        let text = "{\"items\": [{\"kind\": \"A\"}, {\"kind\": \"B\", \"spec\": {\"x\": 1}}]}";
        assert_eq!(at(text, "items[1].spec.x"), Some((1, 50)));
    }
}
