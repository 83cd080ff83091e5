//! One pass over the parser's events: item regions, the fields read, the functionConfig.
//!
//! Everything else is skipped without building values, which keeps the pass close to the cost
//! of the bare parse (see BENCHMARKS.md). Anchored nodes are the exception: any of them may be
//! aliased later from a field the function reads, so they are captured as shared nodes.

use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;

use granit_parser::{Event, Options, Parser, ScalarStyle, ScanError, StrInput, StructureStyle};

use super::error::{Location, ReadError, ReadErrorKind};
use super::fields::{is_null, string_pairs, FastFields, FieldProblem, ItemFields, Metadata, Pairs};
use super::layout::{
    block_scalar_end, detect_line_ending, find_dash, item_end, line_end_after, line_start,
    tokens_between,
};
use super::reader::{ReadSpec, Reader};
use super::{Envelope, Item, ItemsContainer, Layout, NodeText, Notation, ResourceList, RootInsert};
use crate::limits::Limits;
use crate::yaml::tree::{Node, Scalar};

/// Reads a KRM ResourceList (YAML or JSON) from `source`.
pub(super) fn resource_list<'a>(
    reader: &Reader<'_>,
    source: &'a str,
    origin: &str,
) -> Result<ResourceList<'a>, ReadError> {
    let mut events = Events::new(source, origin, reader);
    let mut list = ListReader::new(source, reader);
    list.read(&mut events)?;
    list.finish(source, origin)
}

/// Reads one object written as a document of its own, captured whole.
pub(super) fn object<'a>(
    reader: &Reader<'_>,
    source: &'a str,
    origin: &str,
) -> Result<Option<Rc<Node<'a>>>, ReadError> {
    let mut events = Events::new(source, origin, reader);
    events.expect_stream_start()?;
    let mut found: Option<Rc<Node<'a>>> = None;
    loop {
        let (event, span) = events.next()?;
        match event {
            Event::StreamEnd => return Ok(found),
            Event::DocumentStart(..) => {
                let first = events.next()?;
                let at = first.1;
                let node = events.capture(first)?;
                events.expect_document_end()?;
                let empty = node
                    .as_scalar()
                    .is_some_and(|s| s.plain && !s.tagged_str && is_null(&s.text));
                if empty {
                    continue;
                }
                if found.is_some() {
                    return Err(events.error_at(ReadErrorKind::SecondObject, &at));
                }
                found = Some(node);
            }
            _ => {
                return Err(events.error_at(
                    ReadErrorKind::Syntax {
                        message: "expected a document".into(),
                    },
                    &span,
                ))
            }
        }
    }
}

/// Reads a stream of YAML documents, one resource each (kustomize legacy exec plugins).
pub(super) fn stream<'a>(
    reader: &Reader<'_>,
    source: &'a str,
    origin: &str,
) -> Result<ResourceList<'a>, ReadError> {
    let limits = &reader.limits;
    let mut events = Events::new(source, origin, reader);
    let mut items = Vec::new();
    let mut item_col = 0;
    events.expect_stream_start()?;
    loop {
        let (event, span) = events.next()?;
        match event {
            Event::StreamEnd => break,
            Event::DocumentStart(explicit, _) => {
                // A document's directives (`%YAML`, `%TAG`) belong to it: removing the
                // document must not leave them without one.
                let doc_start = if explicit {
                    directives_before(source, span.start)
                } else {
                    usize::MAX
                };
                let (event, span) = events.next()?;
                let node_start = span.start;
                let region_start = doc_start.min(line_start(source, node_start));
                match event {
                    Event::MappingStart(..) | Event::Alias(_) => {
                        if items.len() >= limits.max_items {
                            return Err(events.error_at(
                                ReadErrorKind::TooManyItems {
                                    limit: limits.max_items,
                                },
                                &span,
                            ));
                        }
                        if items.is_empty() {
                            item_col = span.col as usize;
                        }
                        let node = events.read_item((event, span))?;
                        let end = events.item_end();
                        let block_scalar = events.pending_block.is_some();
                        items.push(make_item(
                            source,
                            items.len(),
                            region_start..end,
                            span.line as usize,
                            node,
                            block_scalar,
                            limits,
                            reader.spec,
                        ));
                    }
                    // An empty document (`---` alone) carries no resource; keep its bytes.
                    Event::Scalar(ref text, ScalarStyle::Plain, ..)
                        if text.is_empty() || text == "null" || text == "~" =>
                    {
                        events.skip((event, span))?;
                    }
                    Event::DocumentEnd => {
                        continue;
                    }
                    other => {
                        let found = node_kind_name(&other);
                        return Err(events.error_at(
                            ReadErrorKind::DocumentNotAMapping {
                                index: items.len(),
                                found,
                            },
                            &span,
                        ));
                    }
                }
                events.expect_document_end()?;
            }
            _ => {}
        }
    }
    let end = stream_end(source, items.last().map_or(0, |i| i.region.end));
    Ok(ResourceList {
        source,
        notation: Notation::Yaml,
        envelope: Envelope::Stream,
        layout: Layout {
            line_ending: detect_line_ending(source),
            indent_sequences: false,
            item_col,
            key_col: item_col,
        },
        items,
        container: ItemsContainer::Stream { end },
        function_config: None,
        function_config_text: None,
        results: None,
        root_insert: RootInsert::Block {
            at: source.len(),
            key_col: 0,
        },
    })
}

