//! Reading an `AppNotifications` config from an already parsed value: identity check,
//! structural check against the schema, semantic rules, then serde into the model.

use serde_json::Value;

use super::error::{sort_by_document, ConfigError, Loaded, Report};
use super::model::AppNotifications;
use super::suggest::closest;
use super::{rules, schema, structure, API_VERSION, KIND};

/// Reads an `AppNotifications` config. All problems are reported at once; warnings come with
/// the config.
pub fn load(value: &Value) -> Result<Loaded, Vec<ConfigError>> {
    check_identity(value)?;
    let mut report = Report::default();
    let (pruned, errors) = structure::check_shape(schema::draft(), "AppNotifications", value, "");
    report.errors.extend(errors);
    rules::check_rules(value, &pruned, &mut report);
    sort_by_document(&mut report.errors, value);
    sort_by_document(&mut report.warnings, value);
    if !report.errors.is_empty() {
        return Err(report.errors);
    }
    let config = deserialize(&pruned)?;
    Ok(Loaded {
        config: normalize(config),
        warnings: report.warnings,
    })
}

/// Reads a functionConfig: an `AppNotifications`, or a `v1` `ConfigMap` (see
/// [`super::from_config_map`]).
pub fn load_function_config(value: &Value) -> Result<Loaded, Vec<ConfigError>> {
    match value.get("kind").and_then(Value::as_str) {
        Some("ConfigMap") => super::from_config_map(value),
        _ => load(value),
    }
}

/// Another kind or version is not this config at all: checking its fields would only bury
/// the one message that matters.
fn check_identity(value: &Value) -> Result<(), Vec<ConfigError>> {
    if !value.is_object() {
        return Err(vec![ConfigError::new(
            "",
            "expected a map (a Kubernetes object with apiVersion, kind, metadata and spec)",
        )]);
    }
    let mut errors = Vec::new();
    match value.get("apiVersion") {
        Some(Value::String(version)) if version == API_VERSION => {}
        Some(Value::String(version)) => {
            let message = if version.starts_with("app-notifications.dev/") {
                format!("unsupported version `{version}`; this release reads `{API_VERSION}`")
            } else {
                format!("expected `{API_VERSION}`, got `{version}`")
            };
            errors.push(ConfigError::new("apiVersion", message));
        }
        Some(other) => errors.push(ConfigError::new(
            "apiVersion",
            format!("expected the string `{API_VERSION}`, got {other}"),
        )),
        None => errors.push(
            ConfigError::new("apiVersion", "missing required field")
                .with_hint(format!("`apiVersion: {API_VERSION}`")),
        ),
    }
    match value.get("kind") {
        Some(Value::String(kind)) if kind == KIND => {}
        Some(Value::String(kind)) => {
            let error = ConfigError::new("kind", format!("expected `{KIND}`, got `{kind}`"));
            errors.push(match closest(kind, [KIND]) {
                Some(near) => error.with_hint(format!("did you mean `{near}`?")),
                None => error,
            });
        }
        Some(other) => errors.push(ConfigError::new(
            "kind",
            format!("expected the string `{KIND}`, got {other}"),
        )),
        None => errors.push(
            ConfigError::new("kind", "missing required field").with_hint(format!("`kind: {KIND}`")),
        ),
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The structural check and the rules accept exactly what serde accepts, so this fails only if
/// they drift apart; it still reports a located error rather than panicking.
fn deserialize(value: &Value) -> Result<AppNotifications, Vec<ConfigError>> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let path = if path == "." { String::new() } else { path };
        vec![ConfigError::new(path, error.inner().to_string())]
    })
}

/// `""` means "not set" in optional strings (the documented defaults write
/// `environmentLabel: ""`).
fn normalize(mut config: AppNotifications) -> AppNotifications {
    fn clear(field: &mut Option<String>) {
        if field.as_deref() == Some("") {
            *field = None;
        }
    }
    clear(&mut config.metadata.namespace);
    let spec = &mut config.spec;
    clear(&mut spec.app);
    clear(&mut spec.environment);
    clear(&mut spec.environment_label);
    clear(&mut spec.output_path);
    clear(&mut spec.placement.namespace);
    for route in &mut spec.alerts {
        clear(&mut route.summary);
    }
    for provider in &mut spec.providers {
        for field in [
            &mut provider.channel,
            &mut provider.username,
            &mut provider.address,
            &mut provider.service_account_name,
            &mut provider.timeout,
            &mut provider.commit_status_expr,
        ] {
            clear(field);
        }
    }
    config
}
