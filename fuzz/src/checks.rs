//! The properties the fuzz targets check, shared with `tests/fuzz_regressions.rs` (which
//! includes this file with `#[path]`, so it must build on stable with only the main crate's
//! own dependencies: `app_notifications`, `granit_parser`, `serde_json`).
//!
//! Every check takes the input and returns `Err(description)` when a property does not hold;
//! a panic inside the crate is left to unwind (libFuzzer reports it as a crash, the
//! regression test catches it per file).

use std::collections::HashMap;
use std::ops::Range;

use app_notifications::config;
use app_notifications::limits::Limits;
use app_notifications::resource_list::{Edits, Envelope, ItemsContainer, ResourceList, Splice};
use app_notifications::yaml::lines::{ends_with_line_break, lines_inclusive};
use app_notifications::yaml::tree::ExpansionBudget;
use app_notifications::{run_krm, run_legacy_plugin};
use granit_parser::{Event, Options, Parser, ScalarStyle};
use serde_json::{json, Value};

pub type CheckResult = Result<(), String>;

/// The annotation that marks generated objects (`generate::inventory::GENERATED_BY`).
pub const GENERATED_BY: &str = "app-notifications.dev/generated-by";

/// Nodes the independent converter may build for one input (aliases are expanded).
const VALUE_BUDGET: usize = 200_000;

/// Items beyond which the per-item removal check samples indices instead of trying each.
const MAX_REMOVALS: usize = 12;

fn limits() -> Limits {
    Limits::default()
}

macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+));
        }
    };
}

// ---------------------------------------------------------------------------------------------
// An independent reading: the parser's events straight into serde_json values.
// ---------------------------------------------------------------------------------------------

/// Why the independent reading gave no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConvError {
    /// The parser rejected the text.
    Parse(String),
    /// An alias names no anchor seen before it (in this text).
    Unresolved,
    /// Aliases expand to more than [`VALUE_BUDGET`] nodes.
    Budget,
    /// The events do not have the expected shape.
    Shape(String),
}

type Ev<'a> = (Event<'a>, Range<usize>);

/// All events of `text` (anchor events dropped, their positions kept on the next node event),
/// with the same parser options the crate's reader uses.
fn events(text: &str) -> Result<Vec<(Ev<'_>, Option<usize>)>, ConvError> {
    let mut options = Options::default();
    options.emit_comments = false;
    options.emit_anchor_events = true;
    let depth = limits().max_depth;
    options.block_nesting_limit = depth;
    options.flow_nesting_limit = depth;
    let parser = Parser::new_from_str_with_options(text, options);
    let mut out: Vec<(Ev<'_>, Option<usize>)> = Vec::new();
    for next in parser {
        let (event, span) = next.map_err(|e| ConvError::Parse(e.to_string()))?;
        let range = span.start.byte_offset().unwrap_or(0)..span.end.byte_offset().unwrap_or(0);
        if let Event::Anchor(..) = event {
            // Anchor events follow their node: the `&name` position is the definition's.
            if let Some(last) = out.last_mut() {
                last.1 = Some(range.start);
            }
            continue;
        }
        let end = matches!(event, Event::StreamEnd);
        out.push(((event, range), None));
        if end {
            break;
        }
    }
    Ok(out)
}

/// Turns events into values: YAML 1.2 core schema for plain scalars, aliases expanded.
struct Conv<'e, 'a> {
    events: &'e [(Ev<'a>, Option<usize>)],
    pos: usize,
    anchors: HashMap<usize, (Value, usize)>,
    budget: usize,
    /// Smallest definition offset of the anchors aliased since the last reset.
    min_alias_def: usize,
    /// Every alias resolved: (its position, its anchor's definition position).
    aliases: Vec<(usize, usize)>,
}

