//! Writes the output by splicing: every byte outside the edited regions is copied from the
//! input unchanged, so untouched items keep their comments, quoting, key order and the
//! orchestrator's annotations.

use std::ops::Range;

use serde_json::Value;

use super::layout::line_end_after;
use super::{Envelope, ItemsContainer, Notation, ResourceList, RootInsert};
use crate::yaml::emit::{self, EmitStyle};
use crate::yaml::lines::{at_line_start, lines_inclusive};

/// What the function changes in the list.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Edits {
    /// Items to drop, by index.
    pub remove: Vec<usize>,
    /// Items to overwrite in place (same position), by index.
    pub replace: Vec<(usize, Value)>,
    /// New items, appended after the last item in this order.
    pub append: Vec<Value>,
    /// `Some` sets the list's `results` (replacing any the input had).
    pub results: Option<Vec<Value>>,
    /// Small text changes inside items that otherwise stay as they are (annotations stamped
    /// on appliers), by item.
    pub item_patches: Vec<ItemPatch>,
}

/// Replaces `range` of the input (inside item `item`) by `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemPatch {
    pub item: usize,
    pub range: Range<usize>,
    pub text: String,
}

/// A pending replacement of `range` by `text`.
#[derive(Debug)]
struct Patch {
    range: Range<usize>,
    text: String,
}

/// The output writer for one [`ResourceList`].
pub struct Splice<'l, 'a> {
    list: &'l ResourceList<'a>,
    style: EmitStyle,
    patches: Vec<Patch>,
}

impl<'l, 'a> Splice<'l, 'a> {
    pub fn new(list: &'l ResourceList<'a>) -> Self {
        Splice {
            list,
            style: list.layout.emit_style(),
            patches: Vec::new(),
        }
    }

