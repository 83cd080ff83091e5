//! The `ConfigMap` functionConfig form (`kpt fn eval … -- app=billing providerRef=slack`, kpt's
//! `configMap:`): a one-route config. It is translated into an `AppNotifications` and read by
//! [`load`], and every problem is reported at the `data` key the user wrote.

use serde_json::{json, Map, Value};

use super::error::{field, sort_by_document, ConfigError, Loaded};
use super::load::load;
use super::model::DEFAULT_ROUTE;
use super::suggest::{backticked, closest};
use super::{API_VERSION, KIND};
use crate::yaml::tree::value_kind;

/// The `data` key that picks the mode, not part of the config: `mode: check` makes the
/// function a validator (kpt `validators:`).
pub const MODE_KEY: &str = "mode";

/// What the function does with a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Generate Alerts and Providers (the default).
    Generate,
    /// Leave the items as they are; report stale generated objects, uncovered apps and
    /// overlapping Alerts.
    Check,
}

impl Mode {
    /// The mode a ConfigMap's `data.mode` names (`check`), if any.
    pub fn from_data(value: &str) -> Option<Mode> {
        (value == "check").then_some(Mode::Check)
    }
}

/// The `data` keys and the config field each one sets.
pub const CONFIG_MAP_KEYS: &[(&str, &str)] = &[
    ("app", "spec.app"),
    ("environment", "spec.environment"),
    ("environmentLabel", "spec.environmentLabel"),
    ("providerRef", "spec.alerts[0].providerRef"),
    ("eventSeverity", "spec.alerts[0].eventSeverity"),
    ("sources", "spec.sources"),
    ("eventSources", "spec.eventSources"),
    ("namespace", "spec.placement.namespace"),
];

const EXAMPLE: &str = "e.g. `kpt fn eval … -- app=billing providerRef=slack`";

/// Reads a `v1` `ConfigMap` functionConfig whose `data` keys map onto a one-route config
/// (route `default`). `metadata.name` is the app name only when `data.app` is missing.
pub fn from_config_map(value: &Value) -> Result<Loaded, Vec<ConfigError>> {
    check_identity(value)?;
    let mut errors = Vec::new();
    let metadata = value.get("metadata");
    let name = metadata.and_then(|m| m.get("name")).and_then(Value::as_str);
    let data = read_data(value.get("data"), &mut errors);
    let given = |key: &str| {
        data.get(key)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
    };

    let mut warnings = Vec::new();
    let app_from_name = given("app").is_none();
    if let (true, Some(name)) = (app_from_name, name) {
        warnings.push(
            ConfigError::new(
                "data.app",
                format!("not set; the app name is metadata.name `{name}`"),
            )
            .with_hint("set `app`, e.g. `app=billing`"),
        );
    }
    let config = translate(metadata, &data);
    match load(&config) {
        Ok(mut loaded) if errors.is_empty() => {
            warnings.extend(
                loaded
                    .warnings
                    .into_iter()
                    .map(|w| relocate(w, app_from_name)),
            );
            loaded.warnings = warnings;
            Ok(loaded)
        }
        Ok(_) => Err(errors),
        Err(found) => {
            errors.extend(found.into_iter().map(|e| relocate(e, app_from_name)));
            sort_by_document(&mut errors, value);
            Err(errors)
        }
    }
}