/// Where new documents go: at the end, but before a last line of bare indentation that the
/// input ends without a line break, unless it is content of the last document. After a kept
/// block scalar (`|+`), the line break that text written after such a line needs would make
/// it one more kept line.
fn stream_end(source: &str, last_item_end: usize) -> usize {
    let last = line_start(source, source.len());
    if last >= last_item_end && source[last..].bytes().all(|b| b == b' ' || b == b'\t') {
        last
    } else {
        source.len()
    }
}

/// Where the document whose `---` is at `marker` starts: at its directives (`%YAML`, `%TAG`)
/// if it has any, with the comments and blank lines among them. Directives only stand at the
/// start of the stream or after a `...`; a `%` line anywhere else is content of the document
/// before.
fn directives_before(source: &str, marker: usize) -> usize {
    let own = line_start(source, marker);
    let mut start = own;
    let mut directives = false;
    while start > 0 {
        let previous = line_start(source, start - 1);
        let mut line = &source[previous..start];
        if previous == 0 {
            // A byte order mark comes before everything, directives included.
            line = line.strip_prefix('\u{feff}').unwrap_or(line);
        }
        let trimmed = line.trim();
        if line.starts_with('%') {
            directives = true;
        } else if !(trimmed.is_empty() || trimmed.starts_with('#')) {
            // Directives must follow a document end marker.
            return if directives && trimmed == "..." {
                start
            } else {
                own
            };
        }
        start = previous;
    }
    if directives {
        start
    } else {
        own
    }
}

#[allow(clippy::too_many_arguments)] // one call per item, in two places
fn make_item<'a>(
    source: &'a str,
    index: usize,
    region: std::ops::Range<usize>,
    line: usize,
    read: ReadItem<'a>,
    ends_in_block_scalar: bool,
    limits: &Limits,
    spec: &ReadSpec,
) -> Item<'a> {
    let budget = limits.max_alias_expansion;
    let references = spec.references;
    let (fields, node) = match read {
        ReadItem::Node(node) => {
            let fields = ItemFields::read(&node, None, budget, references);
            let keep = spec.keeps_whole(&fields.kind);
            (fields, keep.then_some(node))
        }
        // Only items whose kind is known not to be kept whole take the fast path.
        ReadItem::Fast(node, fast) => (
            ItemFields::read(&node, Some(fast), budget, references),
            None,
        ),
    };
    Item {
        index,
        source,
        region,
        line,
        node,
        fields,
        ends_in_block_scalar,
    }
}

/// The position just after the `:` that introduces the value of a mapping key whose text ends
/// at `key_end`, the value's first token being at `value_at` (an empty value may sit at the
/// `:` itself). `None` for an explicit key with no `:` (`? items` alone).
fn value_indicator(src: &str, key_end: usize, value_at: usize) -> Option<usize> {
    let to = (value_at + 1).min(src.len());
    tokens_between(src, key_end.min(to), to)
        .find(|&(_, b)| b == b':')
        .map(|(colon, _)| colon + 1)
}

/// What reading an item gave: a captured node, or a node of the rest plus metadata read on the
/// fast path.
#[allow(clippy::large_enum_variant)] // moved once per item; boxing would allocate per item
enum ReadItem<'a> {
    Node(Rc<Node<'a>>),
    /// The spec's source references (usually nothing), and the rest read off the events.
    Fast(Node<'a>, FastFields<'a>),
}

