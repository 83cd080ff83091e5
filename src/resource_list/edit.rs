//! Format-preserving edits of a YAML document: set a string in a mapping, or append an entry to
//! a sequence, at a field path, creating the mappings (and the sequence) on the way when they are
//! missing. The answer is a list of [`TextPatch`]es: every byte outside them stays as it was, so
//! comments, quoting, order and layout of everything else survive (as with toml_edit).
//!
//! The path is walked over the parser's events, skipping every other subtree, so an edit costs
//! one pass over the document at most. New text follows the document: the key column of the
//! mapping it joins, the column of the sequence's `-`, flow style inside flow collections, JSON
//! quoting in a JSON document, the line ending of the text.

use std::fmt;
use std::ops::Range;

use granit_parser::{Event, ScalarStyle, StructureStyle};
use serde_json::Value;

use super::error::ReadError;
use super::layout::{detect_line_ending, find_dash, line_end_after, line_start, tokens_between};
use super::locate::Segment;
use super::read::{Ev, Events};
use super::reader::{ReadSpec, Reader};
use crate::limits::Limits;
use crate::yaml::emit::{self, EmitStyle};
use crate::yaml::lines::at_line_start;
use crate::yaml::scalar::{plain_is_safe, write_scalar_str};

/// Replace `range` of the edited text by `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextPatch {
    pub range: Range<usize>,
    pub text: String,
}

/// Why an edit cannot be made without rewriting more than the edited value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    /// The text is not YAML, or is not within the limits.
    Read(ReadError),
    /// The text has no such document.
    NoDocument { index: usize },
    /// The node at `path` is of another kind than the edit needs.
    Shape { path: String, found: &'static str },
    /// The node at `path` is written in a way an edit would have to rewrite: an alias, an
    /// anchored collection (its aliases would change too), a block scalar, a complex key.
    Unusual { path: String, what: &'static str },
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::Read(err) => write!(f, "{err}"),
            EditError::NoDocument { index } => write!(f, "the text has no document {}", index + 1),
            EditError::Shape { path, found } => write!(f, "{} is a {found}", shown(path)),
            EditError::Unusual { path, what } => write!(f, "{} {what}", shown(path)),
        }
    }
}

impl std::error::Error for EditError {}

fn shown(path: &str) -> String {
    if path.is_empty() {
        "the document".into()
    } else {
        format!("`{path}`")
    }
}

/// Sets each key of `pairs` to its string in the mapping at `path` of document `document` (from
/// 0) of `text`: a value is replaced in place when its key exists, new entries go after the last
/// one, and missing mappings along the path are created. No patch for a key that already holds
/// its string.
pub fn set_strings(
    text: &str,
    document: usize,
    path: &[Segment],
    pairs: &[(&str, &str)],
    limits: &Limits,
) -> Result<Vec<TextPatch>, EditError> {
    Editor::new(text, limits).edit(document, path, &Op::Set { pairs })
}

/// [`set_strings`] for one key.
pub fn set_string(
    text: &str,
    document: usize,
    path: &[Segment],
    key: &str,
    value: &str,
    limits: &Limits,
) -> Result<Vec<TextPatch>, EditError> {
    set_strings(text, document, path, &[(key, value)], limits)
}

/// Appends `value` to the sequence at `path` of document `document` of `text`, creating the
/// sequence (and the mappings above it) when it is missing, empty or null.
pub fn append(
    text: &str,
    document: usize,
    path: &[Segment],
    value: &Value,
    limits: &Limits,
) -> Result<Vec<TextPatch>, EditError> {
    Editor::new(text, limits).edit(document, path, &Op::Append { value })
}

