//! KRM function results (`results[]` of the ResourceList), as the KRM functions spec defines
//! them: message, severity, resourceRef, field.path, file.path/index.

use serde_json::{json, Map, Value};

use crate::limits::Limits;
use crate::resource_list::locate::parse_field_path;
use crate::resource_list::{orchestrator, Item, ResourceList};

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

/// Where in the package the object lives, and where in that file the result points when it is
/// known (the KRM `results[].file` has no line; messages show it as `path:line:column`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    pub path: String,
    pub index: Option<u64>,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KrmResult {
    pub message: String,
    pub severity: Severity,
    pub resource_ref: Option<ResourceRef>,
    pub field_path: Option<String>,
    pub file: Option<FileRef>,
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

    /// Points the result at the functionConfig.
    pub fn about_function_config(mut self) -> Self {
        self.subject = Some(Subject::FunctionConfig);
        self
    }

    pub fn at_field(mut self, path: impl Into<String>) -> Self {
        self.field_path = Some(path.into());
        self
    }

    /// One line for a terminal: `error: message (Kind ns/name, field x, file y)`.
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
        if let Some(file) = &self.file {
            let mut at = format!("file {}", file.path);
            if let Some(line) = file.line {
                at.push_str(&format!(":{line}"));
                if let Some(column) = file.column {
                    at.push_str(&format!(":{column}"));
                }
            }
            where_.push(at);
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

/// The file an item came from, from the orchestrator's annotations (kpt's internal ones first,
/// then the legacy ones kustomize writes).
pub fn file_of(item: &Item<'_>) -> Option<FileRef> {
    let (path, index) = orchestrator::place(|key| item.fields.annotation(key))?;
    Some(FileRef {
        path: path.to_string(),
        index,
        line: None,
        column: None,
    })
}

/// Whether any result is an error (the function then exits 1 and leaves the items unchanged).
pub fn has_errors(results: &[KrmResult]) -> bool {
    results.iter().any(|r| r.severity == Severity::Error)
}

/// Gives each result about an item or the functionConfig the line and column it points at:
/// its field, or the object itself. Items are found in their own source text (the input, or
/// the file a package item came from); the functionConfig in `function_config`, its origin
/// (a file name) and text, when it was read on its own.
pub fn locate(
    list: &ResourceList<'_>,
    function_config: Option<(&str, &str)>,
    results: &mut [KrmResult],
    limits: &Limits,
) {
    for result in results {
        let path = parse_field_path(result.field_path.as_deref().unwrap_or_default());
        match result.subject {
            Some(Subject::Item(index)) => {
                let Some(item) = list.items.get(index) else {
                    continue;
                };
                let Some(at) = list.locate(item, &path, limits) else {
                    continue;
                };
                if let Some(file) = &mut result.file {
                    file.line = Some(at.line);
                    file.column = Some(at.column);
                }
            }
            Some(Subject::FunctionConfig) => {
                let Some((origin, text)) = function_config else {
                    continue;
                };
                let Some(at) = crate::resource_list::locate::locate(text, &path, limits) else {
                    continue;
                };
                result.file = Some(FileRef {
                    path: origin.to_string(),
                    index: None,
                    line: Some(at.line),
                    column: Some(at.column),
                });
            }
            None => {}
        }
    }
}
