//! KRM input and output, byte-exact: a ResourceList (KRM mode) or a YAML stream (legacy plugin
//! mode, files of a package) read into item spans plus the few fields a caller asks for
//! ([`ReadSpec`]), the splicer that writes the output by copying every byte it was not asked to
//! change, and [`edit`], which changes one value of a document the same way.
//!
//! Nothing here knows any product: which kinds are kept whole and which references are read are
//! the caller's.

mod compose;
pub mod edit;
mod error;
mod fields;
mod layout;
pub mod locate;
pub mod orchestrator;
mod read;
mod reader;
mod splice;
mod syntax;

use std::ops::Range;
use std::rc::Rc;

pub use compose::write_resource_list;
pub use error::{Location, ReadError, ReadErrorKind, UnclosedBracket};
pub use fields::{qualified, ItemFields, ObjectRef, Reference};
pub use reader::{ReadSpec, Reader, ReferenceField};
pub use splice::{Edits, ItemPatch, Splice, Spliced};

use crate::yaml::emit::{EmitStyle, LineEnding};
use crate::yaml::tree::Node;

/// How the input was written; the output is written the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notation {
    Yaml,
    /// A flow root mapping that starts with `{`: a JSON ResourceList gets a JSON one back.
    Json,
}

/// What surrounds the items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Envelope {
    /// A `ResourceList` (or kyaml's `List`) document with `items`.
    ResourceList,
    /// A stream of YAML documents, one resource each (kustomize legacy exec plugins).
    Stream,
    /// Items of several inputs ([`ResourceList::compose`]): read and generated from, never
    /// spliced.
    Composed,
}

/// Where the items sit, which decides how items are removed and inserted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemsContainer {
    /// `items:` followed by `- ` entries; `insert_at` is the end of the last item's lines.
    Block { insert_at: usize },
    /// `items: [ ... ]` (also JSON): `open` is just after `[`, `close` is at `]`; `key_end` is
    /// the end of the `items` key, for turning an empty `[]` into a block sequence.
    Flow {
        key_end: usize,
        open: usize,
        close: usize,
    },
    /// `items:` with no value or `null`: the value's bytes (tag included) are replaced when
    /// items are added. The value's anchor, if any, moves to the new sequence; `colon` is false
    /// for an explicit key with no value indicator at all (`? items`).
    Null {
        replace: Range<usize>,
        anchor: Option<Range<usize>>,
        colon: bool,
    },
    /// No `items` key at all.
    Missing,
    /// Documents of a YAML stream; `end` is the end of the input.
    Stream { end: usize },
}

/// Where the root mapping can take a new key (`items`, `results`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootInsert {
    /// Block root: a new key goes on a new line at `at`, at column `key_col`.
    Block { at: usize, key_col: usize },
    /// Flow/JSON root: a new key goes before the `}` at `close`.
    Flow { close: usize, has_entries: bool },
}

/// The input formatting that new text must follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub line_ending: LineEnding,
    /// Whether block sequences are indented under their key (`key:\n  - a`).
    pub indent_sequences: bool,
    /// Column of the items' `- ` indicators (block), or of the items themselves (flow/JSON).
    pub item_col: usize,
    /// Column of the root mapping's keys (flow/JSON roots: of the first key).
    pub key_col: usize,
}

impl Layout {
    pub fn emit_style(&self) -> EmitStyle {
        EmitStyle {
            line_ending: self.line_ending,
            indent_sequences: self.indent_sequences,
        }
    }
}

/// One item of the input.
#[derive(Debug, Clone)]
pub struct Item<'a> {
    /// Position in `items` (or document number in a stream), from 0.
    pub index: usize,
    /// The text the item was read from; [`Item::region`] is a range of it.
    pub source: &'a str,
    /// The bytes that belong to this item: from the start of its `- ` line to the end of its
    /// last line (block), or the node itself (flow/JSON), or the document (stream).
    pub region: Range<usize>,
    /// 1-based line where the item starts, for messages.
    pub line: usize,
    /// The item as read (apiVersion, kind, metadata, spec), kept only for configs
    /// (`AppNotifications`), which are read in full; other items keep just their fields.
    pub node: Option<Rc<Node<'a>>>,
    pub fields: ItemFields<'a>,
    /// Its text ends with a block scalar (`|`, `>+`…), which would take in blank lines, and
    /// comment lines indented like its content, that come to follow it (see removal in
    /// `splice`).
    pub ends_in_block_scalar: bool,
}

/// Where a node that is not an item (the functionConfig) is in the source: the bytes that hold
/// it (from the start of its first line for a block node) and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeText {
    pub region: Range<usize>,
    pub line: usize,
}

/// A parsed input. Borrows the input text; the splicer copies from it.
#[derive(Debug)]
pub struct ResourceList<'a> {
    /// The whole input, including a BOM if there was one (empty for a composed list).
    pub source: &'a str,
    pub notation: Notation,
    pub envelope: Envelope,
    pub layout: Layout,
    pub items: Vec<Item<'a>>,
    pub container: ItemsContainer,
    pub function_config: Option<Rc<Node<'a>>>,
    /// Where the functionConfig's node is in `source`, for placing messages about it.
    pub function_config_text: Option<NodeText>,
    /// The bytes of an existing `results` entry (block: the key's lines; flow: the value).
    pub results: Option<Range<usize>>,
    pub root_insert: RootInsert,
}