/// A plain string scalar node, for keys and for values moved to the node path.
fn key_node(text: Cow<'_, str>) -> Rc<Node<'_>> {
    Rc::new(Node::Scalar(Scalar {
        text,
        plain: false,
        tagged_str: true,
    }))
}

fn offset(marker: &granit_parser::Marker) -> usize {
    // Always present when parsing from a `&str`.
    marker.byte_offset().unwrap_or_default()
}

fn node_kind_name(event: &Event<'_>) -> &'static str {
    match event {
        Event::Scalar(..) => "scalar",
        Event::SequenceStart(..) => "sequence",
        Event::MappingStart(..) => "mapping",
        Event::Alias(_) => "alias",
        _ => "document end",
    }
}

/// The parser's events plus what every consumer needs: anchors, the end of the last content
/// seen, and errors turned into [`ReadError`]s.
pub(super) struct Events<'a> {
    parser: Parser<'a, StrInput<'a>>,
    src: &'a str,
    origin: String,
    anchors: HashMap<usize, Rc<Node<'a>>>,
    /// End of the last scalar, alias or flow collection read: where an item's text ends.
    content_end: usize,
    /// The span of the last scalar read when it was a block scalar: its true end is worked
    /// out only if an item ends with it (see [`block_scalar_end`]); the flag says the span
    /// starts at its header (no content lines).
    pending_block: Option<(usize, usize, bool)>,
    /// Where the block item being read starts, and the column of its `-` (see
    /// [`Events::empty_scalar`]).
    item: Option<(usize, usize)>,
    /// Where the `&anchor` of the node event read last is, if it had one.
    last_anchor: Option<(usize, usize)>,
    peeked: Option<(Event<'a>, Span)>,
    max_depth: usize,
    alias_budget: usize,
    /// Where [`Events::read_pairs`] collects labels and annotations, reused from item to
    /// item: each item then keeps a list of exactly its size, not one grown by doubling
    /// (1.2 MB less peak memory on the 15 MB benchmark list, five annotations per item).
    pair_scratch: Pairs<'a>,
    /// What the caller wants kept (copied: a few slices).
    spec: ReadSpec,
}

pub(super) type Ev<'a> = (Event<'a>, Span);

/// Where an event is. The parser's own span carries more than the reader needs; events are
/// moved several times on their way through the reader, so a small copy saves real time.
#[derive(Debug, Clone, Copy)]
pub(super) struct Span {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) tag_start: Option<usize>,
    pub(super) line: u32,
    pub(super) col: u32,
}

impl Span {
    fn of(span: &granit_parser::Span) -> Self {
        Span {
            start: offset(&span.start),
            end: offset(&span.end),
            tag_start: span.tag_start().map(|m| offset(&m)),
            line: u32::try_from(span.start.line()).unwrap_or(u32::MAX),
            col: u32::try_from(span.start.col()).unwrap_or(u32::MAX),
        }
    }
}

impl<'a> Events<'a> {
    pub(super) fn new(src: &'a str, origin: &str, reader: &Reader<'_>) -> Self {
        let limits = &reader.limits;
        let mut options = Options::default();
        options.emit_comments = false;
        options.emit_anchor_events = true;
        options.block_nesting_limit = limits.max_depth;
        options.flow_nesting_limit = limits.max_depth;
        Events {
            parser: Parser::new_from_str_with_options(src, options),
            src,
            origin: origin.to_string(),
            anchors: HashMap::new(),
            content_end: 0,
            pending_block: None,
            item: None,
            last_anchor: None,
            peeked: None,
            max_depth: limits.max_depth,
            alias_budget: limits.max_alias_expansion,
            spec: *reader.spec,
            pair_scratch: Vec::new(),
        }
    }