impl<'e, 'a> Conv<'e, 'a> {
    fn new(events: &'e [(Ev<'a>, Option<usize>)]) -> Self {
        Conv {
            events,
            pos: 0,
            anchors: HashMap::new(),
            budget: VALUE_BUDGET,
            min_alias_def: usize::MAX,
            aliases: Vec::new(),
        }
    }

    fn next(&mut self) -> Result<&'e Ev<'a>, ConvError> {
        let ev = self
            .events
            .get(self.pos)
            .map(|(ev, _)| ev)
            .ok_or_else(|| ConvError::Shape("events end early".into()))?;
        self.pos += 1;
        Ok(ev)
    }

    fn peek(&self) -> Option<&'e Event<'a>> {
        self.events.get(self.pos).map(|((e, _), _)| e)
    }

    fn spend(&mut self, n: usize) -> Result<(), ConvError> {
        if n > self.budget {
            return Err(ConvError::Budget);
        }
        self.budget -= n;
        Ok(())
    }

    fn expect(&mut self, what: &str, ok: impl Fn(&Event<'a>) -> bool) -> Result<(), ConvError> {
        let (event, _) = self.next()?;
        if ok(event) {
            Ok(())
        } else {
            Err(ConvError::Shape(format!("expected {what}, got {event:?}")))
        }
    }

    /// The node that starts at the next event.
    fn node(&mut self) -> Result<Value, ConvError> {
        let anchor_pos = self.events.get(self.pos).and_then(|(_, a)| *a);
        let (event, range) = self.next()?;
        self.spend(1)?;
        let (value, anchor) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let value = match tag {
                    // `! text`: the non-specific tag makes a plain scalar a string.
                    Some(tag) if tag.original() == "!" => Value::String(text.to_string()),
                    Some(tag) if tag.is_yaml_core_schema() => match tag.suffix() {
                        "str" => Value::String(text.to_string()),
                        _ => resolve_plain(text),
                    },
                    Some(tag) => json!({ "!tag": tag.original(), "value": text.as_ref() }),
                    None if *style == ScalarStyle::Plain => resolve_plain(text),
                    None => Value::String(text.to_string()),
                };
                (value, *anchor)
            }
            Event::Alias(id) => {
                let (value, def) = self.anchors.get(id).cloned().ok_or(ConvError::Unresolved)?;
                self.spend(size(&value))?;
                self.min_alias_def = self.min_alias_def.min(def);
                self.aliases.push((range.start, def));
                return Ok(value);
            }
            Event::SequenceStart(_, anchor, _) => {
                let mut items = Vec::new();
                while !matches!(self.peek(), Some(Event::SequenceEnd)) {
                    items.push(self.node()?);
                }
                self.next()?;
                (Value::Array(items), *anchor)
            }
            Event::MappingStart(_, anchor, _) => {
                let mut map = serde_json::Map::new();
                while !matches!(self.peek(), Some(Event::MappingEnd)) {
                    let key = key_string(self.node()?);
                    let value = self.node()?;
                    map.insert(key, value);
                }
                self.next()?;
                (Value::Object(map), *anchor)
            }
            other => return Err(ConvError::Shape(format!("expected a node, got {other:?}"))),
        };
        if anchor != 0 {
            self.anchors
                .insert(anchor, (value.clone(), anchor_pos.unwrap_or(range.start)));
        }
        Ok(value)
    }

    /// Skips `StreamStart` and `DocumentStart`.
    fn open_document(&mut self) -> Result<(), ConvError> {
        self.expect("the stream start", |e| matches!(e, Event::StreamStart))?;
        self.expect("a document", |e| matches!(e, Event::DocumentStart(..)))
    }
}

fn size(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(size).sum::<usize>(),
        Value::Object(map) => 1 + map.values().map(|v| 1 + size(v)).sum::<usize>(),
        _ => 1,
    }
}

/// A mapping key as a JSON object key: strings as they are; other keys (numbers, complex
/// keys) by a structural fingerprint, which stays small however deeply keys nest (their JSON
/// text would double its escapes at every level).
fn key_string(key: Value) -> String {
    match key {
        Value::String(s) => s,
        other => {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            fingerprint(&other, &mut hasher);
            format!("<key {:016x}>", std::hash::Hasher::finish(&hasher))
        }
    }
}

fn fingerprint(value: &Value, h: &mut impl std::hash::Hasher) {
    use std::hash::Hash;
    match value {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => (1u8, b).hash(h),
        Value::Number(n) => (2u8, n.to_string()).hash(h),
        Value::String(s) => (3u8, s).hash(h),
        Value::Array(items) => {
            (4u8, items.len()).hash(h);
            items.iter().for_each(|v| fingerprint(v, h));
        }
        Value::Object(map) => {
            (5u8, map.len()).hash(h);
            for (k, v) in map {
                k.hash(h);
                fingerprint(v, h);
            }
        }
    }
}

/// YAML 1.2 core schema resolution of a plain scalar (non-finite floats stay strings).
pub fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = text.trim_start_matches('+').parse::<i64>() {
            return Value::from(n);
        }
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(n) = i64::from_str_radix(hex, 16) {
            return Value::from(n);
        }
    }
    if let Some(oct) = text.strip_prefix("0o") {
        if let Ok(n) = i64::from_str_radix(oct, 8) {
            return Value::from(n);
        }
    }
    let float_like = !digits.is_empty()
        && digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if float_like {
        if let Ok(f) = text.parse::<f64>() {
            if let Some(n) = serde_json::Number::from_f64(f) {
                return Value::Number(n);
            }
        }
    }
    Value::String(text.to_string())
}

/// The first document of `text` as a value.
pub fn parse_value(text: &str) -> Result<Value, ConvError> {
    let events = events(text)?;
    let mut conv = Conv::new(&events);
    conv.open_document()?;
    conv.node()
}

/// One item of a list as the independent reading sees it.
#[derive(Debug, Clone)]
pub struct FullItem {
    pub value: Value,
    /// It aliases an anchor defined before its region: it cannot be read on its own.
    pub external_alias: bool,
}