/// `text` with `patches` applied; they must not overlap.
pub fn apply(text: &str, patches: &[TextPatch]) -> String {
    let mut sorted: Vec<&TextPatch> = patches.iter().collect();
    sorted.sort_by_key(|p| (p.range.start, p.range.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for patch in sorted {
        out.push_str(&text[at..patch.range.start]);
        out.push_str(&patch.text);
        at = patch.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// What to do at the end of the path.
enum Op<'v> {
    Set { pairs: &'v [(&'v str, &'v str)] },
    Append { value: &'v Value },
}

struct Editor<'a> {
    text: &'a str,
    limits: Limits,
    style: EmitStyle,
    /// The document is JSON: new keys and strings are written as JSON strings.
    json: bool,
}

impl<'a> Editor<'a> {
    fn new(text: &'a str, limits: &Limits) -> Self {
        Editor {
            text,
            limits: *limits,
            style: EmitStyle {
                line_ending: detect_line_ending(text),
                indent_sequences: sequences_indented(text),
            },
            json: text
                .trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with('{'),
        }
    }

    fn nl(&self) -> &'static str {
        self.style.line_ending.as_str()
    }

    fn edit(
        &self,
        document: usize,
        path: &[Segment],
        op: &Op<'_>,
    ) -> Result<Vec<TextPatch>, EditError> {
        let reader = Reader::new(self.limits, &ReadSpec::PLAIN);
        let mut walk = Walk {
            editor: self,
            events: Events::new(self.text, "edit", &reader),
            path,
            op,
        };
        walk.events.expect_stream_start().map_err(EditError::Read)?;
        let mut seen = 0;
        loop {
            let (event, _) = walk.read()?;
            match event {
                // A text of comments only holds no document; the first is the empty one.
                Event::StreamEnd if seen == 0 && document == 0 => {
                    return self.add_to_empty(path, op);
                }
                Event::StreamEnd => return Err(EditError::NoDocument { index: document }),
                Event::DocumentStart(..) if seen == document => break,
                Event::DocumentStart(..) => {
                    seen += 1;
                    let node = walk.read()?;
                    walk.skip(node)?;
                    walk.events.expect_document_end().map_err(EditError::Read)?;
                }
                _ => {}
            }
        }
        let root = walk.read()?;
        if !is_null(&root.0) {
            return walk.node(root, 0, None);
        }
        // An empty document (nothing, or only comments): everything is new, at column 0. Only
        // the last document can take new text at the end.
        walk.events.expect_document_end().map_err(EditError::Read)?;
        if !matches!(walk.read()?.0, Event::StreamEnd) {
            return Err(EditError::Shape {
                path: String::new(),
                found: "empty document followed by others",
            });
        }
        self.add_to_empty(path, op)
    }

    /// Everything is new: the text at the end, from column 0.
    fn add_to_empty(&self, path: &[Segment], op: &Op<'_>) -> Result<Vec<TextPatch>, EditError> {
        if path.iter().any(|s| matches!(s, Segment::Index(_))) {
            return Err(EditError::Shape {
                path: String::new(),
                found: "empty document",
            });
        }
        let at = self.text.len();
        let text = self.at_line_start(at, self.block(path, op, 0));
        Ok(vec![TextPatch {
            range: at..at,
            text,
        }])
    }

    /// `text`, with a line break first when `at` is not at the start of a line.
    fn at_line_start(&self, at: usize, text: String) -> String {
        if at_line_start(self.text, at) {
            text
        } else {
            format!("{}{text}", self.nl())
        }
    }

    /// A string as written here: a JSON string in a JSON document, otherwise plain wherever a
    /// YAML 1.1 reader reads it back as the same string.
    fn scalar(&self, text: &str) -> String {
        if self.json {
            return Value::String(text.to_string()).to_string();
        }
        let mut out = String::new();
        write_scalar_str(&mut out, text);
        out
    }

    /// Block lines that create the missing keys of `rest` and then do the operation, the first
    /// key at column `col`: below each key its child two columns in; a new sequence's entries at
    /// its key's column, or two in when the document indents sequences.
    fn block(&self, rest: &[Segment], op: &Op<'_>, col: usize) -> String {
        let nl = self.nl();
        let mut out = String::new();
        let mut col = col;
        for segment in rest {
            if let Segment::Key(key) = segment {
                out.push_str(&" ".repeat(col));
                out.push_str(&self.scalar(key));
                out.push(':');
                out.push_str(nl);
                col += 2;
            }
        }
        match op {
            Op::Set { pairs } => {
                for (key, value) in pairs.iter() {
                    out.push_str(&" ".repeat(col));
                    out.push_str(&self.scalar(key));
                    out.push_str(": ");
                    out.push_str(&self.scalar(value));
                    out.push_str(nl);
                }
            }
            Op::Append { value } => {
                let dash = if rest.is_empty() || self.style.indent_sequences {
                    col
                } else {
                    col - 2
                };
                out.push_str(&self.entry(value, dash));
            }
        }
        out
    }

    /// One block sequence entry with its `-` at column `dash`, ending with a line break.
    fn entry(&self, value: &Value, dash: usize) -> String {
        let mut out = " ".repeat(dash);
        out.push_str("- ");
        emit::write_block_node(&mut out, value, dash + 2, &self.style);
        out
    }

    /// The flow mapping entry that creates the missing keys of `rest` (at least one, or none
    /// for a set) and does the operation: `k: v`, `a: {b: {k: v}}`, `s: [v]`.
    fn flow_entry(&self, rest: &[Segment], op: &Op<'_>) -> String {
        match (rest.split_first(), op) {
            (Some((Segment::Key(key), below)), _) => {
                format!("{}: {}", self.scalar(key), self.flow_node(below, op))
            }
            (_, Op::Set { pairs }) => pairs
                .iter()
                .map(|(key, value)| format!("{}: {}", self.scalar(key), self.scalar(value)))
                .collect::<Vec<_>>()
                .join(", "),
            (_, Op::Append { value }) => flow_value(value),
        }
    }

    /// The flow node that creates the missing keys of `rest` and does the operation.
    fn flow_node(&self, rest: &[Segment], op: &Op<'_>) -> String {
        match (rest.is_empty(), op) {
            (true, Op::Append { value }) => format!("[{}]", flow_value(value)),
            _ => format!("{{{}}}", self.flow_entry(rest, op)),
        }
    }
}

/// A value in flow style: JSON, which every YAML reader reads as the same value.
fn flow_value(value: &Value) -> String {
    value.to_string()
}

fn is_null(event: &Event<'_>) -> bool {
    matches!(event, Event::Scalar(text, ScalarStyle::Plain, _, None)
        if matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL"))
}

fn kind_of(event: &Event<'_>) -> &'static str {
    match event {
        Event::Scalar(..) => "scalar",
        Event::SequenceStart(..) => "sequence",
        Event::MappingStart(..) => "mapping",
        _ => "node",
    }
}

fn path_text(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Whether block sequences sit indented under their key (`key:\n  - a`), judged by the first
/// one in the text; not indented (kustomize's and kpt's own style) when there is none.
fn sequences_indented(text: &str) -> bool {
    let mut opener: Option<usize> = None;
    for line in text.lines() {
        let body = line.trim_start_matches(' ');
        let indent = line.len() - body.len();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        if let Some(key_indent) = opener {
            if body == "-" || body.starts_with("- ") {
                return indent > key_indent;
            }
        }
        let bare = body.split(" #").next().unwrap_or(body).trim_end();
        opener = (bare.ends_with(':') && !bare.starts_with("- ")).then_some(indent);
    }
    false
}

/// Why a value cannot be set, before its path is known.
enum Refusal {
    Shape(&'static str),
    Unusual(&'static str),
}

/// Where the value of a mapping key sits, seen from the key.
struct Owner {
    /// Column of the key (block mappings).
    col: usize,
    /// Just after the key's `:`.
    after_colon: usize,
    /// The mapping is a flow mapping: new text inside it must be flow text.
    flow: bool,
}

struct Walk<'e, 'a> {
    editor: &'e Editor<'a>,
    events: Events<'a>,
    path: &'e [Segment],
    op: &'e Op<'e>,
}

impl<'a> Walk<'_, 'a> {
    fn read(&mut self) -> Result<Ev<'a>, EditError> {
        self.events.next().map_err(EditError::Read)
    }

    fn skip(&mut self, ev: Ev<'a>) -> Result<(), EditError> {
        self.events.skip(ev).map_err(EditError::Read)
    }

    fn src(&self) -> &'a str {
        self.editor.text
    }

    fn shape(&self, depth: usize, found: &'static str) -> EditError {
        EditError::Shape {
            path: path_text(&self.path[..depth]),
            found,
        }
    }

    fn unusual(&self, depth: usize, what: &'static str) -> EditError {
        EditError::Unusual {
            path: path_text(&self.path[..depth]),
            what,
        }
    }

    /// The edit at or below the node `first`, which sits at `path[..depth]`.
    fn node(
        &mut self,
        first: Ev<'a>,
        depth: usize,
        owner: Option<Owner>,
    ) -> Result<Vec<TextPatch>, EditError> {
        let rest = &self.path[depth..];
        match (&first.0, rest.first(), self.op) {
            (Event::MappingStart(_, anchor, _) | Event::SequenceStart(_, anchor, _), ..)
                if *anchor != 0 =>
            {
                Err(self.unusual(
                    depth,
                    "is anchored; editing it would change its aliases too",
                ))
            }
            (Event::MappingStart(style, ..), Some(Segment::Key(key)), _) => {
                self.mapping(*style == StructureStyle::Flow, depth, key)
            }
            (Event::MappingStart(style, ..), None, Op::Set { pairs }) => {
                self.set_in_mapping(*style == StructureStyle::Flow, depth, pairs)
            }
            (Event::MappingStart(..), ..) => Err(self.shape(depth, "mapping, not a sequence")),
            (Event::SequenceStart(..), Some(Segment::Index(i)), _) => {
                self.sequence_entry(*i, depth)
            }
            (Event::SequenceStart(style, ..), None, Op::Append { value }) => {
                self.append_to_sequence(first.1.start, *style == StructureStyle::Flow, value)
            }
            (Event::SequenceStart(..), ..) => Err(self.shape(depth, "sequence, not a mapping")),
            (Event::Alias(_), ..) => {
                Err(self.unusual(depth, "is an alias; write it out to edit it"))
            }
            (event, ..) if is_null(event) => {
                let Some(owner) = owner else {
                    return Err(self.shape(depth, "null, not a mapping"));
                };
                self.replace_null(&first, depth, &owner)
            }
            (event, ..) => Err(self.shape(depth, kind_of(event))),
        }
    }

    /// `key:` or `key: null`: the new collection replaces the empty value.
    fn replace_null(
        &mut self,
        null: &Ev<'a>,
        depth: usize,
        owner: &Owner,
    ) -> Result<Vec<TextPatch>, EditError> {
        let rest = &self.path[depth..];
        let end = if null.1.start == null.1.end {
            owner.after_colon
        } else {
            null.1.end
        };
        let text = if owner.flow {
            format!(" {}", self.editor.flow_node(rest, self.op))
        } else {
            let below = match (rest.is_empty(), self.op) {
                (true, Op::Append { .. }) if !self.editor.style.indent_sequences => owner.col,
                _ => owner.col + 2,
            };
            let block = self.editor.block(rest, self.op, below);
            // The empty value's own line break stays; the new lines bring theirs but the last.
            format!(
                "{}{}",
                self.editor.nl(),
                block.trim_end_matches(['\r', '\n'])
            )
        };
        Ok(vec![TextPatch {
            range: owner.after_colon..end,
            text,
        }])
    }

    /// The edit below the mapping that just started: finds `wanted`, the next key of the path,
    /// and goes on there, or adds it (and what is below it) at the end.
    fn mapping(
        &mut self,
        flow: bool,
        depth: usize,
        wanted: &str,
    ) -> Result<Vec<TextPatch>, EditError> {
        let mut key_col = None;
        let mut entries = 0;
        loop {
            // Where the last entry's content ends (a flow mapping's own `}` is read next).
            let last_end = self.events.content_end();
            let key_ev = self.read()?;
            if matches!(key_ev.0, Event::MappingEnd) {
                let close = key_ev.1.start;
                return Ok(vec![
                    self.add_to_mapping(flow, close, last_end, key_col, entries, depth)
                ]);
            }
            entries += 1;
            let key_end = key_ev.1.end;
            let col = key_ev.1.start - line_start(self.src(), key_ev.1.start);
            key_col.get_or_insert(col);
            let hit = matches!(&key_ev.0, Event::Scalar(text, ..) if text.as_ref() == wanted);
            if !hit {
                self.skip(key_ev)?;
                let value = self.read()?;
                self.skip(value)?;
                continue;
            }
            let value = self.read()?;
            let Some(after_colon) = self.after_colon(key_end, &value) else {
                return Err(self.unusual(depth, "has an explicit key (`? key`) to edit"));
            };
            let owner = Owner {
                col: key_col.unwrap_or(col),
                after_colon,
                flow,
            };
            return self.node(value, depth + 1, Some(owner));
        }
    }

    /// Just after the `:` between a key that ends at `key_end` and its value; `None` for an
    /// explicit key (`? key` on a line of its own).
    fn after_colon(&self, key_end: usize, value: &Ev<'a>) -> Option<usize> {
        let to = (value.1.start + 1).min(self.src().len());
        tokens_between(self.src(), key_end, to)
            .find(|&(_, b)| b == b':')
            .map(|(colon, _)| colon + 1)
    }

    /// Sets `pairs` in the mapping that just started: values of keys it has are replaced in
    /// place, the other keys are added together after its last entry.
    fn set_in_mapping(
        &mut self,
        flow: bool,
        depth: usize,
        pairs: &[(&str, &str)],
    ) -> Result<Vec<TextPatch>, EditError> {
        let mut patches = Vec::new();
        let mut found = vec![false; pairs.len()];
        let mut key_col = None;
        let mut entries = 0;
        loop {
            let last_end = self.events.content_end();
            let key_ev = self.read()?;
            if matches!(key_ev.0, Event::MappingEnd) {
                let missing: Vec<(&str, &str)> = pairs
                    .iter()
                    .zip(&found)
                    .filter(|(_, found)| !**found)
                    .map(|(pair, _)| *pair)
                    .collect();
                if !missing.is_empty() {
                    let op = Op::Set { pairs: &missing };
                    let close = key_ev.1.start;
                    patches
                        .push(self.add_with(&op, flow, close, last_end, key_col, entries, depth));
                }
                return Ok(patches);
            }
            entries += 1;
            key_col.get_or_insert(key_ev.1.start - line_start(self.src(), key_ev.1.start));
            let key_end = key_ev.1.end;
            let hit = match &key_ev.0 {
                Event::Scalar(text, ..) => pairs.iter().position(|(k, _)| *k == text.as_ref()),
                _ => None,
            };
            self.skip(key_ev)?;
            let value = self.read()?;
            let Some(i) = hit else {
                self.skip(value)?;
                continue;
            };
            let Some(after_colon) = self.after_colon(key_end, &value) else {
                return Err(self.unusual(depth, "has an explicit key (`? key`) to edit"));
            };
            found[i] = true;
            let set = self
                .set_value(&value, pairs[i].1, after_colon)
                .map_err(|what| {
                    let mut path = path_text(&self.path[..depth]);
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(pairs[i].0);
                    match what {
                        Refusal::Shape(found) => EditError::Shape { path, found },
                        Refusal::Unusual(what) => EditError::Unusual { path, what },
                    }
                })?;
            patches.extend(set);
            self.skip(value)?;
        }
    }

    /// The patch that adds what is missing to the mapping that just ended at `close`.
    fn add_to_mapping(
        &mut self,
        flow: bool,
        close: usize,
        last_end: usize,
        key_col: Option<usize>,
        entries: usize,
        depth: usize,
    ) -> TextPatch {
        self.add_with(self.op, flow, close, last_end, key_col, entries, depth)
    }

    /// The patch that adds the keys of `path[depth..]` and then `op` to the mapping that just
    /// ended at `close`, its last entry's content ending at `last_end`.
    #[allow(clippy::too_many_arguments)]
    fn add_with(
        &self,
        op: &Op<'_>,
        flow: bool,
        close: usize,
        last_end: usize,
        key_col: Option<usize>,
        entries: usize,
        depth: usize,
    ) -> TextPatch {
        let missing = &self.path[depth..];
        if flow {
            // After the last entry, so a flow mapping over several lines keeps its closing
            // line; inside an empty `{}`.
            let (at, lead) = if entries == 0 {
                (close, "")
            } else {
                (last_end, ", ")
            };
            return TextPatch {
                range: at..at,
                text: format!("{lead}{}", self.editor.flow_entry(missing, op)),
            };
        }
        let at = line_end_after(self.src(), last_end);
        let text = self
            .editor
            .at_line_start(at, self.editor.block(missing, op, key_col.unwrap_or(0)));
        TextPatch {
            range: at..at,
            text,
        }
    }

    /// Replaces the value of the key being set, unless it already reads as `new`.
    fn set_value(
        &self,
        value: &Ev<'a>,
        new: &str,
        after_colon: usize,
    ) -> Result<Vec<TextPatch>, Refusal> {
        match &value.0 {
            Event::Scalar(_, ScalarStyle::Literal | ScalarStyle::Folded, ..) => Err(
                Refusal::Unusual("is a block scalar to replace; write it on one line"),
            ),
            Event::Scalar(text, style, _, tag) => {
                let empty = value.1.start == value.1.end;
                let reads_as_new = text.as_ref() == new
                    && (*style != ScalarStyle::Plain || tag.is_some() || plain_is_safe(new));
                if reads_as_new && !empty {
                    return Ok(Vec::new());
                }
                let scalar = self.editor.scalar(new);
                if empty {
                    return Ok(vec![TextPatch {
                        range: after_colon..after_colon,
                        text: format!(" {scalar}"),
                    }]);
                }
                let start = value
                    .1
                    .tag_start
                    .map_or(value.1.start, |t| t.min(value.1.start));
                Ok(vec![TextPatch {
                    range: start..value.1.end,
                    text: scalar,
                }])
            }
            Event::Alias(_) => Err(Refusal::Unusual("is an alias; write it out to edit it")),
            other => Err(Refusal::Shape(kind_of(other))),
        }
    }

    /// The edit below entry `index` of the sequence that just started.
    fn sequence_entry(&mut self, index: usize, depth: usize) -> Result<Vec<TextPatch>, EditError> {
        let mut i = 0;
        loop {
            let entry = self.read()?;
            if matches!(entry.0, Event::SequenceEnd) {
                return Err(self.shape(depth, "sequence with fewer entries"));
            }
            if i == index {
                return self.node(entry, depth + 1, None);
            }
            self.skip(entry)?;
            i += 1;
        }
    }

    /// Appends to the sequence that just started at `start`.
    fn append_to_sequence(
        &mut self,
        start: usize,
        flow: bool,
        value: &Value,
    ) -> Result<Vec<TextPatch>, EditError> {
        let mut dash = None;
        let mut entries = 0;
        loop {
            let last_end = self.events.content_end();
            let entry = self.read()?;
            if matches!(entry.0, Event::SequenceEnd) {
                if flow {
                    let (at, lead) = if entries == 0 {
                        (entry.1.start, "")
                    } else {
                        (last_end, ", ")
                    };
                    return Ok(vec![TextPatch {
                        range: at..at,
                        text: format!("{lead}{}", flow_value(value)),
                    }]);
                }
                let at = line_end_after(self.src(), last_end);
                let col = dash.unwrap_or(start - line_start(self.src(), start));
                let text = self.editor.at_line_start(at, self.editor.entry(value, col));
                return Ok(vec![TextPatch {
                    range: at..at,
                    text,
                }]);
            }
            if !flow && dash.is_none() {
                let node_start = entry
                    .1
                    .tag_start
                    .map_or(entry.1.start, |t| t.min(entry.1.start));
                dash = find_dash(self.src(), node_start).map(|at| at - line_start(self.src(), at));
            }
            entries += 1;
            self.skip(entry)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn keys(path: &str) -> Vec<Segment> {
        crate::resource_list::locate::parse_field_path(path)
    }

    fn set(text: &str, path: &str, key: &str, value: &str) -> String {
        let patches = set_string(text, 0, &keys(path), key, value, &Limits::default())
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        apply(text, &patches)
    }

    fn add(text: &str, path: &str, value: Value) -> String {
        let patches = append(text, 0, &keys(path), &value, &Limits::default())
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        apply(text, &patches)
    }

    #[test]
    fn a_new_key_joins_its_block_mapping_after_the_last_entry() {
        let text = "# c\nmetadata:\n  name: a # n\n  labels:\n    x: y\nspec: {}\n";
        assert_eq!(
            set(text, "metadata", "namespace", "b"),
            "# c\nmetadata:\n  name: a # n\n  labels:\n    x: y\n  namespace: b\nspec: {}\n"
        );
    }

    #[test]
    fn an_existing_value_is_replaced_in_place_and_an_equal_one_is_left() {
        let text = "metadata:\n  annotations:\n    a: \"1\" # keep\n";
        assert_eq!(
            set(text, "metadata.annotations", "a", "2"),
            "metadata:\n  annotations:\n    a: \"2\" # keep\n"
        );
        let patches = set_string(
            text,
            0,
            &keys("metadata.annotations"),
            "a",
            "1",
            &Limits::default(),
        );
        assert_eq!(patches, Ok(Vec::new()));
    }

    #[test]
    fn several_keys_are_set_at_once_and_missing_ones_are_added_together() {
        let pairs = [("a", "1x"), ("b", "2x"), ("c", "3x")];
        let go = |text: &str, path: &str| {
            let patches = set_strings(text, 0, &keys(path), &pairs, &Limits::default()).unwrap();
            apply(text, &patches)
        };
        assert_eq!(
            go("m:\n  b: old # keep\n  z: 1\n", "m"),
            "m:\n  b: 2x # keep\n  z: 1\n  a: 1x\n  c: 3x\n"
        );
        assert_eq!(
            go("metadata:\n  name: x\nspec: {}\n", "metadata.annotations"),
            "metadata:\n  name: x\n  annotations:\n    a: 1x\n    b: 2x\n    c: 3x\nspec: {}\n"
        );
        assert_eq!(
            go("metadata: {name: x}\n", "metadata.annotations"),
            "metadata: {name: x, annotations: {a: 1x, b: 2x, c: 3x}}\n"
        );
    }

    #[test]
    fn missing_mappings_are_created_below_the_deepest_existing_one() {
        let text = "spec:\n  chart:\n    spec:\n      chart: podinfo\n  interval: 5m\n";
        assert_eq!(
            set(text, "spec.chart.metadata.annotations", "event.toolkit.fluxcd.io/app", "x"),
            "spec:\n  chart:\n    spec:\n      chart: podinfo\n    metadata:\n      annotations:\n        \
             event.toolkit.fluxcd.io/app: x\n  interval: 5m\n"
        );
    }

    #[test]
    fn flow_mappings_get_flow_entries() {
        assert_eq!(
            set(
                "metadata: {name: a, annotations: {}}\n",
                "metadata.annotations",
                "k",
                "v"
            ),
            "metadata: {name: a, annotations: {k: v}}\n"
        );
        assert_eq!(
            set("metadata: {name: a}\n", "metadata.annotations", "k", "v"),
            "metadata: {name: a, annotations: {k: v}}\n"
        );
        assert_eq!(
            set("{\"metadata\": {\"name\": \"a\"}}", "metadata", "k", "v"),
            "{\"metadata\": {\"name\": \"a\", \"k\": \"v\"}}"
        );
    }

    #[test]
    fn strings_a_yaml_1_1_reader_would_misread_are_quoted() {
        assert_eq!(set("a: {}\n", "a", "env", "no"), "a: {env: \"no\"}\n");
        assert_eq!(
            set("a:\n  b: c\n", "a", "mode", "0755"),
            "a:\n  b: c\n  mode: \"0755\"\n"
        );
        // `n` and `y` are booleans to a YAML 1.1 reader, as keys too.
        assert_eq!(
            set("a:\n  b: c\n", "a", "n", "y"),
            "a:\n  b: c\n  \"n\": \"y\"\n"
        );
    }

    #[test]
    fn entries_are_appended_at_the_column_of_the_sequence() {
        let text = "resources:\n- a.yaml\n- b.yaml # b\ntransformers:\n  - t.yaml\n";
        assert_eq!(
            add(text, "resources", json!("c.yaml")),
            "resources:\n- a.yaml\n- b.yaml # b\n- c.yaml\ntransformers:\n  - t.yaml\n"
        );
        assert_eq!(
            add(text, "transformers", json!("n.yaml")),
            "resources:\n- a.yaml\n- b.yaml # b\ntransformers:\n  - t.yaml\n  - n.yaml\n"
        );
        assert_eq!(
            add("resources: [a.yaml]\n", "resources", json!("b.yaml")),
            "resources: [a.yaml, \"b.yaml\"]\n"
        );
    }

    #[test]
    fn a_missing_or_empty_sequence_is_created() {
        let text = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n\
                    resources:\n- a.yaml\n";
        assert_eq!(
            add(text, "transformers", json!("notifications.yaml")),
            format!("{text}transformers:\n- notifications.yaml\n")
        );
        assert_eq!(
            add("transformers:\nkind: K\n", "transformers", json!("n.yaml")),
            "transformers:\n- n.yaml\nkind: K\n"
        );
        assert_eq!(
            add("transformers: []\n", "transformers", json!("n.yaml")),
            "transformers: [\"n.yaml\"]\n"
        );
        assert_eq!(
            add("# only a comment\n", "transformers", json!("t.yaml")),
            "# only a comment\ntransformers:\n- t.yaml\n"
        );
    }

    #[test]
    fn a_new_sequence_is_indented_as_the_first_sequence_of_the_document() {
        let created = |text: &str| add(text, "transformers", json!("n.yaml"));
        // Indented under its key, after a blank line and a comment between key and dash.
        let indented = "resources:\n\n  # the apps\n  - a.yaml\n";
        assert_eq!(
            created(indented),
            format!("{indented}transformers:\n  - n.yaml\n")
        );
        // At the key's column (kustomize's style), also when the key is itself indented.
        let flush = "spec:\n  resources:\n  - a.yaml\n";
        assert_eq!(created(flush), format!("{flush}transformers:\n- n.yaml\n"));
        // The first sequence decides, and a key with a comment after its colon still opens one.
        let first = "a: # list\n  - x\nb:\n- y\n";
        assert_eq!(
            created(first),
            format!("{first}transformers:\n  - n.yaml\n")
        );
        // A line of a block scalar that starts with a dash is text, not a sequence.
        let text = "notes: |\n  - not a list\n";
        assert_eq!(created(text), format!("{text}transformers:\n- n.yaml\n"));
        // No sequence at all: kustomize's style.
        assert_eq!(created("kind: K\n"), "kind: K\ntransformers:\n- n.yaml\n");
        // An empty key takes the sequence below it in the document's style too.
        let empty = "resources:\n  - a.yaml\ntransformers:\nkind: K\n";
        assert_eq!(
            created(empty),
            "resources:\n  - a.yaml\ntransformers:\n  - n.yaml\nkind: K\n"
        );
    }

    #[test]
    fn a_collection_is_not_replaced_by_a_string() {
        let err = |text: &str| {
            set_string(text, 0, &keys("a"), "k", "v", &Limits::default())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(err("a:\n  k: {x: 1}\n"), "`a.k` is a mapping");
        assert_eq!(err("a:\n  k:\n  - 1\n"), "`a.k` is a sequence");
    }

    #[test]
    fn only_the_last_document_of_a_stream_may_be_empty_and_take_new_text() {
        let limits = Limits::default();
        let append_to = |text: &str, document: usize| {
            append(text, document, &keys("t"), &json!("x"), &limits)
                .map(|patches| apply(text, &patches))
        };
        assert_eq!(append_to("", 1), Err(EditError::NoDocument { index: 1 }));
        assert_eq!(
            append_to("# c\n", 1),
            Err(EditError::NoDocument { index: 1 })
        );
        assert_eq!(
            append_to("---\n---\nkind: K\n", 0),
            Err(EditError::Shape {
                path: String::new(),
                found: "empty document followed by others"
            })
        );
        assert_eq!(
            append_to("kind: A\n---\n", 1),
            Ok("kind: A\n---\nt:\n- x\n".into())
        );
    }

    #[test]
    fn a_mapping_appended_at_column_0_continues_under_its_first_key() {
        assert_eq!(
            add("items:\n- a: 1\n", "items", json!({"b": 1, "c": 2})),
            "items:\n- a: 1\n- b: 1\n  c: 2\n"
        );
    }

    #[test]
    fn a_sequence_created_inside_a_flow_mapping_is_a_flow_sequence() {
        assert_eq!(
            add("spec: {t: null}\n", "spec.t", json!("x")),
            "spec: {t: [\"x\"]}\n"
        );
        assert_eq!(
            add("spec: {a: 1}\n", "spec.t", json!("x")),
            "spec: {a: 1, t: [\"x\"]}\n"
        );
    }

    #[test]
    fn mappings_are_appended_as_block_entries_and_nested_paths_are_created() {
        let kptfile = "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: apps\n";
        assert_eq!(
            add(
                kptfile,
                "pipeline.mutators",
                json!({"exec": "app-notifications", "configPath": "apps/notifications.yaml"})
            ),
            format!(
                "{kptfile}pipeline:\n  mutators:\n  - exec: app-notifications\n    \
                 configPath: apps/notifications.yaml\n"
            )
        );
        let with_pipeline = format!("{kptfile}pipeline:\n  mutators:\n  - image: x\n");
        assert_eq!(
            add(
                &with_pipeline,
                "pipeline.mutators",
                json!({"exec": "app-notifications"})
            ),
            format!("{with_pipeline}  - exec: app-notifications\n")
        );
    }

    #[test]
    fn the_line_ending_and_a_missing_final_line_break_are_respected() {
        assert_eq!(
            set("a:\r\n  b: c\r\n", "a", "d", "e"),
            "a:\r\n  b: c\r\n  d: e\r\n"
        );
        assert_eq!(set("a:\n  b: c", "a", "d", "e"), "a:\n  b: c\n  d: e\n");
    }

    #[test]
    fn a_value_after_a_block_scalar_goes_after_its_content() {
        let text = "data:\n  script: |\n    echo hi\n\n# next\nkind: X\n";
        assert_eq!(
            set(text, "data", "k", "v"),
            "data:\n  script: |\n    echo hi\n  k: v\n\n# next\nkind: X\n"
        );
    }

    #[test]
    fn items_of_a_resource_list_are_reached_by_index() {
        let list =
            "items:\n- kind: A\n  metadata:\n    name: a\n- kind: B\n  metadata: {name: b}\n";
        assert_eq!(
            set(list, "items[1].metadata", "namespace", "ns"),
            "items:\n- kind: A\n  metadata:\n    name: a\n- kind: B\n  metadata: {name: b, namespace: ns}\n"
        );
        assert_eq!(
            set(list, "items[0].metadata", "namespace", "ns"),
            "items:\n- kind: A\n  metadata:\n    name: a\n    namespace: ns\n- kind: B\n  metadata: {name: b}\n"
        );
    }

    #[test]
    fn documents_of_a_stream_are_chosen_by_index() {
        let stream = "kind: A\n---\nkind: B\nmetadata:\n  name: b\n";
        let patches = set_string(
            stream,
            1,
            &keys("metadata"),
            "namespace",
            "ns",
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(
            apply(stream, &patches),
            "kind: A\n---\nkind: B\nmetadata:\n  name: b\n  namespace: ns\n"
        );
        assert_eq!(
            set_string(stream, 2, &[], "k", "v", &Limits::default()),
            Err(EditError::NoDocument { index: 2 })
        );
    }

    #[test]
    fn edits_that_would_rewrite_more_are_refused_with_the_reason() {
        let limits = Limits::default();
        let err = |text: &str, path: &str| {
            set_string(text, 0, &keys(path), "k", "v", &limits)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(err("a: [1]\n", "a"), "`a` is a sequence, not a mapping");
        assert_eq!(err("a: x\n", "a"), "`a` is a scalar");
        assert_eq!(
            err("b: &x {c: 1}\na: *x\n", "a"),
            "`a` is an alias; write it out to edit it"
        );
        assert_eq!(
            err("a: &x {c: 1}\n", "a"),
            "`a` is anchored; editing it would change its aliases too"
        );
        assert_eq!(
            set_string("a:\n  k: |\n    x\n", 0, &keys("a"), "k", "v", &limits)
                .unwrap_err()
                .to_string(),
            "`a.k` is a block scalar to replace; write it on one line"
        );
        assert!(matches!(
            set_string("a: [", 0, &[], "k", "v", &limits),
            Err(EditError::Read(_))
        ));
    }
}