    fn raw_next(&mut self) -> Result<Ev<'a>, ReadError> {
        match self.parser.next() {
            Some(Ok((event, span))) => Ok((event, Span::of(&span))),
            Some(Err(err)) => Err(self.scan_error(err)),
            None => Err(ReadError::new(
                ReadErrorKind::Syntax {
                    message: "unexpected end of input".into(),
                },
                None,
                &self.origin,
            )),
        }
    }

    /// The next event that is not anchor metadata; anchor positions are remembered.
    pub(super) fn next(&mut self) -> Result<Ev<'a>, ReadError> {
        if let Some(ev) = self.peeked.take() {
            return Ok(ev);
        }
        loop {
            let (event, span) = self.raw_next()?;
            match event {
                Event::Anchor(..) => self.last_anchor = Some((span.start, span.end)),
                Event::Scalar(ref text, ScalarStyle::Literal | ScalarStyle::Folded, ..) => {
                    self.content_end = span.end;
                    // Only line breaks: no content lines, and the span starts at the header.
                    let at_header = text.bytes().all(|b| b == b'\n');
                    self.pending_block = Some((span.start, span.end, at_header));
                    return Ok((event, span));
                }
                Event::Scalar(..) if span.start == span.end => {
                    self.empty_scalar(span.start);
                    return Ok((event, span));
                }
                Event::Scalar(..) | Event::Alias(_) => {
                    self.content_end = span.end;
                    self.pending_block = None;
                    return Ok((event, span));
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    // Flow collections end at `]`/`}`; block ones have an empty span at the
                    // next token, which is not content of this node.
                    if span.start != span.end {
                        self.content_end = span.end;
                        self.pending_block = None;
                    }
                    return Ok((event, span));
                }
                _ => return Ok((event, span)),
            }
        }
    }

    /// An empty plain scalar (`key:`, `: value`, `? key` alone, `- ` alone) has no text, and
    /// its zero-length span says little: it sits at the `:` after an empty key or value, after
    /// the node's tag or anchor, or at the next token, which may belong to the next item. What
    /// ends with it is the indicator or property that stands for it: the last thing before
    /// its position that is not white space or a comment, or the `:` at its position.
    ///
    /// The next token may also belong to the mapping that holds the item (`? key` with no
    /// value ending the item, then the root's `: value`), and so may what comes before it: a
    /// token of the item's text at or left of its `-` is not the item's.
    fn empty_scalar(&mut self, at: usize) {
        let from = self.content_end.min(at);
        let outside = |i: usize| {
            self.item
                .is_some_and(|(start, dash)| i >= start && i - line_start(self.src, i) <= dash)
        };
        let mut last = None;
        let mut left = false;
        for (i, _) in tokens_between(self.src, from, at) {
            if outside(i) {
                left = true;
                break;
            }
            last = Some(i + 1);
        }
        if !left && !outside(at) && self.src.as_bytes().get(at) == Some(&b':') {
            last = Some(at + 1);
        }
        // Nothing of its own before the next token (`? key` with no value): the content, and
        // a pending block scalar's end, stay as they were.
        if let Some(end) = last {
            if end > self.content_end {
                self.content_end = end;
                self.pending_block = None;
            }
        }
    }

    /// Where the item read last ends: the end of its last content line.
    fn item_end(&self) -> usize {
        item_end(self.src, self.content_end())
    }

    /// End of the last scalar, alias or flow collection read: where an item's text ends.
    pub(super) fn content_end(&self) -> usize {
        match self.pending_block {
            Some((start, end, at_header)) => block_scalar_end(self.src, start, end, at_header),
            None => self.content_end,
        }
    }

    /// Looks at the next event; used right after a node start so that its anchor (reported
    /// after the node event) is known.
    fn peek(&mut self) -> Result<&Ev<'a>, ReadError> {
        if self.peeked.is_none() {
            let ev = self.next()?;
            self.peeked = Some(ev);
        }
        Ok(self.peeked.as_ref().expect("just filled"))
    }

    fn scan_error(&self, err: ScanError) -> ReadError {
        let marker = err.marker();
        let location = Some(Location {
            line: marker.line(),
            column: marker.col() + 1,
        });
        let message = err.info();
        let kind = if message.contains("nesting") || message.contains("recursion limit") {
            ReadErrorKind::TooDeep {
                limit: self.max_depth,
            }
        } else {
            ReadErrorKind::Syntax { message }
        };
        ReadError::new(kind, location, &self.origin)
    }

    pub(super) fn error_at(&self, kind: ReadErrorKind, span: &Span) -> ReadError {
        ReadError::new(
            kind,
            Some(Location {
                line: (span.line as usize),
                column: (span.col as usize) + 1,
            }),
            &self.origin,
        )
    }

    pub(super) fn expect_stream_start(&mut self) -> Result<(), ReadError> {
        self.expect(
            |e| matches!(e, Event::StreamStart),
            "the start of the stream",
        )
    }

    pub(super) fn expect_document_end(&mut self) -> Result<(), ReadError> {
        self.expect(
            |e| matches!(e, Event::DocumentEnd),
            "the end of the document",
        )
    }

    fn expect(&mut self, wanted: impl Fn(&Event<'a>) -> bool, what: &str) -> Result<(), ReadError> {
        match self.next()? {
            (event, _) if wanted(&event) => Ok(()),
            (_, span) => Err(self.error_at(
                ReadErrorKind::Syntax {
                    message: format!("expected {what}"),
                },
                &span,
            )),
        }
    }

    /// Builds the node that starts with `first`, registering every anchor inside it.
    fn capture(&mut self, first: Ev<'a>) -> Result<Rc<Node<'a>>, ReadError> {
        let (event, span) = first;
        let (node, anchor) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let node = Node::Scalar(Scalar {
                    text,
                    plain: style == ScalarStyle::Plain,
                    tagged_str: tag
                        .is_some_and(|t| !t.is_yaml_core_schema() || t.suffix() == "str"),
                });
                (Rc::new(node), anchor)
            }
            Event::Alias(id) => return self.alias(id, &span),
            Event::SequenceStart(_, anchor, _) => {
                let mut children = Vec::new();
                loop {
                    let ev = self.next()?;
                    if matches!(ev.0, Event::SequenceEnd) {
                        break;
                    }
                    children.push(self.capture(ev)?);
                }
                (Rc::new(Node::Seq(children)), anchor)
            }
            Event::MappingStart(_, anchor, _) => {
                let mut entries = Vec::new();
                loop {
                    let ev = self.next()?;
                    if matches!(ev.0, Event::MappingEnd) {
                        break;
                    }
                    let key = self.capture(ev)?;
                    let value_ev = self.next()?;
                    let value = self.capture(value_ev)?;
                    entries.push((key, value));
                }
                (Rc::new(Node::Map(entries)), anchor)
            }
            _ => {
                return Err(self.error_at(
                    ReadErrorKind::Syntax {
                        message: "expected a node".into(),
                    },
                    &span,
                ))
            }
        };
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }

    fn alias(&self, id: usize, span: &Span) -> Result<Rc<Node<'a>>, ReadError> {
        self.anchors.get(&id).cloned().ok_or_else(|| {
            self.error_at(
                ReadErrorKind::Syntax {
                    message: "alias to an unknown anchor".into(),
                },
                span,
            )
        })
    }

    /// Consumes the node that starts with `first` without building it, except for anchored
    /// nodes inside it, which later aliases may need. Most of a large list goes through here,
    /// so it counts depth instead of recursing with each event.
    pub(super) fn skip(&mut self, first: Ev<'a>) -> Result<(), ReadError> {
        let mut depth = match &first.0 {
            Event::Scalar(_, _, anchor, _)
            | Event::SequenceStart(_, anchor, _)
            | Event::MappingStart(_, anchor, _)
                if *anchor != 0 =>
            {
                self.capture(first)?;
                return Ok(());
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => 1usize,
            _ => return Ok(()),
        };
        while depth > 0 {
            let ev = self.next()?;
            match &ev.0 {
                Event::SequenceEnd | Event::MappingEnd => depth -= 1,
                Event::Scalar(_, _, anchor, _)
                | Event::SequenceStart(_, anchor, _)
                | Event::MappingStart(_, anchor, _)
                    if *anchor != 0 =>
                {
                    self.capture(ev)?;
                }
                Event::SequenceStart(..) | Event::MappingStart(..) => depth += 1,
                _ => {}
            }
        }
        Ok(())
    }

    /// Reads one resource. Configs (`AppNotifications`, or any item whose kind is not known
    /// yet when its metadata or spec comes) are captured as nodes. Every other item takes the
    /// fast path: its metadata is read straight off the events, borrowing the input, and only
    /// the source references under spec are captured.
    fn read_item(&mut self, first: Ev<'a>) -> Result<ReadItem<'a>, ReadError> {
        let anchored = match &first.0 {
            Event::MappingStart(_, anchor, _) => *anchor != 0,
            _ => true,
        };
        if anchored {
            return Ok(ReadItem::Node(self.capture(first)?));
        }
        let mut entries = Vec::new();
        let mut api_version: Option<Cow<'a, str>> = None;
        let mut kind: Option<Cow<'a, str>> = None;
        let mut metadata = None;
        loop {
            let ev = self.next()?;
            if matches!(ev.0, Event::MappingEnd) {
                break;
            }
            let key_text = match &ev.0 {
                Event::Scalar(text, _, 0, _) => Some(text.clone()),
                _ => None,
            };
            let Some(key_text) = key_text else {
                // A complex or anchored key: not a field the function reads.
                self.skip(ev)?;
                let value_ev = self.next()?;
                self.skip(value_ev)?;
                continue;
            };
            let value_ev = self.next()?;
            // Until the kind is known to be one not kept whole, everything is captured.
            let fast = kind.as_deref().is_some_and(|k| !self.spec.keeps_whole(k));
            let value = match (key_text.as_ref(), value_ev) {
                ("apiVersion", (Event::Scalar(text, _, 0, _), _)) => {
                    api_version = Some(text);
                    continue;
                }
                ("kind", (Event::Scalar(text, _, 0, _), _)) => {
                    kind = Some(text);
                    continue;
                }
                ("metadata", (Event::MappingStart(_, 0, _), _)) if fast => {
                    metadata = Some(self.read_metadata()?);
                    continue;
                }
                (key, value_ev) if fast && self.spec.reads_top(key) => {
                    self.read_references(key, value_ev)?
                }
                (_, value_ev) if !fast => self.capture(value_ev)?,
                (_, value_ev) => {
                    self.skip(value_ev)?;
                    continue;
                }
            };
            entries.push((key_node(key_text), value));
        }
        Ok(match metadata {
            Some(metadata) => ReadItem::Fast(
                Node::Map(entries),
                FastFields {
                    api_version,
                    kind,
                    metadata,
                },
            ),
            None => {
                // Configs are read in full: the node needs every field.
                for (key, text) in [("apiVersion", api_version), ("kind", kind)] {
                    if let Some(text) = text {
                        entries.push((key_node(Cow::Borrowed(key)), key_node(text)));
                    }
                }
                ReadItem::Node(Rc::new(Node::Map(entries)))
            }
        })
    }

    /// `metadata` of an ordinary item, straight off the events. Plain scalars borrow the
    /// input; anything unusual in labels or annotations (anchors, aliases, merge keys) is
    /// captured and resolved like a captured item would be.
    fn read_metadata(&mut self) -> Result<Metadata<'a>, ReadError> {
        let mut meta = Metadata::default();
        loop {
            let ev = self.next()?;
            if matches!(ev.0, Event::MappingEnd) {
                return Ok(meta);
            }
            let key_text = match &ev.0 {
                Event::Scalar(text, _, 0, _) => Some(text.clone()),
                _ => None,
            };
            let value_ev = self.next()?;
            match key_text.as_deref() {
                Some(key @ ("name" | "namespace")) => {
                    let value = match value_ev.0 {
                        Event::Scalar(text, style, 0, _) => {
                            (!(style == ScalarStyle::Plain && is_null(&text))).then_some(text)
                        }
                        _ => {
                            let node = self.capture(value_ev)?;
                            match node.scalar_text() {
                                Some(text) if !is_null(text) => Some(Cow::Owned(text.to_string())),
                                Some(_) => None,
                                None => {
                                    meta.problems.push(FieldProblem {
                                        field_path: format!("metadata.{key}"),
                                        message: "expected a string".into(),
                                    });
                                    None
                                }
                            }
                        }
                    };
                    if key == "name" {
                        meta.name = value;
                    } else {
                        meta.namespace = value.filter(|ns| !ns.is_empty());
                    }
                }
                Some("labels") => {
                    meta.labels = self.read_pairs(value_ev, "labels", &mut meta.problems)?;
                }
                Some("annotations") => {
                    meta.annotations =
                        self.read_pairs(value_ev, "annotations", &mut meta.problems)?;
                }
                _ => self.skip(value_ev)?,
            }
        }
    }

    /// A map of strings (labels, annotations) read off the events; entries that are not a
    /// plain key and a scalar value make the whole map go through the node path, so merge
    /// keys and aliases resolve exactly as for a captured item.
    fn read_pairs(
        &mut self,
        first: Ev<'a>,
        key: &str,
        problems: &mut Vec<FieldProblem>,
    ) -> Result<Pairs<'a>, ReadError> {
        let field = || format!("metadata.{key}");
        if !matches!(first.0, Event::MappingStart(_, 0, _)) {
            let node = self.capture(first)?;
            return Ok(string_pairs(&node, &field(), self.alias_budget, problems));
        }
        let mut pairs = std::mem::take(&mut self.pair_scratch);
        let mut slow: Option<Vec<(Rc<Node<'a>>, Rc<Node<'a>>)>> = None;
        loop {
            let ev = self.next()?;
            if matches!(ev.0, Event::MappingEnd) {
                break;
            }
            let value_ev = self.next()?;
            if let Some(entries) = slow.as_mut() {
                let k = self.capture(ev)?;
                let v = self.capture(value_ev)?;
                entries.push((k, v));
                continue;
            }
            match (ev, value_ev) {
                ((Event::Scalar(k, k_style, 0, _), _), (Event::Scalar(v, v_style, 0, _), _))
                    if !(k_style == ScalarStyle::Plain && k == "<<") =>
                {
                    let v = if v_style == ScalarStyle::Plain && is_null(&v) {
                        Cow::Borrowed("")
                    } else {
                        v
                    };
                    pairs.push((k, v));
                }
                (ev, value_ev) => {
                    let mut entries: Vec<_> = pairs
                        .drain(..)
                        .map(|(k, v)| (key_node(k), key_node(v)))
                        .collect();
                    let k = self.capture(ev)?;
                    let v = self.capture(value_ev)?;
                    entries.push((k, v));
                    slow = Some(entries);
                }
            }
        }
        let mut read = Vec::with_capacity(pairs.len());
        read.append(&mut pairs);
        self.pair_scratch = pairs;
        Ok(match slow {
            None => read,
            Some(entries) => {
                let node = Node::Map(entries);
                string_pairs(&node, &field(), self.alias_budget, problems)
            }
        })
    }

    /// The parts of the top-level field `top` that hold reference fields; the rest is skipped.
    fn read_references(&mut self, top: &str, first: Ev<'a>) -> Result<Rc<Node<'a>>, ReadError> {
        if !matches!(first.0, Event::MappingStart(_, 0, _)) {
            return self.capture(first);
        }
        let mut entries = Vec::new();
        loop {
            let ev = self.next()?;
            if matches!(ev.0, Event::MappingEnd) {
                break;
            }
            let wanted =
                matches!(&ev.0, Event::Scalar(text, ..) if self.spec.reads_child(top, text));
            let key = self.capture(ev)?;
            let value_ev = self.next()?;
            if wanted {
                entries.push((key, self.capture(value_ev)?));
            } else {
                self.skip(value_ev)?;
            }
        }
        Ok(Rc::new(Node::Map(entries)))
    }
}