/// The items of a ResourceList text, read independently. `regions` are the reader's (only
/// their starts are used, to tell aliases to anchors outside an item).
fn full_items_of_list(text: &str, regions: &[Range<usize>]) -> Result<Vec<FullItem>, ConvError> {
    let events = events(text)?;
    let mut conv = Conv::new(&events);
    conv.open_document()?;
    conv.expect("the root mapping", |e| matches!(e, Event::MappingStart(..)))?;
    let mut items = None;
    while !matches!(conv.peek(), Some(Event::MappingEnd) | None) {
        // The reader takes any scalar key spelled `items` (any style or tag) as the items.
        let is_items = matches!(conv.peek(), Some(Event::Scalar(text, ..)) if text == "items");
        conv.node()?;
        if is_items && matches!(conv.peek(), Some(Event::SequenceStart(..))) {
            conv.next()?;
            let mut found = Vec::new();
            while !matches!(conv.peek(), Some(Event::SequenceEnd) | None) {
                conv.min_alias_def = usize::MAX;
                let value = conv.node()?;
                let start = regions.get(found.len()).map_or(0, |r| r.start);
                found.push(FullItem {
                    value,
                    external_alias: conv.min_alias_def < start,
                });
            }
            conv.next()?;
            items = Some(found);
        } else {
            conv.node()?;
        }
    }
    Ok(items.unwrap_or_default())
}

/// The documents of a stream that the reader takes as items (mappings and aliases).
fn full_items_of_stream(text: &str) -> Result<Vec<FullItem>, ConvError> {
    walk_stream(text).map(|(items, _)| items)
}

/// Aliases: (position of the alias, position of its anchor's definition).
type AliasUses = Vec<(usize, usize)>;

/// Every alias of `text` (all documents): (its position, its anchor's definition position).
fn alias_uses(text: &str) -> Result<AliasUses, ConvError> {
    walk_stream(text).map(|(_, aliases)| aliases)
}

/// Reads every document; the mapping (and alias) roots are the stream's items.
fn walk_stream(text: &str) -> Result<(Vec<FullItem>, AliasUses), ConvError> {
    let events = events(text)?;
    let mut conv = Conv::new(&events);
    conv.expect("the stream start", |e| matches!(e, Event::StreamStart))?;
    let mut out = Vec::new();
    loop {
        match conv.next()?.0 {
            Event::StreamEnd => break,
            Event::DocumentStart(..) => {
                if matches!(conv.peek(), Some(Event::DocumentEnd)) {
                    conv.next()?;
                    continue;
                }
                // Anchors do not cross documents.
                conv.anchors.clear();
                let is_item =
                    matches!(conv.peek(), Some(Event::MappingStart(..) | Event::Alias(_)));
                let value = conv.node()?;
                if is_item {
                    out.push(FullItem {
                        value,
                        external_alias: false,
                    });
                }
                conv.expect("the document end", |e| matches!(e, Event::DocumentEnd))?;
            }
            _ => {}
        }
    }
    Ok((out, conv.aliases))
}

/// An item's region read on its own: a block entry as a one-entry sequence (the region keeps
/// its `- ` and indentation, which YAML accepts at the root), a flow item inside `[...]`, a
/// stream document as a document.
fn standalone_value(list: &ResourceList<'_>, region: &str) -> Result<Value, ConvError> {
    match (&list.envelope, &list.container) {
        (Envelope::Stream, _) => parse_value(region),
        (_, ItemsContainer::Block { .. }) => one_element(region),
        _ => one_element(&format!("[{region}]")),
    }
}

fn one_element(text: &str) -> Result<Value, ConvError> {
    match parse_value(text)? {
        Value::Array(mut items) if items.len() == 1 => Ok(items.remove(0)),
        other => Err(ConvError::Shape(format!(
            "expected a sequence of one item, got {}",
            short(&other.to_string())
        ))),
    }
}

fn full_items(list: &ResourceList<'_>, text: &str) -> Result<Vec<FullItem>, ConvError> {
    match list.envelope {
        Envelope::Stream => full_items_of_stream(text),
        Envelope::ResourceList => {
            let regions: Vec<_> = list.items.iter().map(|i| i.region.clone()).collect();
            full_items_of_list(text, &regions)
        }
        Envelope::Composed => Err(ConvError::Shape(
            "a composed list has no text of its own".into(),
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Target 1: reader and splicer.
// ---------------------------------------------------------------------------------------------

/// The object the append and replace checks write: strings a YAML 1.1 reader would take for
/// something else, a block-scalar-looking string, non-ASCII.
pub fn probe_object() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "fuzz-probe", "annotations": {"note": "key: value # not a comment"}},
        "data": {
            "yes": "yes", "octal": "0755", "date": "2024-01-01", "time": "12:30", "tilde": "~",
            "empty": "", "multi": "line one\nline two\n", "lead": "  spaced", "dash": "- x",
            "unicode": "é☕", "list": ["a", "- b", "[c]"], "nested": {"n": 1, "b": true, "z": null}
        }
    })
}

