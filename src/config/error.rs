//! Config problems as users see them, and the field paths that locate them.

use std::fmt;

use super::model::AppNotifications;

/// A problem in a config, located by its field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// Where the problem is, e.g. `spec.alerts[0].eventSeverity`; empty for the whole object.
    pub field_path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is more to say than the message.
    pub hint: Option<String>,
}

impl ConfigError {
    /// A problem at `field_path`.
    pub fn new(field_path: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError {
            field_path: field_path.into(),
            message: message.into(),
            hint: None,
        }
    }

    /// The same problem with a hint.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.field_path.is_empty() {
            write!(f, "{}: ", self.field_path)?;
        }
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// A valid config and the warnings found while reading it.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The config, with defaults applied and empty optional strings normalised to `None`.
    pub config: AppNotifications,
    /// Problems that do not stop generation.
    pub warnings: Vec<ConfigError>,
}

/// `base.key`, or `base["key"]` when the key would not read back as one path segment
/// (label keys such as `app.kubernetes.io/name`).
pub(crate) fn field(base: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    match (base.is_empty(), plain) {
        (true, true) => key.to_owned(),
        (false, true) => format!("{base}.{key}"),
        (_, false) => format!("{base}[{}]", quote(key)),
    }
}

/// `base[index]`.
pub(crate) fn index(base: &str, index: usize) -> String {
    format!("{base}[{index}]")
}

fn quote(key: &str) -> String {
    serde_json::Value::String(key.to_owned()).to_string()
}

/// Collects errors and warnings so every problem of a config is reported at once.
#[derive(Debug, Default)]
pub(crate) struct Report {
    pub errors: Vec<ConfigError>,
    pub warnings: Vec<ConfigError>,
}

impl Report {
    pub fn error(&mut self, error: ConfigError) {
        self.errors.push(error);
    }

    pub fn warn(&mut self, warning: ConfigError) {
        self.warnings.push(warning);
    }

    /// Records `check`'s outcome for the value at `path` as an error.
    pub fn record(&mut self, path: &str, check: Result<(), Problem>) {
        if let Err(problem) = check {
            self.errors.push(problem.at(path));
        }
    }
}

/// A problem not yet tied to a field path: what value checks return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub message: String,
    pub hint: Option<String>,
}

impl Problem {
    pub fn new(message: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            hint: None,
        }
    }

    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn at(self, path: &str) -> ConfigError {
        ConfigError {
            field_path: path.to_owned(),
            message: self.message,
            hint: self.hint,
        }
    }
}

/// Sorts problems (stably) into the order their fields appear in `document`, so a report reads
/// top to bottom like the file. A problem about a missing field sorts after everything else
/// in the map that lacks it.
pub(crate) fn sort_by_document(problems: &mut [ConfigError], document: &serde_json::Value) {
    if problems.len() < 2 {
        return;
    }
    let mut order = Vec::new();
    collect_paths(document, String::new(), 0, &mut order);
    let within = |path: &str, known: &str| {
        path.strip_prefix(known)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
    };
    let position = |path: &str| {
        if let Some(exact) = order.iter().position(|known| known == path) {
            return (exact, 0);
        }
        let parent = order
            .iter()
            .filter(|known| within(path, known))
            .max_by_key(|known| known.len());
        let last_inside = parent.map_or(0, |parent| {
            order
                .iter()
                .rposition(|known| within(known, parent))
                .unwrap_or(0)
        });
        (last_inside, 1)
    };
    problems.sort_by_cached_key(|problem| position(&problem.field_path));
}

// Deeper values are never part of a valid config; the bound keeps hostile input from
// exhausting the stack.
const MAX_DEPTH: usize = 32;

fn collect_paths(value: &serde_json::Value, path: String, depth: usize, order: &mut Vec<String>) {
    if depth > MAX_DEPTH {
        return;
    }
    let children: Vec<(String, &serde_json::Value)> = match value {
        serde_json::Value::Object(map) => map.iter().map(|(k, v)| (field(&path, k), v)).collect(),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (index(&path, i), v))
            .collect(),
        _ => Vec::new(),
    };
    order.push(path);
    for (child, item) in children {
        collect_paths(item, child, depth + 1, order);
    }
}