/// State of reading one ResourceList document.
struct ListReader<'a> {
    src: &'a str,
    limits: Limits,
    spec: ReadSpec,
    notation: Notation,
    api_version: Option<String>,
    kind: Option<String>,
    items: Vec<Item<'a>>,
    container: ItemsContainer,
    item_col: usize,
    indent_sequences: bool,
    function_config: Option<Rc<Node<'a>>>,
    function_config_text: Option<NodeText>,
    results: Option<std::ops::Range<usize>>,
    root_insert: RootInsert,
    key_col: usize,
    seen_keys: Vec<String>,
}

impl<'a> ListReader<'a> {
    fn new(src: &'a str, reader: &Reader<'_>) -> Self {
        ListReader {
            src,
            limits: reader.limits,
            spec: *reader.spec,
            notation: Notation::Yaml,
            api_version: None,
            kind: None,
            items: Vec::new(),
            container: ItemsContainer::Missing,
            item_col: 0,
            indent_sequences: false,
            function_config: None,
            function_config_text: None,
            results: None,
            root_insert: RootInsert::Block { at: 0, key_col: 0 },
            key_col: 0,
            seen_keys: Vec::new(),
        }
    }

    fn read(&mut self, events: &mut Events<'a>) -> Result<(), ReadError> {
        events.expect_stream_start()?;
        let (event, span) = events.next()?;
        if matches!(event, Event::StreamEnd) {
            return Err(ReadError::new(ReadErrorKind::Empty, None, &events.origin));
        }
        // DocumentStart
        let (event, span) = match event {
            Event::DocumentStart(..) => events.next()?,
            _ => (event, span),
        };
        match event {
            Event::MappingStart(style, ..) => {
                let is_flow = style == granit_parser::StructureStyle::Flow;
                if is_flow && self.src[span.start..].starts_with('{') {
                    self.notation = Notation::Json;
                }
                self.read_root(events, is_flow)?;
            }
            Event::Scalar(ref text, ScalarStyle::Plain, ..) if text.is_empty() => {
                return Err(ReadError::new(ReadErrorKind::Empty, None, &events.origin));
            }
            other => {
                return Err(events.error_at(
                    ReadErrorKind::NotAResourceList {
                        found: format!("the document is a {}", node_kind_name(&other)),
                    },
                    &span,
                ))
            }
        }
        events.expect_document_end()?;
        match events.next()? {
            (Event::StreamEnd, _) => Ok(()),
            (_, span) => Err(events.error_at(ReadErrorKind::MultipleDocuments, &span)),
        }
    }