type Reader = for<'a> fn(
    &'a str,
    &str,
    &Limits,
) -> Result<ResourceList<'a>, app_notifications::resource_list::ReadError>;

/// Reader/splicer invariants on `data`, read both as a ResourceList and as a YAML stream.
pub fn reader_splicer(data: &[u8]) -> CheckResult {
    let Ok(text) = std::str::from_utf8(data) else {
        return Ok(());
    };
    check_reader(text, read_resource_list, "ResourceList")?;
    check_reader(text, read_stream, "stream")
}

fn read_resource_list<'a>(
    text: &'a str,
    origin: &str,
    limits: &Limits,
) -> Result<ResourceList<'a>, app_notifications::resource_list::ReadError> {
    app_notifications::reader(limits).resource_list(text, origin)
}

fn read_stream<'a>(
    text: &'a str,
    origin: &str,
    limits: &Limits,
) -> Result<ResourceList<'a>, app_notifications::resource_list::ReadError> {
    app_notifications::reader(limits).stream(text, origin)
}

fn check_reader(text: &str, read: Reader, what: &str) -> CheckResult {
    let Ok(list) = read(text, "fuzz", &limits()) else {
        return Ok(());
    };
    let ctx = |msg: String| format!("[{what}] {msg}");
    check_regions(&list).map_err(ctx)?;
    // (b) no edits: the input, byte for byte.
    let out = Splice::new(&list).write(&Edits::default());
    ensure!(
        out == text,
        "[{what}] passthrough with no edits changed the text:\n{}",
        first_difference(text, &out)
    );
    // (c) each region, read on its own, is the item the whole text holds.
    let directives =
        lines_inclusive(text.trim_start_matches('\u{feff}')).any(|line| line.starts_with('%'));
    let full = if directives {
        None // directives (%TAG) would not apply to a region read alone
    } else {
        match full_items(&list, text) {
            Ok(items) => Some(items),
            Err(ConvError::Parse(msg)) => {
                return Err(ctx(format!(
                    "the reader accepted a text the parser rejects: {msg}"
                )))
            }
            Err(ConvError::Budget | ConvError::Unresolved) => None,
            Err(ConvError::Shape(msg)) => {
                return Err(ctx(format!("the independent reading failed: {msg}")))
            }
        }
    };
    if let Some(full) = &full {
        ensure!(
            full.len() == list.items.len(),
            "[{what}] the reader found {} items, the parser {}",
            list.items.len(),
            full.len()
        );
        for (item, expected) in list.items.iter().zip(full) {
            let region = &text[item.region.clone()];
            match standalone_value(&list, region) {
                Ok(value) => ensure!(
                    value == expected.value,
                    "[{what}] items[{}] read from its region {:?} is\n  {}\nbut the whole text holds\n  {}",
                    item.index,
                    short(region),
                    short(&value.to_string()),
                    short(&expected.value.to_string())
                ),
                // Its aliases name anchors of earlier items (the parser says "unknown anchor").
                Err(ConvError::Unresolved | ConvError::Parse(_)) if expected.external_alias => {}
                Err(ConvError::Budget) => {}
                Err(err) => {
                    return Err(ctx(format!(
                        "items[{}]: its region {:?} does not read on its own: {err:?}",
                        item.index,
                        short(region)
                    )))
                }
            }
        }
    }
    // (d) removing one item leaves the others exactly as they were.
    let removals = sample_indices(list.items.len());
    // Removing an item whose anchor is aliased elsewhere cannot give valid YAML by splicing:
    // such items are not removed (and with no reading of the aliases, none with anchors).
    let aliases = alias_uses(text);
    let anchored_elsewhere = |r: &Range<usize>| match &aliases {
        Ok(uses) => uses
            .iter()
            .any(|(at, def)| r.contains(def) && !r.contains(at)),
        Err(_) => text[r.clone()].contains('&'),
    };
    for index in removals {
        if anchored_elsewhere(&list.items[index].region) {
            continue;
        }
        let edits = Edits {
            remove: vec![index],
            ..Edits::default()
        };
        let out = Splice::new(&list).write(&edits);
        let kept: Vec<usize> = (0..list.items.len()).filter(|&i| i != index).collect();
        check_edited(&list, read, &out, &kept, None, full.as_deref())
            .map_err(|m| ctx(format!("after removing items[{index}]: {m}")))?;
    }
    // (e) appending an item keeps the others and reads back as the object written.
    let probe = probe_object();
    if aliased_null_items(&list) {
        return Ok(());
    }
    let edits = Edits {
        append: vec![probe.clone()],
        ..Edits::default()
    };
    let out = Splice::new(&list).write(&edits);
    let kept: Vec<usize> = (0..list.items.len()).collect();
    check_edited(
        &list,
        read,
        &out,
        &kept,
        Some((list.items.len(), &probe)),
        full.as_deref(),
    )
    .map_err(|m| ctx(format!("after appending an item: {m}")))?;
    // (f) replacing the first and the last item in place.
    for index in [0, list.items.len().saturating_sub(1)] {
        if index >= list.items.len() || anchored_elsewhere(&list.items[index].region) {
            continue;
        }
        let edits = Edits {
            replace: vec![(index, probe.clone())],
            ..Edits::default()
        };
        let out = Splice::new(&list).write(&edits);
        let kept: Vec<usize> = (0..list.items.len()).filter(|&i| i != index).collect();
        check_edited(
            &list,
            read,
            &out,
            &kept,
            Some((index, &probe)),
            full.as_deref(),
        )
        .map_err(|m| ctx(format!("after replacing items[{index}]: {m}")))?;
        if list.items.len() == 1 {
            break;
        }
    }
    // (g) setting results leaves every item alone (ResourceLists only: streams have none).
    if list.envelope == Envelope::ResourceList {
        let edits = Edits {
            results: Some(vec![
                json!({"message": "fuzz: a result", "severity": "info"}),
            ]),
            ..Edits::default()
        };
        let out = Splice::new(&list).write(&edits);
        let kept: Vec<usize> = (0..list.items.len()).collect();
        check_edited(&list, read, &out, &kept, None, full.as_deref())
            .map_err(|m| ctx(format!("after setting results: {m}")))?;
    }
    Ok(())
}