    /// The output for `edits`, as the input's bytes with patches laid over them.
    pub fn render(mut self, edits: &Edits) -> Spliced<'a> {
        // A flow list whose items were rebuilt already carries these in the items' text.
        let items_change =
            !edits.remove.is_empty() || !edits.replace.is_empty() || !edits.append.is_empty();
        let rebuilt = matches!(self.list.container, ItemsContainer::Flow { .. }) && items_change;
        // Item patches go first: the sort below is stable, so a patch at the very end of the
        // last item stays inside it, before new items appended at that same offset.
        for patch in &edits.item_patches {
            let kept = !edits.remove.contains(&patch.item)
                && !edits.replace.iter().any(|(i, _)| *i == patch.item);
            if kept && !rebuilt {
                self.patch(patch.range.clone(), patch.text.clone());
            }
        }
        if items_change {
            self.items(edits);
        }
        if let Some(results) = &edits.results {
            self.results(results);
        }
        self.patches.sort_by_key(|p| (p.range.start, p.range.end));
        Spliced {
            source: self.list.source,
            patches: self.patches,
        }
    }

    /// The output for `edits` as one string.
    pub fn write(self, edits: &Edits) -> String {
        self.render(edits).to_string()
    }

    fn nl(&self) -> &'static str {
        self.style.line_ending.as_str()
    }

    fn patch(&mut self, range: Range<usize>, text: String) {
        self.patches.push(Patch { range, text });
    }

    /// Inserts at `at`, starting a new line first if `at` is in the middle of one.
    fn insert_lines(&mut self, at: usize, text: String) {
        // A removal may have taken the lines after the last item (see `region_edits`): the
        // same text then goes where the removal starts.
        let at = self
            .patches
            .iter()
            .find(|p| p.range.start < at && at < p.range.end && p.text.is_empty())
            .map_or(at, |p| p.range.start);
        let text = if !at_line_start(self.list.source, at) {
            format!("{}{text}", self.nl())
        } else {
            text
        };
        self.patch(at..at, text);
    }

    fn items(&mut self, edits: &Edits) {
        let list = self.list;
        match &list.container {
            ItemsContainer::Block { insert_at } => {
                let col = list.layout.item_col;
                self.region_edits(edits, |s, v| s.block_item(v, col));
                let text = edits
                    .append
                    .iter()
                    .map(|v| self.block_item(v, col))
                    .collect::<String>();
                if !text.is_empty() {
                    self.insert_lines(*insert_at, text);
                }
            }
            ItemsContainer::Stream { end } => {
                self.region_edits(edits, |s, v| emit::document(v, &s.style));
                // The first document of a blank stream needs no separator before it.
                let blank = list.source.trim().is_empty();
                let mut text = String::new();
                for (i, value) in edits.append.iter().enumerate() {
                    if !(blank && i == 0) {
                        text.push_str("---");
                        text.push_str(self.nl());
                    }
                    text.push_str(&emit::document(value, &self.style));
                }
                if !text.is_empty() {
                    self.insert_lines(*end, text);
                }
            }
            ItemsContainer::Flow {
                key_end,
                open,
                close,
            } => self.flow_items(edits, *key_end, *open, *close),
            ItemsContainer::Null {
                replace,
                anchor,
                colon,
            } => {
                if edits.append.is_empty() {
                    return;
                }
                let mut text = String::new();
                if !colon {
                    // `? items` alone: the value indicator goes on a line of its own, at the
                    // key's column.
                    text.push_str(self.nl());
                    text.push_str(&" ".repeat(list.layout.key_col));
                    text.push(':');
                }
                if let Some(anchor) = anchor {
                    text.push(' ');
                    text.push_str(&list.source[anchor.clone()]);
                }
                if matches!(list.root_insert, RootInsert::Flow { .. }) {
                    // A flow (JSON) root cannot hold a block sequence.
                    text.push(' ');
                    let items = Value::Array(edits.append.clone());
                    text.push_str(&self.json_item(&items, list.layout.key_col));
                    self.patch(replace.clone(), text);
                } else {
                    // The items start on the next line, so a comment after the null stays on
                    // the key's line.
                    self.patch(replace.clone(), text);
                    let col = list.layout.key_col;
                    let items = edits
                        .append
                        .iter()
                        .map(|v| self.block_item(v, col))
                        .collect();
                    self.insert_lines(line_end_after(list.source, replace.end), items);
                }
            }
            ItemsContainer::Missing => {
                if !edits.append.is_empty() {
                    self.root_key("items", &Value::Array(edits.append.clone()));
                }
            }
        }
    }

    /// Removals and in-place replacements of items that have a region of their own.
    fn region_edits(&mut self, edits: &Edits, render: impl Fn(&Self, &Value) -> String) {
        let items = &self.list.items;
        let mut removed = edits.remove.clone();
        removed.sort_unstable();
        removed.dedup();
        // Removing an item puts what followed it right after what preceded it. After a block
        // scalar, the blank lines and deeper comment lines that followed the removed item would
        // become the scalar's content (kept lines of `|+`): they go with the item. `open` says
        // the text before the current removal ends in such a scalar.
        let mut open = false;
        let mut last_removed: Option<(usize, usize)> = None;
        for index in removed {
            let Some(item) = items.get(index) else {
                continue;
            };
            let before = index.checked_sub(1).map(|i| &items[i]);
            open = match (before, last_removed) {
                (None, _) => false,
                (Some(_), Some((i, end))) if i + 1 == index => open && end == item.region.start,
                (Some(prev), _) => {
                    prev.ends_in_block_scalar
                        && is_blank(&self.list.source[prev.region.end..item.region.start])
                }
            };
            let limit = items
                .get(index + 1)
                .map_or(self.list.source.len(), |next| next.region.start);
            let end = if open {
                self.scalar_tail(item.region.end, limit)
            } else {
                item.region.end
            };
            self.patch(item.region.start..end, String::new());
            last_removed = Some((index, end));
        }
        for (index, value) in &edits.replace {
            let item = &self.list.items[*index];
            let mut text = render(self, value);
            if self.list.envelope == Envelope::Stream
                && self.list.source[item.region.clone()].starts_with("---")
            {
                text = format!("---{}{text}", self.nl());
            }
            self.patch(item.region.clone(), text);
        }
    }

    /// The end of the lines from `from` (a line start) up to `limit` that a block scalar ending
    /// right before them would take in: blank lines, and comment lines deeper than the items
    /// (a block scalar in an item is indented deeper than the item's `-`).
    fn scalar_tail(&self, from: usize, limit: usize) -> usize {
        let src = self.list.source;
        let col = self.list.layout.item_col;
        let mut end = from;
        for line in lines_inclusive(&src[from..limit]) {
            let text = line.trim_start_matches([' ', '\t']);
            let indent = line.len() - text.len();
            let blank = text.trim_end_matches(['\r', '\n']).is_empty();
            if !(blank || (text.starts_with('#') && indent > col)) {
                break;
            }
            end += line.len();
        }
        end
    }

    fn block_item(&self, value: &Value, col: usize) -> String {
        let mut out = " ".repeat(col);
        out.push_str("- ");
        emit::write_block_node(&mut out, value, col + 2, &self.style);
        out
    }

    /// Items for a list whose `items` had no entries written in block style yet.
    fn new_block_items(&self, values: &[Value]) -> String {
        let col = self.list.layout.key_col;
        let mut text = self.nl().to_string();
        for value in values {
            text.push_str(&self.block_item(value, col));
        }
        text
    }

    /// `items: [ ... ]`: kept items are copied as they are; separators follow the input's.
    fn flow_items(&mut self, edits: &Edits, key_end: usize, open: usize, close: usize) {
        let list = self.list;
        let src = list.source;
        let items = &list.items;
        if list.notation == Notation::Yaml && items.is_empty() && !edits.append.is_empty() {
            // `items: []` in a YAML list becomes a block sequence, as kyaml would write it.
            let text = self.new_block_items(&edits.append);
            self.patch(key_end..close + 1, text);
            return;
        }
        let (leading, trailing, joiner) = match (items.first(), items.last()) {
            (Some(first), Some(last)) => {
                let joiner = match items.get(1) {
                    Some(second) => src[first.region.end..second.region.start].to_string(),
                    None => format!(",{}", whitespace_of(&src[open..first.region.start])),
                };
                (
                    src[open..first.region.start].to_string(),
                    src[last.region.end..close].to_string(),
                    joiner,
                )
            }
            _ => {
                let indent = " ".repeat(list.layout.key_col + 2);
                let lead = format!("{}{indent}", self.nl());
                let trail = format!("{}{}", self.nl(), " ".repeat(list.layout.key_col));
                (lead.clone(), trail, format!(",{lead}"))
            }
        };
        let col = if items.is_empty() {
            list.layout.key_col + 2
        } else {
            list.layout.item_col
        };
        let mut parts: Vec<String> = Vec::new();
        for item in items {
            if edits.remove.contains(&item.index) {
                continue;
            }
            match edits.replace.iter().find(|(i, _)| *i == item.index) {
                Some((_, value)) => parts.push(self.json_item(value, col)),
                None => parts.push(patched(
                    src,
                    item.region.clone(),
                    item.index,
                    &edits.item_patches,
                )),
            }
        }
        for value in &edits.append {
            parts.push(self.json_item(value, col));
        }
        let text = if parts.is_empty() {
            String::new()
        } else {
            format!("{leading}{}{trailing}", parts.join(&joiner))
        };
        self.patch(open..close, text);
    }

    fn json_item(&self, value: &Value, col: usize) -> String {
        emit::json_pretty(value, col, 2, self.style.line_ending)
    }

    fn results(&mut self, results: &[Value]) {
        let value = Value::Array(results.to_vec());
        match (&self.list.results, &self.list.root_insert) {
            (Some(range), RootInsert::Block { key_col, .. }) => {
                let text = self.block_key("results", &value, *key_col);
                self.patch(range.clone(), text);
            }
            (Some(range), RootInsert::Flow { .. }) => {
                let col = self.list.layout.key_col;
                let text = emit::json_pretty(&value, col, 2, self.style.line_ending);
                self.patch(range.clone(), text);
            }
            (None, _) => self.root_key("results", &value),
        }
    }

    fn block_key(&self, key: &str, value: &Value, key_col: usize) -> String {
        let mut map = serde_json::Map::new();
        map.insert(key.to_string(), value.clone());
        let mut out = " ".repeat(key_col);
        emit::write_block_node(&mut out, &Value::Object(map), key_col, &self.style);
        out
    }

    /// Adds a new key to the root mapping.
    fn root_key(&mut self, key: &str, value: &Value) {
        match self.list.root_insert.clone() {
            RootInsert::Block { at, key_col } => {
                let text = self.block_key(key, value, key_col);
                self.insert_lines(at, text);
            }
            RootInsert::Flow { close, has_entries } => {
                let col = self.list.layout.key_col;
                let indent = " ".repeat(col);
                let sep = if has_entries { "," } else { "" };
                let body = emit::json_pretty(value, col, 2, self.style.line_ending);
                // Keep the closing brace on its own line if it was.
                let src = self.list.source;
                let before_close = &src[..close];
                let trimmed = before_close.trim_end();
                let text = format!("{sep}{}{indent}\"{key}\": {body}", self.nl());
                self.patch(trimmed.len()..trimmed.len(), text);
            }
        }
    }
}

