//! Errors that stop the input from being read at all. Each says what is wrong, where, and how
//! to fix it; problems inside a readable item are results, not these.

use std::fmt;

use super::syntax::{self, Mark};

/// A position in the input, 1-based like editors show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadErrorKind {
    Empty,
    TooLarge {
        size: usize,
        limit: usize,
    },
    InvalidUtf8,
    Syntax {
        message: String,
    },
    /// A `[` or `{` still open where the parser stopped, on a later line: the error's location
    /// is the bracket. Boxed, as everything only an explained error has (see [`ReadError`]).
    Unclosed(Box<UnclosedBracket>),
    TooDeep {
        limit: usize,
    },
    NotAResourceList {
        found: String,
    },
    MultipleDocuments,
    /// A second object in a text that holds one (a config file).
    SecondObject,
    ItemNotAMapping {
        index: usize,
        found: &'static str,
    },
    DocumentNotAMapping {
        index: usize,
        found: &'static str,
    },
    TooManyItems {
        limit: usize,
    },
    DuplicateKey {
        key: String,
    },
}

/// The parser's view of a bracket left open: where it gave up, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnclosedBracket {
    pub bracket: char,
    pub stopped: Location,
    pub message: String,
}

/// An input that cannot be read. It is also the error type of every event the reader takes
/// from the parser, so it must stay no larger than an event: what only an explained syntax
/// error has (the excerpt, an unclosed bracket) is boxed, or every event would be copied
/// wider (an unboxed excerpt cost 1.1 % of the instructions on the benchmark list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub kind: ReadErrorKind,
    pub location: Option<Location>,
    /// What the input is called in messages: `stdin`, or a file name.
    pub origin: String,
    /// The lines shown under a syntax error, with a caret at each position.
    pub excerpt: Option<Box<[Mark]>>,
}

impl ReadError {
    pub fn new(kind: ReadErrorKind, location: Option<Location>, origin: &str) -> Self {
        ReadError {
            kind,
            location,
            origin: origin.to_string(),
            excerpt: None,
        }
    }

    /// A syntax error as the user needs it, worked out from the text once reading has failed
    /// (never in the reader's loop, which stays as lean as a bare parse): a tab in the
    /// indentation shown where it is, a `[` or `{` left open on an earlier line as the error's
    /// place, and the lines with a caret under each position. Other errors are left as they
    /// are.
    pub(super) fn explained(mut self, src: &str, limits: &crate::limits::Limits) -> Self {
        let (ReadErrorKind::Syntax { message }, Some(at)) = (&self.kind, self.location) else {
            return self;
        };
        let message = message.clone();
        let at = match syntax::tab_column(src, at.line, &message) {
            Some(column) => Location {
                line: at.line,
                column,
            },
            None => at,
        };
        self.location = Some(at);
        if let Some(unclosed) = syntax::unclosed_before(src, at, limits) {
            self.kind = ReadErrorKind::Unclosed(Box::new(UnclosedBracket {
                bracket: unclosed.bracket,
                stopped: at,
                message,
            }));
            self.location = Some(unclosed.at);
        }
        self.with_excerpt(src)
    }

    /// Adds the lines of `src` a syntax error points at (nothing for other errors).
    fn with_excerpt(mut self, src: &str) -> Self {
        let marks = match (&self.kind, self.location) {
            (ReadErrorKind::Unclosed(unclosed), Some(at)) => vec![
                syntax::mark(src, at, None),
                syntax::mark(src, unclosed.stopped, Some("the parser stopped here")),
            ],
            (ReadErrorKind::Syntax { .. }, Some(at)) => vec![syntax::mark(src, at, None)],
            _ => Vec::new(),
        };
        let marks: Vec<Mark> = marks.into_iter().flatten().collect();
        self.excerpt = (!marks.is_empty()).then(|| marks.into_boxed_slice());
        self
    }

    /// The fix to suggest, separate from what went wrong.
    fn hint(&self) -> &'static str {
        match &self.kind {
            ReadErrorKind::Empty => {
                "pipe a ResourceList (kind: ResourceList, apiVersion: config.kubernetes.io/v1) \
                 into the function, or run `app-notifications render PATH` on a package"
            }
            ReadErrorKind::TooLarge { .. } => "raise the limit with --max-input-bytes",
            ReadErrorKind::InvalidUtf8 => "YAML must be UTF-8; re-encode the file",
            ReadErrorKind::Syntax { message } => syntax::hint(message),
            ReadErrorKind::Unclosed(unclosed) => syntax::unclosed_hint(unclosed.bracket),
            ReadErrorKind::TooDeep { .. } => "flatten the document or raise --max-depth",
            ReadErrorKind::NotAResourceList { .. } => {
                "the KRM protocol sends one ResourceList document; to run as a kustomize \
                 legacy exec plugin, set KUSTOMIZE_PLUGIN_CONFIG_ROOT and pass the config file \
                 as the first argument"
            }
            ReadErrorKind::MultipleDocuments => {
                "send exactly one ResourceList document (remove the extra `---` documents)"
            }
            ReadErrorKind::SecondObject => {
                "a config file holds one object; move the others into files of their own"
            }
            ReadErrorKind::ItemNotAMapping { .. } | ReadErrorKind::DocumentNotAMapping { .. } => {
                "every item must be a Kubernetes object (a mapping with apiVersion and kind)"
            }
            ReadErrorKind::TooManyItems { .. } => "split the input or raise --max-items",
            ReadErrorKind::DuplicateKey { .. } => "remove one of the two keys",
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.origin)?;
        if let Some(loc) = self.location {
            write!(f, ":{}:{}", loc.line, loc.column)?;
        }
        f.write_str(": ")?;
        match &self.kind {
            ReadErrorKind::Empty => f.write_str("input is empty")?,
            ReadErrorKind::TooLarge { size, limit } => {
                write!(f, "input is larger than {limit} bytes (read {size} so far)")?
            }
            ReadErrorKind::InvalidUtf8 => f.write_str("invalid UTF-8")?,
            ReadErrorKind::Syntax { message } => write!(f, "invalid YAML: {message}")?,
            ReadErrorKind::Unclosed(unclosed) => write!(
                f,
                "invalid YAML: this `{}` is never closed; the parser stopped at {}:{}: {}",
                unclosed.bracket, unclosed.stopped.line, unclosed.stopped.column, unclosed.message
            )?,
            ReadErrorKind::TooDeep { limit } => write!(f, "nesting is deeper than {limit} levels")?,
            ReadErrorKind::NotAResourceList { found } => write!(f, "not a ResourceList: {found}")?,
            ReadErrorKind::MultipleDocuments => {
                f.write_str("a second YAML document follows the ResourceList")?
            }
            ReadErrorKind::SecondObject => f.write_str("a second object follows the first")?,
            ReadErrorKind::ItemNotAMapping { index, found } => {
                write!(f, "items[{index}] is a {found}, not an object")?
            }
            ReadErrorKind::DocumentNotAMapping { index, found } => {
                write!(f, "document {} is a {found}, not an object", index + 1)?
            }
            ReadErrorKind::TooManyItems { limit } => write!(f, "more than {limit} items")?,
            ReadErrorKind::DuplicateKey { key } => {
                write!(f, "the key `{key}` appears twice in the ResourceList")?
            }
        }
        write!(f, " (hint: {})", self.hint())?;
        for mark in self.excerpt.iter().flatten() {
            write!(f, "\n{}", mark.render())?;
        }
        Ok(())
    }
}

impl std::error::Error for ReadError {}