/// Whether `items` is an anchored null that an alias elsewhere refers to (`items: &a` …
/// `*a`): items written there become the alias's value too, which no splice can avoid (the
/// anchor stays on the new sequence, so the output reads back).
fn aliased_null_items(list: &ResourceList<'_>) -> bool {
    let ItemsContainer::Null {
        anchor: Some(anchor),
        ..
    } = &list.container
    else {
        return false;
    };
    match alias_uses(list.source) {
        Ok(uses) => uses.iter().any(|&(_, def)| def == anchor.start),
        Err(_) => true,
    }
}

/// (a) regions in order, not overlapping, in bounds, on character boundaries.
fn check_regions(list: &ResourceList<'_>) -> CheckResult {
    let text = list.source;
    let mut prev_end = 0;
    for (i, item) in list.items.iter().enumerate() {
        let r = &item.region;
        ensure!(item.index == i, "items[{i}] has index {}", item.index);
        ensure!(r.start <= r.end, "items[{i}] region {r:?} is reversed");
        ensure!(
            r.end <= text.len(),
            "items[{i}] region {r:?} ends past the text ({})",
            text.len()
        );
        ensure!(
            text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
            "items[{i}] region {r:?} splits a character"
        );
        ensure!(
            r.start >= prev_end,
            "items[{i}] region {r:?} overlaps the previous one (ending at {prev_end})"
        );
        ensure!(r.start < r.end, "items[{i}] region {r:?} is empty");
        prev_end = r.end;
    }
    Ok(())
}

/// The output of an edit reads back with the kept items' texts unchanged and, when `new` is
/// given, the object at that position.
fn check_edited(
    list: &ResourceList<'_>,
    read: Reader,
    out: &str,
    kept: &[usize],
    new: Option<(usize, &Value)>,
    full_before: Option<&[FullItem]>,
) -> CheckResult {
    let after = read(out, "fuzz", &limits()).map_err(|e| {
        format!(
            "the output does not read back: {e}\noutput:\n{}",
            short(out)
        )
    })?;
    check_regions(&after)?;
    if list.envelope == Envelope::ResourceList {
        check_root_rest(list.source, out)?;
    }
    // An append or a replace puts one object in; a removal none.
    let expected_len = kept.len() + usize::from(new.is_some());
    ensure!(
        after.items.len() == expected_len,
        "the output has {} items, expected {expected_len}\noutput:\n{}",
        after.items.len(),
        short(out)
    );
    let mut positions: Vec<usize> = (0..after.items.len()).collect();
    if let Some((at, _)) = new {
        positions.retain(|&p| p != at);
    }
    for (&old, &pos) in kept.iter().zip(&positions) {
        let region = list.items[old].region.clone();
        let at_eof = region.end == list.source.len();
        let before = &list.source[region];
        let now = &out[after.items[pos].region.clone()];
        ensure!(
            same_text(before, at_eof, now),
            "items[{old}] was {:?}, now (as items[{pos}]) {:?}\noutput:\n{}",
            short(before),
            short(now),
            short(out)
        );
    }
    let Some(full_before) = full_before else {
        return Ok(());
    };
    // Values: the kept items hold what they held (an insertion must not change a neighbour,
    // e.g. the trailing lines of a `|+` scalar) and the new item holds the object written.
    let full_after = match full_items(&after, out) {
        Ok(items) => items,
        Err(ConvError::Budget | ConvError::Unresolved) => return Ok(()),
        Err(err) => {
            return Err(format!(
                "the output does not parse: {err:?}\noutput:\n{}",
                short(out)
            ))
        }
    };
    for (&old, &pos) in kept.iter().zip(&positions) {
        let (Some(b), Some(a)) = (full_before.get(old), full_after.get(pos)) else {
            continue;
        };
        ensure!(
            a.value == b.value,
            "items[{old}] held {} and now holds {}\noutput:\n{}",
            short(&b.value.to_string()),
            short(&a.value.to_string()),
            short(out)
        );
    }
    if let Some((at, value)) = new {
        let got = full_after.get(at).map(|i| &i.value);
        ensure!(
            got == Some(value),
            "the written item reads back as {}\noutput:\n{}",
            short(&format!("{got:?}")),
            short(out)
        );
    }
    Ok(())
}

