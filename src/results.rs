//! KRM function results (`results[]` of the ResourceList), as the KRM functions spec defines
//! them: message, severity, resourceRef, field.path, file.path/index.
//!
//! A result's line and column are shown in its message line (stderr), not in `results[]`: the
//! spec's `file` has no line, and its free-form `tags` would hold a position in this run's
//! input, which the output does not keep (generated objects appended to the items move a
//! functionConfig that follows them), so a second run on the output would write other
//! numbers and the function would no longer be idempotent.

use serde_json::{json, Map, Value};

use crate::limits::Limits;
use crate::resource_list::locate::parse_field_path;
use crate::resource_list::{orchestrator, Envelope, Item, ResourceList};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// The object a result is about.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResourceRef {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
}

/// Where in the package the object lives: the file the orchestrator read it from, relative to
/// the package (kpt's path annotations, or kustomize's origin annotation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    pub path: String,
    pub index: Option<u64>,
}

/// Where in a text the function read a result points: `text` names it as messages do
/// (`stdin`, or a file), `line` and `column` are 1-based, the column in characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub text: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KrmResult {
    pub message: String,
    pub severity: Severity,
    pub resource_ref: Option<ResourceRef>,
    pub field_path: Option<String>,
    pub file: Option<FileRef>,
    /// Where in a text the result points, once [`locate`] found it.
    pub position: Option<Position>,
    /// What in the input the result is about, for locating it.
    pub subject: Option<Subject>,
}

/// What in the input a result is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The item at this index of the list.
    Item(usize),
    /// The functionConfig, which is not an item.
    FunctionConfig,
}

impl KrmResult {
    pub fn new(severity: Severity, message: impl Into<String>) -> Self {
        KrmResult {
            message: message.into(),
            severity,
            resource_ref: None,
            field_path: None,
            file: None,
            position: None,
            subject: None,
        }
    }

    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Severity::Error, message)
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, message)
    }

    pub fn info(message: impl Into<String>) -> Self {
        Self::new(Severity::Info, message)
    }

    /// Points the result at an input item: its identity and the file the orchestrator read it
    /// from.
    pub fn about(mut self, item: &Item<'_>) -> Self {
        let f = &item.fields;
        self.resource_ref = Some(ResourceRef {
            api_version: f.api_version.to_string(),
            kind: f.kind.to_string(),
            name: f.name.to_string(),
            namespace: f.namespace().map(str::to_string),
        });
        self.file = file_of(item);
        self.subject = Some(Subject::Item(item.index));
        self
    }

    /// Points the result at the functionConfig: its identity and, when the orchestrator said,
    /// its file (the functionConfig is not an item, so it has no place of its own).
    pub fn about_function_config(mut self, object: Option<&FunctionConfigRef>) -> Self {
        if let Some(object) = object {
            self.resource_ref = object.resource_ref.clone();
            self.file = object.file.clone();
        }
        self.subject = Some(Subject::FunctionConfig);
        self
    }

    pub fn at_field(mut self, path: impl Into<String>) -> Self {
        self.field_path = Some(path.into());
        self
    }

    /// One line for a terminal: `error: message (Kind ns/name, field x, file y:3:5)`; when the
    /// position is in another text than the object's file (the ResourceList on stdin), both:
    /// `(…, file y, stdin:40:7)`.
    pub fn to_line(&self) -> String {
        let mut where_ = Vec::new();
        if let Some(r) = &self.resource_ref {
            let name = match &r.namespace {
                Some(ns) => format!("{ns}/{}", r.name),
                None => r.name.clone(),
            };
            where_.push(format!("{} {name}", r.kind).trim().to_string());
        }
        if let Some(field) = &self.field_path {
            where_.push(format!("field {field}"));
        }
        let at = |p: &Position| format!("{}:{}:{}", p.text, p.line, p.column);
        match (&self.file, &self.position) {
            (Some(file), Some(p)) if p.text == file.path => where_.push(format!("file {}", at(p))),
            (file, position) => {
                if let Some(file) = file {
                    where_.push(format!("file {}", file.path));
                }
                if let Some(p) = position {
                    where_.push(at(p));
                }
            }
        }
        let mut line = format!("{}: {}", self.severity.as_str(), self.message);
        if !where_.is_empty() {
            line.push_str(&format!(" ({})", where_.join(", ")));
        }
        line
    }

    pub fn to_value(&self) -> Value {
        let mut map = Map::new();
        map.insert("message".into(), json!(self.message));
        map.insert("severity".into(), json!(self.severity.as_str()));
        if let Some(r) = &self.resource_ref {
            let mut rr = Map::new();
            rr.insert("apiVersion".into(), json!(r.api_version));
            rr.insert("kind".into(), json!(r.kind));
            rr.insert("name".into(), json!(r.name));
            if let Some(ns) = &r.namespace {
                rr.insert("namespace".into(), json!(ns));
            }
            map.insert("resourceRef".into(), Value::Object(rr));
        }
        if let Some(path) = &self.field_path {
            map.insert("field".into(), json!({ "path": path }));
        }
        if let Some(file) = &self.file {
            let mut f = Map::new();
            f.insert("path".into(), json!(file.path));
            if let Some(index) = file.index {
                f.insert("index".into(), json!(index));
            }
            map.insert("file".into(), Value::Object(f));
        }
        Value::Object(map)
    }
}

