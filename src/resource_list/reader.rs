//! What a caller asks the reader to keep, and the reader itself: the one entry point for turning
//! bytes into a [`ResourceList`], a stream of documents, or one object.
//!
//! The reader knows KRM, not any product: which kinds are kept whole and which reference
//! fields are read are the caller's [`ReadSpec`].

use std::rc::Rc;

use super::error::{Location, ReadError, ReadErrorKind};
use super::read;
use super::ResourceList;
use crate::limits::Limits;
use crate::yaml::lines::{count_line_breaks, line_start};
use crate::yaml::tree::Node;

/// A reference to another object that the reader collects from every item, e.g. Flux's
/// `spec.sourceRef`: `field` names it in messages, `path` is where it sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferenceField {
    pub field: &'static str,
    pub path: &'static [&'static str],
}

/// The caller's vocabulary: what the reader keeps of each item besides its region, identity
/// and metadata. Everything else is skipped without being built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadSpec {
    /// Kinds whose items are kept whole as nodes ([`super::Item::node`]), e.g. a function's own
    /// config kind.
    pub whole_kinds: &'static [&'static str],
    /// Reference fields read from every item into [`super::ItemFields::references`].
    pub references: &'static [ReferenceField],
}

impl ReadSpec {
    /// Keeps nothing beyond identity, metadata and regions.
    pub const PLAIN: ReadSpec = ReadSpec {
        whole_kinds: &[],
        references: &[],
    };

    pub(super) fn keeps_whole(&self, kind: &str) -> bool {
        self.whole_kinds.contains(&kind)
    }

    /// Whether the top-level key `key` holds a reference field.
    pub(super) fn reads_top(&self, key: &str) -> bool {
        self.references.iter().any(|r| r.path.first() == Some(&key))
    }

    /// Whether the child `child` of the top-level key `top` is on a reference field's path
    /// (a reference that is `top` itself keeps all of it).
    pub(super) fn reads_child(&self, top: &str, child: &str) -> bool {
        self.references.iter().any(|r| match r.path {
            [first] => *first == top,
            [first, second, ..] => *first == top && *second == child,
            [] => false,
        })
    }
}

/// Reads input within [`Limits`], keeping what a [`ReadSpec`] asks for.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'s> {
    pub limits: Limits,
    pub spec: &'s ReadSpec,
}

impl<'s> Reader<'s> {
    pub fn new(limits: Limits, spec: &'s ReadSpec) -> Self {
        Reader { limits, spec }
    }

    /// Input bytes as text: the size limit first (cheapest), then UTF-8, with the position of
    /// the first bad byte.
    pub fn decode<'a>(&self, input: &'a [u8], origin: &str) -> Result<&'a str, ReadError> {
        self.check_size(input, origin)?;
        std::str::from_utf8(input).map_err(|err| {
            let good = String::from_utf8_lossy(&input[..err.valid_up_to()]);
            let line = count_line_breaks(&good) + 1;
            let column = good[line_start(&good, good.len())..].chars().count() + 1;
            ReadError::new(
                ReadErrorKind::InvalidUtf8,
                Some(Location { line, column }),
                origin,
            )
        })
    }

    /// Refuses input over the size limit, before any work is spent on it.
    pub fn check_size(&self, input: &[u8], origin: &str) -> Result<(), ReadError> {
        if input.len() > self.limits.max_input_bytes {
            return Err(ReadError::new(
                ReadErrorKind::TooLarge {
                    size: input.len(),
                    limit: self.limits.max_input_bytes,
                },
                None,
                origin,
            ));
        }
        Ok(())
    }

    /// A KRM ResourceList (YAML or JSON).
    pub fn resource_list<'a>(
        &self,
        source: &'a str,
        origin: &str,
    ) -> Result<ResourceList<'a>, ReadError> {
        self.check_size(source.as_bytes(), origin)?;
        read::resource_list(self, source, origin).map_err(|err| err.explained(source, &self.limits))
    }

    /// A stream of YAML documents, one object each (kustomize legacy exec plugins, files of a
    /// package).
    pub fn stream<'a>(&self, source: &'a str, origin: &str) -> Result<ResourceList<'a>, ReadError> {
        self.check_size(source.as_bytes(), origin)?;
        read::stream(self, source, origin).map_err(|err| err.explained(source, &self.limits))
    }

    /// One object written on its own (a config file, a functionConfig), whole: `None` for a
    /// text with no document or an empty one. More than one document is an error.
    pub fn object<'a>(
        &self,
        source: &'a str,
        origin: &str,
    ) -> Result<Option<Rc<Node<'a>>>, ReadError> {
        self.check_size(source.as_bytes(), origin)?;
        read::object(self, source, origin).map_err(|err| err.explained(source, &self.limits))
    }
}