/// The root mapping of a ResourceList less `items` and `results`: what no edit may change.
/// Keys are recognised as the reader does: any scalar spelled `items` or `results`, whatever
/// its style or tag.
fn root_rest(text: &str) -> Result<Value, ConvError> {
    let events = events(text)?;
    let mut conv = Conv::new(&events);
    conv.open_document()?;
    if !matches!(conv.peek(), Some(Event::MappingStart(..))) {
        return conv.node();
    }
    conv.next()?;
    let mut map = serde_json::Map::new();
    while !matches!(conv.peek(), Some(Event::MappingEnd) | None) {
        let skip =
            matches!(conv.peek(), Some(Event::Scalar(t, ..)) if t == "items" || t == "results");
        let key = key_string(conv.node()?);
        let value = conv.node()?;
        if !skip {
            map.insert(key, value);
        }
    }
    Ok(Value::Object(map))
}

/// The rest of the root mapping is the same before and after (not checked when either text
/// has no independent reading, e.g. aliases over the budget).
fn check_root_rest(before: &str, after: &str) -> CheckResult {
    if let (Ok(b), Ok(a)) = (root_rest(before), root_rest(after)) {
        ensure!(
            a == b,
            "the rest of the ResourceList changed (items and results aside):\n  before {}\n  after  {}\noutput:\n{}",
            short(&b.to_string()),
            short(&a.to_string()),
            short(after)
        );
    }
    Ok(())
}

fn sample_indices(n: usize) -> Vec<usize> {
    if n <= MAX_REMOVALS {
        return (0..n).collect();
    }
    let mut out: Vec<usize> = (0..MAX_REMOVALS)
        .map(|k| k * (n - 1) / (MAX_REMOVALS - 1))
        .collect();
    out.dedup();
    out
}

// ---------------------------------------------------------------------------------------------
// Target 2: config loading.
// ---------------------------------------------------------------------------------------------

/// `data` as the YAML of a functionConfig (one object, as the legacy plugin reads its config
/// file), then [`config_value`].
pub fn config_yaml(data: &[u8]) -> CheckResult {
    let Ok(text) = std::str::from_utf8(data) else {
        return Ok(());
    };
    let Ok(Some(node)) = app_notifications::reader(&limits()).object(text, "fuzz") else {
        return Ok(());
    };
    let Ok(value) = node.to_json(&mut ExpansionBudget::new(limits().max_alias_expansion)) else {
        return Ok(());
    };
    config_value(&value)
}

/// Loading never panics; a config that loads serialises to a value that loads again, to the
/// same config.
pub fn config_value(value: &Value) -> CheckResult {
    if let Ok(loaded) = config::load(value) {
        round_trip(&loaded.config, "load")?;
    }
    if let Ok(loaded) = config::from_config_map(value) {
        round_trip(&loaded.config, "from_config_map")?;
    }
    let _ = config::load_function_config(value);
    Ok(())
}