fn check_identity(value: &Value) -> Result<(), Vec<ConfigError>> {
    let mut errors = Vec::new();
    if value.get("apiVersion").and_then(Value::as_str) != Some("v1") {
        errors.push(ConfigError::new(
            "apiVersion",
            "a ConfigMap functionConfig has `apiVersion: v1`",
        ));
    }
    if value.get("kind").and_then(Value::as_str) != Some("ConfigMap") {
        errors.push(
            ConfigError::new("kind", "expected `ConfigMap`").with_hint(format!(
                "a full config is `apiVersion: {API_VERSION}`, `kind: {KIND}`"
            )),
        );
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn read_data(data: Option<&Value>, errors: &mut Vec<ConfigError>) -> Map<String, Value> {
    let keys = || {
        CONFIG_MAP_KEYS
            .iter()
            .map(|(key, _)| *key)
            .chain([MODE_KEY])
    };
    let mut known = Map::new();
    let entries = match data {
        None | Some(Value::Null) => return known,
        Some(Value::Object(entries)) => entries,
        Some(other) => {
            errors.push(ConfigError::new(
                "data",
                format!("expected a map, got {}", value_kind(other)),
            ));
            return known;
        }
    };
    for (key, value) in entries {
        let path = field("data", key);
        if key == MODE_KEY {
            if value.as_str().and_then(Mode::from_data).is_some() {
                continue;
            }
            errors.push(
                ConfigError::new(path, format!("{} is not a mode", shown(value))).with_hint(
                    "`mode: check` makes the function a validator; leave `mode` out to generate",
                ),
            );
            continue;
        }
        if !keys().any(|k| k == key) {
            let message = match closest(key, keys()) {
                Some(near) => format!("unknown key; did you mean `{near}`?"),
                None => "unknown key".to_owned(),
            };
            errors.push(
                ConfigError::new(path, message)
                    .with_hint(format!("valid keys: {}", backticked(keys()))),
            );
            continue;
        }
        match value {
            Value::String(_) => {
                known.insert(key.clone(), value.clone());
            }
            other => errors.push(
                ConfigError::new(
                    path,
                    format!("expected a string, got {}", value_kind(other)),
                )
                .with_hint("ConfigMap data values are strings; quote the value"),
            ),
        }
    }
    known
}

/// A value as the user wrote it, for a message: a string in backticks, anything else by kind.
fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => format!("`{text}`"),
        other => value_kind(other).to_owned(),
    }
}

fn translate(metadata: Option<&Value>, data: &Map<String, Value>) -> Value {
    let given = |key: &str| {
        data.get(key)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
    };
    // Copied as written, so that a malformed name is reported at `metadata.name`; the
    // ConfigMap's other metadata (labels, orchestrator annotations) is not the config's.
    let source = |key: &str| metadata.and_then(|m| m.get(key)).filter(|v| !v.is_null());
    let mut copied = Map::new();
    for key in ["name", "namespace"] {
        if let Some(value) = source(key) {
            copied.insert(key.into(), value.clone());
        }
    }
    let name = source("name").and_then(Value::as_str);
    let mut spec = Map::new();
    if let Some(app) = given("app").or(name) {
        spec.insert("app".into(), json!(app));
    }
    for key in ["environment", "environmentLabel", "sources", "eventSources"] {
        if let Some(value) = given(key) {
            spec.insert(key.into(), json!(value));
        }
    }
    if let Some(namespace) = given("namespace") {
        spec.insert("placement".into(), json!({"namespace": namespace}));
    }
    let mut route = Map::new();
    route.insert("name".into(), json!(DEFAULT_ROUTE));
    if let Some(provider) = given("providerRef") {
        route.insert("providerRef".into(), json!(provider));
    }
    if let Some(severity) = given("eventSeverity") {
        route.insert("eventSeverity".into(), json!(severity));
    }
    spec.insert("alerts".into(), json!([route]));
    json!({
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": copied,
        "spec": spec,
    })
}

/// Moves a problem found in the translated config to the `data` key it came from.
fn relocate(mut error: ConfigError, app_from_name: bool) -> ConfigError {
    if app_from_name && error.field_path == "spec.app" {
        error.field_path = "metadata.name".into();
        return error;
    }
    for (key, target) in CONFIG_MAP_KEYS {
        let path = &error.field_path;
        let inside = path
            .strip_prefix(target)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']));
        if inside {
            if *key == "providerRef" && error.message == "missing required field" {
                error.message = "missing required key".into();
                error.hint = Some(format!(
                    "the name of the Flux Provider to send to, {EXAMPLE}"
                ));
            }
            error.field_path = format!("data.{key}");
            break;
        }
    }
    error
}