    fn read_root(&mut self, events: &mut Events<'a>, is_flow: bool) -> Result<(), ReadError> {
        let mut first_key = true;
        let mut root_end;
        loop {
            let (event, span) = events.next()?;
            if matches!(event, Event::MappingEnd) {
                root_end = span.start;
                break;
            }
            let key_start = span.start;
            if first_key {
                // Block keys sit at their line's indentation; a tag or anchor before the first
                // key (`! a:`) is not where later keys go.
                let line = &self.src[line_start(self.src, key_start)..key_start];
                self.key_col = if is_flow {
                    span.col as usize
                } else {
                    line.len() - line.trim_start_matches(' ').len()
                };
                first_key = false;
            }
            let key = match &event {
                Event::Scalar(text, ..) => text.to_string(),
                _ => {
                    events.skip((event, span))?;
                    let value = events.next()?;
                    events.skip(value)?;
                    continue;
                }
            };
            if self.seen_keys.contains(&key) {
                return Err(events.error_at(ReadErrorKind::DuplicateKey { key }, &span));
            }
            self.seen_keys.push(key.clone());
            // Where the value's replacement text may start is worked out from here.
            let key_end = if key == "items" {
                events.content_end()
            } else {
                span.end
            };
            let value = events.next()?;
            match key.as_str() {
                "apiVersion" => {
                    self.api_version = events.capture(value)?.scalar_text().map(Into::into)
                }
                "kind" => self.kind = events.capture(value)?.scalar_text().map(Into::into),
                "items" => self.read_items(events, value, key_end)?,
                "functionConfig" => {
                    let text = self.node_text(&value);
                    self.function_config = Some(events.capture(value)?);
                    self.function_config_text = text.map(|(start, line)| NodeText {
                        region: start..events.content_end(),
                        line,
                    });
                }
                "results" => {
                    let value_start = value.1.start;
                    events.skip(value)?;
                    self.results = Some(if is_flow {
                        value_start..events.content_end()
                    } else {
                        line_start(self.src, key_start)
                            ..line_end_after(self.src, events.content_end())
                    });
                }
                _ => events.skip(value)?,
            }
        }
        if is_flow {
            // The flow mapping's end event spans the `}`.
            root_end = root_end.min(self.src.len());
            self.root_insert = RootInsert::Flow {
                close: root_end,
                has_entries: !first_key,
            };
        } else {
            self.root_insert = RootInsert::Block {
                at: line_end_after(self.src, events.content_end()),
                key_col: self.key_col,
            };
        }
        Ok(())
    }