fn round_trip(config: &config::AppNotifications, via: &str) -> CheckResult {
    let value = serde_json::to_value(config)
        .map_err(|e| format!("{via}: a loaded config does not serialise: {e}"))?;
    match config::load(&value) {
        Ok(again) => {
            ensure!(
                &again.config == config,
                "{via}: the round trip changed the config:\n  before {config:?}\n  after  {:?}\n  value  {value}",
                again.config
            );
            Ok(())
        }
        Err(errors) => Err(format!(
            "{via}: a loaded config, serialised, does not load again: {}\n  value {value}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Target 3: the whole function.
// ---------------------------------------------------------------------------------------------

fn is_generated(list: &ResourceList<'_>, index: usize) -> bool {
    list.items[index].fields.annotation(GENERATED_BY).is_some()
}

/// `run_krm` on `data`: never panics; on success the output reads back, keeps every item it
/// did not generate byte for byte and in order, and is a fixed point; on a function error
/// the items come back unchanged.
pub fn whole_function(data: &[u8]) -> CheckResult {
    let outcome = run_krm(data, &limits());
    let stdout = outcome.stdout.to_string();
    let exit = outcome.exit_code;
    drop(outcome);
    match exit {
        0 => {
            let text =
                std::str::from_utf8(data).map_err(|_| "exit 0 on input that is not UTF-8")?;
            let input = app_notifications::reader(&limits())
                .resource_list(text, "fuzz")
                .map_err(|e| format!("exit 0 but the input does not read: {e}"))?;
            let output = app_notifications::reader(&limits())
                .resource_list(&stdout, "fuzz")
                .map_err(|e| {
                    format!(
                        "the output does not read back as a ResourceList: {e}\noutput:\n{}",
                        short(&stdout)
                    )
                })?;
            check_kept(&input, &output)?;
            if !aliased_null_items(&input) {
                check_root_rest(text, &stdout)?;
            }
            let again = run_krm(stdout.as_bytes(), &limits());
            ensure!(
                again.exit_code == 0,
                "the function fails on its own output (exit {}): {}\noutput:\n{}",
                again.exit_code,
                again.stderr,
                short(&stdout)
            );
            let twice = again.stdout.to_string();
            ensure!(
                twice == stdout,
                "not idempotent: a second run changes the output:\n{}",
                first_difference(&stdout, &twice)
            );
            Ok(())
        }
        1 => {
            if stdout.is_empty() {
                return Ok(());
            }
            // "the input items come back unchanged, with the results"
            let text =
                std::str::from_utf8(data).map_err(|_| "output for input that is not UTF-8")?;
            let input = app_notifications::reader(&limits())
                .resource_list(text, "fuzz")
                .map_err(|e| format!("exit 1 with output, but the input does not read: {e}"))?;
            let output = app_notifications::reader(&limits())
                .resource_list(&stdout, "fuzz")
                .map_err(|e| {
                    format!(
                        "exit 1: the output does not read back: {e}\noutput:\n{}",
                        short(&stdout)
                    )
                })?;
            ensure!(
                input.items.len() == output.items.len(),
                "exit 1: {} items in, {} out",
                input.items.len(),
                output.items.len()
            );
            for (a, b) in input.items.iter().zip(&output.items) {
                let at_eof = a.region.end == text.len();
                let (a, b) = (&text[a.region.clone()], &stdout[b.region.clone()]);
                ensure!(
                    same_text(a, at_eof, b),
                    "exit 1: an item changed: {:?} became {:?}",
                    short(a),
                    short(b)
                );
            }
            Ok(())
        }
        other => Err(format!("unexpected exit code {other}")),
    }
}

/// The annotations `annotateAppliers` stamps into appliers (`generate::annotate`): the one
/// change the function may make to an item it did not generate.
pub const STAMPED: [&str; 2] = ["event.toolkit.fluxcd.io/app", "event.toolkit.fluxcd.io/env"];

/// `value` without the stamped annotations (and without an `annotations` map that only held
/// them), for comparing an applier before and after stamping.
fn unstamped(value: &Value) -> Value {
    let mut value = value.clone();
    if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        if let Some(annotations) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            for key in STAMPED {
                annotations.shift_remove(key);
            }
            if annotations.is_empty() {
                meta.shift_remove("annotations");
            }
        }
    }
    value
}

/// Every input item without the generated-by annotation is in the output, in order: byte for
/// byte, or (an applier stamped by `annotateAppliers`) with the same value up to the stamped
/// annotations. Kept items also hold the same value (an insertion next to one must not change
/// it). The output has at least as many items as the input less the generated ones.
fn check_kept(input: &ResourceList<'_>, output: &ResourceList<'_>) -> CheckResult {
    let generated = (0..input.items.len())
        .filter(|&i| is_generated(input, i))
        .count();
    ensure!(
        output.items.len() + generated >= input.items.len(),
        "{} items in ({generated} generated), only {} out",
        input.items.len(),
        output.items.len()
    );
    let standalone = |list: &ResourceList<'_>, index: usize| {
        standalone_value(list, &list.source[list.items[index].region.clone()]).ok()
    };
    let mut next = 0;
    let mut pairs = Vec::new();
    for (i, item) in input.items.iter().enumerate() {
        if is_generated(input, i) {
            continue;
        }
        let want = &input.source[item.region.clone()];
        let at_eof = item.region.end == input.source.len();
        let exact = (next..output.items.len())
            .find(|&j| same_text(want, at_eof, &output.source[output.items[j].region.clone()]));
        let found = exact.or_else(|| {
            let before = unstamped(&standalone(input, i)?);
            (next..output.items.len())
                .find(|&j| standalone(output, j).is_some_and(|after| unstamped(&after) == before))
        });
        let Some(j) = found else {
            return Err(format!(
                "input items[{i}] is not in the output, byte for byte or stamped, in order: {:?}\noutput:\n{}",
                short(want),
                short(output.source)
            ));
        };
        pairs.push((i, j));
        next = j + 1;
    }
    let (Ok(before), Ok(after)) = (
        full_items(input, input.source),
        full_items(output, output.source),
    ) else {
        return Ok(());
    };
    for (i, j) in pairs {
        let (Some(b), Some(a)) = (before.get(i), after.get(j)) else {
            continue;
        };
        ensure!(
            unstamped(&a.value) == unstamped(&b.value),
            "input items[{i}] held {} and, as output items[{j}], holds {}\noutput:\n{}",
            short(&b.value.to_string()),
            short(&a.value.to_string()),
            short(output.source)
        );
    }
    Ok(())
}

/// An item's text after an edit: the same bytes, or the same bytes with blank or comment lines
/// more or less at the end (where a region ends among them may depend on what follows them:
/// end of input, `---`, a new item; whether that changed the item's value is checked on the
/// values), or, for an item that ended the input without a line break, with the line break
/// that text written after it needs.
fn same_text(before: &str, before_at_eof: bool, now: &str) -> bool {
    if before == now {
        return true;
    }
    let blank_tail = |long: &str, short: &str| {
        long.strip_prefix(short).is_some_and(|rest| {
            ends_with_line_break(short)
                && lines_inclusive(rest)
                    .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        })
    };
    if blank_tail(now, before) || blank_tail(before, now) {
        return true;
    }
    before_at_eof
        && !ends_with_line_break(before)
        && now
            .strip_prefix(before)
            .is_some_and(|rest| matches!(rest, "\n" | "\r\n" | "\r"))
}

/// Known findings the fuzz targets can be told to step over (`FUZZ_SKIP=name,name`), so that a
/// run goes on to find other things. The regression test never skips anything.
pub fn skip_known(name: &str) -> bool {
    static SKIP: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    SKIP.get_or_init(|| {
        std::env::var("FUZZ_SKIP")
            .unwrap_or_default()
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    })
    .iter()
    .any(|s| s == name)
}

/// The fixed config of the legacy plugin variant: billing's appliers, one route, with the
/// environment from a label so several Alerts can come out.
pub const LEGACY_CONFIG: &str = "apiVersion: app-notifications.dev/v1alpha1
kind: AppNotifications
metadata:
  name: billing
  namespace: billing
  annotations:
    config.kubernetes.io/local-config: \"true\"
spec:
  alerts:
  - providerRef: slack
  - providerRef: pagerduty
    name: oncall
    eventSeverity: error
";

/// `run_legacy_plugin` with [`LEGACY_CONFIG`] on `data`: never panics; on success the output
/// reads back as a stream, keeps every document it did not generate, and is a fixed point;
/// on failure nothing is written.
pub fn legacy_plugin(data: &[u8]) -> CheckResult {
    let outcome = run_legacy_plugin(
        LEGACY_CONFIG.as_bytes(),
        "fuzz-config.yaml",
        data,
        &limits(),
    );
    let stdout = outcome.stdout.to_string();
    let exit = outcome.exit_code;
    drop(outcome);
    if exit != 0 {
        ensure!(
            stdout.is_empty(),
            "exit {exit} but output written:\n{}",
            short(&stdout)
        );
        return Ok(());
    }
    let text = std::str::from_utf8(data).map_err(|_| "exit 0 on input that is not UTF-8")?;
    let input = app_notifications::reader(&limits())
        .stream(text, "fuzz")
        .map_err(|e| format!("exit 0 but the input does not read as a stream: {e}"))?;
    let output = app_notifications::reader(&limits())
        .stream(&stdout, "fuzz")
        .map_err(|e| {
            format!(
                "the output does not read back as a stream: {e}\noutput:\n{}",
                short(&stdout)
            )
        })?;
    check_kept(&input, &output)?;
    let again = run_legacy_plugin(
        LEGACY_CONFIG.as_bytes(),
        "fuzz-config.yaml",
        stdout.as_bytes(),
        &limits(),
    );
    ensure!(
        again.exit_code == 0,
        "the plugin fails on its own output (exit {}): {}\noutput:\n{}",
        again.exit_code,
        again.stderr,
        short(&stdout)
    );
    let twice = again.stdout.to_string();
    ensure!(
        twice == stdout,
        "not idempotent: a second run changes the output:\n{}",
        first_difference(&stdout, &twice)
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------

/// A named check of raw input bytes.
pub type ByteCheck = (&'static str, fn(&[u8]) -> CheckResult);

/// All checks that take bytes, for replaying a file whatever target found it.
pub fn all_byte_checks() -> [ByteCheck; 4] {
    [
        ("reader_splicer", reader_splicer),
        ("config_loader", config_yaml),
        ("whole_function", whole_function),
        ("legacy_plugin", legacy_plugin),
    ]
}

fn short(s: &str) -> String {
    const MAX: usize = 1500;
    if s.len() <= MAX {
        return s.to_string();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &s[..end], s.len())
}

/// Where two texts first differ, with a little context.
pub fn first_difference(a: &str, b: &str) -> String {
    let at = a
        .bytes()
        .zip(b.bytes())
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let from = at.saturating_sub(60);
    let window = |s: &str| {
        let mut start = from.min(s.len());
        while !s.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (at + 120).min(s.len());
        while !s.is_char_boundary(end) {
            end += 1;
        }
        format!("{:?}", &s[start..end])
    };
    format!(
        "first difference at byte {at} (lengths {} and {}):\n  before: {}\n  after:  {}",
        a.len(),
        b.len(),
        window(a),
        window(b)
    )
}