/// Output that is mostly the input: written piece by piece, so a large list is never copied
/// whole in memory.
#[derive(Debug, Default)]
pub struct Spliced<'a> {
    source: &'a str,
    /// Sorted, non-overlapping.
    patches: Vec<Patch>,
}

impl<'a> Spliced<'a> {
    /// The pieces in order: input slices and patch texts (the output is their concatenation).
    pub fn pieces(&self) -> impl Iterator<Item = &str> {
        let mut pos = 0;
        let mut out = Vec::with_capacity(self.patches.len() * 2 + 1);
        for patch in &self.patches {
            out.push(&self.source[pos..patch.range.start]);
            out.push(patch.text.as_str());
            pos = patch.range.end;
        }
        out.push(&self.source[pos..]);
        out.into_iter()
    }

    /// The output's length in bytes.
    pub fn len(&self) -> usize {
        self.pieces().map(str::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn write_to(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        for piece in self.pieces() {
            out.write_all(piece.as_bytes())?;
        }
        Ok(())
    }
}

impl std::fmt::Display for Spliced<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.pieces().try_for_each(|piece| f.write_str(piece))
    }
}

/// An item's text with its own patches applied (for flow lists, whose items are rebuilt).
fn patched(src: &str, region: Range<usize>, item: usize, patches: &[ItemPatch]) -> String {
    let mut mine: Vec<&ItemPatch> = patches
        .iter()
        .filter(|p| p.item == item && p.range.start >= region.start && p.range.end <= region.end)
        .collect();
    mine.sort_by_key(|p| p.range.start);
    let mut out = String::new();
    let mut pos = region.start;
    for patch in mine {
        if patch.range.start < pos {
            continue;
        }
        out.push_str(&src[pos..patch.range.start]);
        out.push_str(&patch.text);
        pos = patch.range.end;
    }
    out.push_str(&src[pos..region.end]);
    out
}