    fn read_items(
        &mut self,
        events: &mut Events<'a>,
        first: Ev<'a>,
        key_text_end: usize,
    ) -> Result<(), ReadError> {
        let (event, span) = first;
        // Past the `:` indicator, where a value's replacement text may start.
        let value_at = span.tag_start.map_or(span.start, |tag| tag.min(span.start));
        let indicator = value_indicator(self.src, key_text_end, value_at);
        let key_end = indicator.unwrap_or(key_text_end);
        match event {
            Event::SequenceStart(style, ..) => {
                let block = style == granit_parser::StructureStyle::Block;
                let open = span.end;
                loop {
                    let (event, span) = events.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        self.container = if block {
                            ItemsContainer::Block {
                                insert_at: self
                                    .items
                                    .last()
                                    .map_or(line_end_after(self.src, key_end), |i| i.region.end),
                            }
                        } else {
                            ItemsContainer::Flow {
                                key_end,
                                open,
                                close: span.start,
                            }
                        };
                        return Ok(());
                    }
                    self.read_one_item(events, (event, span), block)?;
                }
            }
            Event::Scalar(ref text, ScalarStyle::Plain, anchor, _)
                if text.is_empty() || text == "null" || text == "~" =>
            {
                // The whole value goes, tag included (`items: !!null`), up to where the
                // reader's content ends after it: `items:` alone ends at its colon.
                let value_end = events.content_end.max(key_end);
                // An anchor stays, on the sequence that replaces the null.
                let anchor = if anchor != 0 {
                    events.last_anchor = None;
                    events.peek()?;
                    events.last_anchor.take().map(|(start, end)| start..end)
                } else {
                    None
                };
                self.container = ItemsContainer::Null {
                    replace: key_end..value_end,
                    anchor,
                    colon: indicator.is_some(),
                };
                Ok(())
            }
            other => Err(events.error_at(
                ReadErrorKind::NotAResourceList {
                    found: format!("`items` is a {}, not a sequence", node_kind_name(&other)),
                },
                &span,
            )),
        }
    }

    fn read_one_item(
        &mut self,
        events: &mut Events<'a>,
        first: Ev<'a>,
        block: bool,
    ) -> Result<(), ReadError> {
        let (event, span) = first;
        let index = self.items.len();
        if index >= self.limits.max_items {
            return Err(events.error_at(
                ReadErrorKind::TooManyItems {
                    limit: self.limits.max_items,
                },
                &span,
            ));
        }
        if !matches!(event, Event::MappingStart(..) | Event::Alias(_)) {
            return Err(events.error_at(
                ReadErrorKind::ItemNotAMapping {
                    index,
                    found: node_kind_name(&event),
                },
                &span,
            ));
        }
        let mut node_start = span.start;
        if let Some(tag) = span.tag_start {
            node_start = node_start.min(tag);
        }
        // Known before the first event inside the item is read (the peek below reads one).
        let dash = block.then(|| find_dash(self.src, node_start).unwrap_or(node_start));
        events.item = dash.map(|dash| (node_start, dash - line_start(self.src, dash)));
        let is_mapping = matches!(event, Event::MappingStart(..));
        events.last_anchor = None;
        if is_mapping {
            // The anchor event of this node follows it; peeking surfaces it.
            events.peek()?;
        }
        if let Some((anchor, _)) = events.last_anchor.take() {
            node_start = node_start.min(anchor);
        }
        let line = span.line as usize;
        let col = span.col as usize;
        let node = events.read_item((event, span))?;
        events.item = None;
        let region = if let Some(dash) = dash {
            let start = line_start(self.src, dash);
            if index == 0 {
                self.item_col = dash - start;
                self.indent_sequences = self.item_col > self.key_col;
            }
            start..events.item_end()
        } else {
            if index == 0 {
                self.item_col = col;
            }
            node_start..events.content_end()
        };
        let block_scalar = events.pending_block.is_some();
        self.items.push(make_item(
            self.src,
            index,
            region,
            line,
            node,
            block_scalar,
            &self.limits,
            &self.spec,
        ));
        Ok(())
    }

    /// Where the node that `first` starts can be read on its own, and its line: a block node
    /// from the start of its first line (if nothing but indentation precedes it there), a flow
    /// node or scalar from itself. Kept for messages only, so it costs nothing else.
    fn node_text(&self, first: &Ev<'a>) -> Option<(usize, usize)> {
        let (event, span) = first;
        let block = matches!(
            event,
            Event::MappingStart(StructureStyle::Block, ..)
                | Event::SequenceStart(StructureStyle::Block, ..)
        );
        let start = if block {
            let start = line_start(self.src, span.start);
            self.src[start..span.start]
                .bytes()
                .all(|b| b == b' ')
                .then_some(start)?
        } else {
            span.start
        };
        Some((start, span.line as usize))
    }

    fn finish(self, source: &'a str, origin: &str) -> Result<ResourceList<'a>, ReadError> {
        let kind = self.kind.as_deref().unwrap_or("");
        let api_version = self.api_version.as_deref().unwrap_or("");
        let accepted = matches!(
            (api_version, kind),
            (
                "config.kubernetes.io/v1" | "config.kubernetes.io/v1beta1",
                "ResourceList"
            ) | ("v1", "List")
        );
        if !accepted {
            let found = if kind.is_empty() && api_version.is_empty() {
                "no apiVersion and kind".to_string()
            } else {
                format!("apiVersion `{api_version}`, kind `{kind}`")
            };
            return Err(ReadError::new(
                ReadErrorKind::NotAResourceList {
                    found: format!(
                        "{found} (expected apiVersion config.kubernetes.io/v1, kind ResourceList)"
                    ),
                },
                Some(Location { line: 1, column: 1 }),
                origin,
            ));
        }
        Ok(ResourceList {
            source,
            notation: self.notation,
            envelope: Envelope::ResourceList,
            layout: Layout {
                line_ending: detect_line_ending(source),
                indent_sequences: self.indent_sequences,
                item_col: self.item_col,
                key_col: self.key_col,
            },
            items: self.items,
            container: self.container,
            function_config: self.function_config,
            function_config_text: self.function_config_text,
            results: self.results,
            root_insert: self.root_insert,
        })
    }
}