/// The identity and file of the functionConfig, for results about it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FunctionConfigRef {
    pub resource_ref: Option<ResourceRef>,
    pub file: Option<FileRef>,
}

/// The file an item came from, from the orchestrator's annotations (kpt's internal ones first,
/// then the legacy ones kustomize writes, then kustomize's origin).
pub fn file_of(item: &Item<'_>) -> Option<FileRef> {
    let (path, index) = orchestrator::file(|key| item.fields.annotation(key))?;
    Some(FileRef {
        path: path.to_string(),
        index,
    })
}

/// Whether any result is an error (the function then exits 1 and leaves the items unchanged).
pub fn has_errors(results: &[KrmResult]) -> bool {
    results.iter().any(|r| r.severity == Severity::Error)
}

/// The texts results are placed in.
#[derive(Debug, Clone, Copy)]
pub struct Texts<'t> {
    /// What the list's own source is called in messages (`stdin`). Unused for a composed list:
    /// its items come from files, named by their path annotations.
    pub input: &'t str,
    /// The functionConfig, when it was read from a text of its own (`--config FILE`, the legacy
    /// plugin's argv[1]): that text's name and the text. Otherwise a ResourceList's
    /// functionConfig is found in the input.
    pub function_config: Option<(&'t str, &'t str)>,
    /// The least severe results placed: positions are shown only in message lines, so KRM
    /// mode places only what it writes to stderr (a walk per warning of a large fleet would be
    /// work for nothing).
    pub least: Severity,
}

/// Gives each result about an item or the functionConfig the line and column it points at:
/// its field, or the object itself. Items are found in their own source text (the input, or
/// the file a package item came from); the functionConfig in its own text, or in the input.
/// Each walk covers only the object concerned, never the whole input.
pub fn locate(
    list: &ResourceList<'_>,
    texts: Texts<'_>,
    results: &mut [KrmResult],
    limits: &Limits,
) {
    for result in results {
        if result.severity > texts.least {
            continue;
        }
        let path = parse_field_path(result.field_path.as_deref().unwrap_or_default());
        result.position = match result.subject {
            Some(Subject::Item(index)) => list.items.get(index).and_then(|item| {
                let at = list.locate(item, &path, limits)?;
                let text = if list.envelope == Envelope::Composed {
                    file_of(item)?.path
                } else {
                    texts.input.to_string()
                };
                Some(Position {
                    text,
                    line: at.line,
                    column: at.column,
                })
            }),
            Some(Subject::FunctionConfig) => match texts.function_config {
                Some((origin, text)) => {
                    // A config file of its own is the config's file, unless the orchestrator
                    // named the user's (kustomize re-serialises a plugin's config).
                    result.file.get_or_insert_with(|| FileRef {
                        path: origin.to_string(),
                        index: None,
                    });
                    crate::resource_list::locate::locate(text, &path, limits).map(|at| Position {
                        text: origin.to_string(),
                        line: at.line,
                        column: at.column,
                    })
                }
                None => list
                    .locate_function_config(&path, limits)
                    .map(|at| Position {
                        text: texts.input.to_string(),
                        line: at.line,
                        column: at.column,
                    }),
            },
            None => None,
        };
    }
}
