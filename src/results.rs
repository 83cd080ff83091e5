//! KRM function results (`results[]` of the ResourceList), as the KRM functions spec defines
//! them: message, severity, resourceRef, field.path, file.path/index.

use serde_json::{json, Map, Value};

use crate::resource_list::Item;

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

/// Where in the package the object lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    pub path: String,
    pub index: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KrmResult {
    pub message: String,
    pub severity: Severity,
    pub resource_ref: Option<ResourceRef>,
    pub field_path: Option<String>,
    pub file: Option<FileRef>,
}

impl KrmResult {
    pub fn new(severity: Severity, message: impl Into<String>) -> Self {
        KrmResult {
            message: message.into(),
            severity,
            resource_ref: None,
            field_path: None,
            file: None,
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
            where_.push(format!("file {}", file.path));
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
    let f = &item.fields;
    let path = f
        .annotation("internal.config.kubernetes.io/path")
        .or_else(|| f.annotation("config.kubernetes.io/path"))?;
    let index = f
        .annotation("internal.config.kubernetes.io/index")
        .or_else(|| f.annotation("config.kubernetes.io/index"))
        .and_then(|i| i.parse().ok());
    Some(FileRef {
        path: path.to_string(),
        index,
    })
}

/// Whether any result is an error (the function then exits 1 and leaves the items unchanged).
pub fn has_errors(results: &[KrmResult]) -> bool {
    results.iter().any(|r| r.severity == Severity::Error)
}