fn whitespace_of(s: &str) -> &str {
    let trimmed = s.trim_start_matches(|c: char| c != ' ' && c != '\n' && c != '\r' && c != '\t');
    &trimmed[..trimmed.len() - trimmed.trim_start().len()]
}

/// Whether `text` is only blank lines (spaces, tabs, line breaks).
fn is_blank(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;
    use crate::resource_list::{ReadSpec, Reader};

    /// The start of a block-style list, up to its `items:` key.
    const BLOCK_HEAD: &str = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n";

    fn read(src: &str) -> ResourceList<'_> {
        Reader::new(Limits::default(), &ReadSpec::PLAIN)
            .resource_list(src, "test")
            .expect("reads")
    }

    fn removed(src: &str, remove: &[usize]) -> String {
        let list = read(src);
        let edits = Edits {
            remove: remove.to_vec(),
            ..Edits::default()
        };
        Splice::new(&list).write(&edits)
    }

    #[test]
    fn removed_items_after_a_block_scalar_take_the_lines_it_would_take_in() {
        let head = BLOCK_HEAD;
        // Two items in a row, then blank lines and a comment of the root, which stays.
        let src = format!("{head}- a: |+\n    x\n- b: 1\n\n- c: 2\n\n    # deep\n# root\nfoo: 1\n");
        assert_eq!(
            removed(&src, &[2, 1]),
            format!("{head}- a: |+\n    x\n# root\nfoo: 1\n")
        );
        // A shallow comment ends the scalar: what follows it stays.
        let src = format!("{head}- a: |\n    x\n- b: 1\n# about c\n\n- c: 2\n");
        assert_eq!(
            removed(&src, &[1]),
            format!("{head}- a: |\n    x\n# about c\n\n- c: 2\n")
        );
        // A comment between the scalar and the removed item ends the scalar already.
        let src = format!("{head}- a: |\n    x\n# about b\n- b: 1\n\n    # deep\n- c: 2\n");
        assert_eq!(
            removed(&src, &[1]),
            format!("{head}- a: |\n    x\n# about b\n\n    # deep\n- c: 2\n")
        );
        // No block scalar before: the gap stays as it was, after one removal or a run of them.
        let src = format!("{head}- a: 1\n- b: 1\n\n    # deep\n- c: 2\n");
        assert_eq!(
            removed(&src, &[1]),
            format!("{head}- a: 1\n\n    # deep\n- c: 2\n")
        );
        let src = format!("{head}- a: 1\n- b: 1\n- c: 1\n\n    # deep\n- d: 2\n");
        assert_eq!(
            removed(&src, &[1, 2]),
            format!("{head}- a: 1\n\n    # deep\n- d: 2\n")
        );
    }

    #[test]
    fn text_added_after_a_removal_that_took_the_last_lines_goes_where_it_started() {
        // Stale Alerts removed, new ones appended and results set, as the function does.
        let head = BLOCK_HEAD;
        let src = format!("{head}- a: |+\n    x\n- b: 1\n\n");
        let list = read(&src);
        let edits = Edits {
            remove: vec![1],
            append: vec![serde_json::json!({"c": 3})],
            results: Some(vec![serde_json::json!({"message": "m"})]),
            ..Edits::default()
        };
        assert_eq!(
            Splice::new(&list).write(&edits),
            format!("{head}- a: |+\n    x\n- c: 3\nresults:\n- message: m\n")
        );
    }

    #[test]
    fn a_patch_at_the_end_of_the_last_item_stays_in_it_before_appended_items() {
        let head = BLOCK_HEAD;
        let src = format!("{head}- a:\n    b: 1\n");
        let list = read(&src);
        let end = src.len();
        let edits = Edits {
            append: vec![serde_json::json!({"c": 3})],
            item_patches: vec![ItemPatch {
                item: 0,
                range: end..end,
                text: "    d: 2\n".into(),
            }],
            ..Edits::default()
        };
        assert_eq!(
            Splice::new(&list).write(&edits),
            format!("{head}- a:\n    b: 1\n    d: 2\n- c: 3\n")
        );
    }

    fn stream(src: &str) -> ResourceList<'_> {
        Reader::new(Limits::default(), &ReadSpec::PLAIN)
            .stream(src, "test")
            .expect("reads")
    }

    fn appended(list: &ResourceList<'_>, values: Vec<Value>) -> String {
        let edits = Edits {
            append: values,
            ..Edits::default()
        };
        Splice::new(list).write(&edits)
    }

    #[test]
    fn documents_added_to_a_blank_stream_are_separated_but_not_led_by_a_marker() {
        let two = || vec![serde_json::json!({"a": 1}), serde_json::json!({"b": 2})];
        assert_eq!(appended(&stream(""), two()), "a: 1\n---\nb: 2\n");
        assert_eq!(appended(&stream("\n"), two()), "\na: 1\n---\nb: 2\n");
        // After a document, or after comments, every new document has its marker.
        assert_eq!(
            appended(&stream("x: 0\n"), two()),
            "x: 0\n---\na: 1\n---\nb: 2\n"
        );
        assert_eq!(
            appended(&stream("# only a comment\n"), two()),
            "# only a comment\n---\na: 1\n---\nb: 2\n"
        );
    }

    #[test]
    fn a_replaced_document_keeps_the_marker_it_had_or_had_not() {
        let list = stream("a: 1\n---\nb: 2\n");
        let edits = Edits {
            replace: vec![
                (0, serde_json::json!({"c": 3})),
                (1, serde_json::json!({"d": 4})),
            ],
            ..Edits::default()
        };
        assert_eq!(Splice::new(&list).write(&edits), "c: 3\n---\nd: 4\n");
    }

    #[test]
    fn a_patch_inside_a_rebuilt_flow_list_is_applied_once() {
        let src = "{\n  \"apiVersion\": \"config.kubernetes.io/v1\",\n  \"kind\": \"ResourceList\",\n  \"items\": [\n    {\"a\": 1},\n    {\"b\": 2}\n  ]\n}\n";
        let list = read(src);
        // Two patches of item 0, one right after the other, and one of item 1.
        let a = src.find("\"a\": 1").expect("a's value") + 5;
        let b = src.find("\"b\": 2").expect("b's value") + 5;
        let patch = |item, range: Range<usize>, text: &str| ItemPatch {
            item,
            range,
            text: text.into(),
        };
        let patches = vec![
            patch(0, a..a + 1, "5"),
            patch(0, a + 1..a + 1, ", \"z\": 0"),
            patch(1, b..b + 1, "7"),
        ];
        let edits = |append: Vec<Value>, remove: Vec<usize>| Edits {
            append,
            remove,
            item_patches: patches.clone(),
            ..Edits::default()
        };
        let a_patched = |text: String| text.replace("\"a\": 1", "\"a\": 5, \"z\": 0");
        assert_eq!(
            Splice::new(&list).write(&edits(vec![serde_json::json!({"c": 3})], vec![])),
            a_patched(src.replace(
                "{\"b\": 2}\n",
                "{\"b\": 7},\n    {\n      \"c\": 3\n    }\n"
            ))
        );
        assert_eq!(
            Splice::new(&list).write(&edits(vec![], vec![1])),
            a_patched(src.replace(",\n    {\"b\": 2}", ""))
        );
        // Nothing rebuilt: the patches alone.
        assert_eq!(
            Splice::new(&list).write(&edits(vec![], vec![])),
            a_patched(src.replace("\"b\": 2", "\"b\": 7"))
        );
    }

    #[test]
    fn a_patch_on_an_item_that_is_removed_or_replaced_goes_with_it() {
        let head = BLOCK_HEAD;
        let src = format!("{head}- a: 1\n- b: 2\n");
        let list = read(&src);
        let at = src.find('2').expect("b's value");
        let patches = vec![ItemPatch {
            item: 1,
            range: at..at + 1,
            text: "9".into(),
        }];
        let removed = Edits {
            remove: vec![1],
            item_patches: patches.clone(),
            ..Edits::default()
        };
        assert_eq!(
            Splice::new(&list).write(&removed),
            format!("{head}- a: 1\n")
        );
        let replaced = Edits {
            replace: vec![(1, serde_json::json!({"c": 3}))],
            item_patches: patches,
            ..Edits::default()
        };
        assert_eq!(
            Splice::new(&list).write(&replaced),
            format!("{head}- a: 1\n- c: 3\n")
        );
    }

    #[test]
    fn items_added_after_the_only_item_of_a_flow_list_follow_its_line_breaks() {
        let head = "{\n  \"apiVersion\": \"config.kubernetes.io/v1\",\n  \"kind\": \"ResourceList\",\n  \"items\": ";
        let c = serde_json::json!({"c": 3});
        let one_per_line = format!("{head}[\n    {{\"a\": 1}}\n  ]\n}}\n");
        assert_eq!(
            appended(&read(&one_per_line), vec![c.clone()]),
            format!("{head}[\n    {{\"a\": 1}},\n    {{\n      \"c\": 3\n    }}\n  ]\n}}\n")
        );
        let spaced = format!("{head}[ {{\"a\": 1}} ]\n}}\n");
        let appended_spaced = appended(&read(&spaced), vec![c]);
        assert!(
            appended_spaced.starts_with(&format!("{head}[ {{\"a\": 1}}, {{\n")),
            "{appended_spaced}"
        );
    }

    #[test]
    fn items_added_to_an_empty_flow_list_take_the_indent_of_its_key() {
        for indent in ["", "  ", "    "] {
            let src = format!(
                "{{\n{indent}\"apiVersion\": \"config.kubernetes.io/v1\",\n{indent}\"kind\": \"ResourceList\",\n{indent}\"items\": []\n}}\n"
            );
            let list = read(&src);
            let inner = format!("{indent}  ");
            let expected = src.replace(
                "[]",
                &format!("[\n{inner}{{\n{inner}  \"a\": 1\n{inner}}}\n{indent}]"),
            );
            assert_eq!(
                appended(&list, vec![serde_json::json!({"a": 1})]),
                expected,
                "indent {indent:?}"
            );
        }
    }

    #[test]
    fn the_output_length_is_the_length_of_what_is_written() {
        let head = BLOCK_HEAD;
        let src = format!("{head}- a: 1\n- b: 2\n");
        let list = read(&src);
        let edits = Edits {
            remove: vec![0],
            append: vec![serde_json::json!({"c": "three"})],
            ..Edits::default()
        };
        let spliced = Splice::new(&list).render(&edits);
        assert_eq!(spliced.len(), spliced.to_string().len());
        assert!(!spliced.is_empty());
        let empty = stream("");
        let nothing = Splice::new(&empty).render(&Edits::default());
        assert_eq!((nothing.len(), nothing.is_empty()), (0, true));
    }
}
