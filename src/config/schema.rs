//! The config's published schemas: JSON Schema (draft 2020-12) for editors and validators, and
//! an OpenAPI v3 structural schema for CRDs and kpt function config validation. Both come from
//! the model's types and doc comments, as does the structural check in `load`.

use std::sync::OnceLock;

use serde_json::{json, Map, Value};

use super::model::AppNotifications;

/// The JSON Schema (draft 2020-12) of an `AppNotifications` config.
pub fn json_schema() -> Value {
    draft().clone()
}

/// The schema as an OpenAPI v3 structural schema, usable as a CRD's `openAPIV3Schema`:
/// definitions inlined (no `$ref`), no `$schema`, `nullable` instead of `null` types, enums
/// instead of `const`s, no `additionalProperties: false` (Kubernetes prunes unknown fields
/// instead), `providerRef`'s two forms as `x-kubernetes-preserve-unknown-fields`, and
/// `metadata` left to the API server.
pub fn openapi_v3() -> Value {
    let draft = draft();
    let empty = Map::new();
    let defs = draft
        .get("$defs")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut root = structural(draft, defs, 0);
    if let Some(properties) = root.get_mut("properties").and_then(Value::as_object_mut) {
        if properties.contains_key("metadata") {
            properties.insert("metadata".into(), json!({"type": "object"}));
        }
    }
    root
}

/// The draft 2020-12 schema, generated once per process.
pub(crate) fn draft() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| schemars::schema_for!(AppNotifications).to_value())
}

// Bounds inlining in case a recursive type ever enters the model.
const MAX_DEPTH: usize = 32;

fn structural(node: &Value, defs: &Map<String, Value>, depth: usize) -> Value {
    let Value::Object(map) = node else {
        return node.clone();
    };
    if depth > MAX_DEPTH {
        return json!({"x-kubernetes-preserve-unknown-fields": true});
    }
    let mut out = Map::new();
    if let Some(target) = map
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
        .and_then(|name| defs.get(name))
    {
        if let Value::Object(inlined) = structural(target, defs, depth + 1) {
            out = inlined;
        }
    }
    for (key, value) in map {
        match key.as_str() {
            "$ref" | "$schema" | "$defs" | "$id" | "uniqueItems" => {}
            "type" => set_type(&mut out, value),
            "const" => {
                out.insert("enum".into(), json!([value]));
            }
            "examples" => {
                if let Some(first) = value.as_array().and_then(|e| e.first()) {
                    out.insert("example".into(), first.clone());
                }
            }
            "additionalProperties" if value == &Value::Bool(false) => {}
            "properties" => {
                let properties = value
                    .as_object()
                    .map(|p| {
                        p.iter()
                            .map(|(name, schema)| {
                                (name.clone(), structural(schema, defs, depth + 1))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Object(properties));
            }
            "items" | "additionalProperties" => {
                out.insert(key.clone(), structural(value, defs, depth + 1));
            }
            "anyOf" | "oneOf" => {
                let branches: Vec<Value> = value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|b| structural(b, defs, depth + 1))
                    .collect();
                merge_alternatives(&mut out, branches);
            }
            // A field's own description and default win over its type's.
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(out)
}

fn set_type(out: &mut Map<String, Value>, value: &Value) {
    let mut names: Vec<&str> = match value {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if names.contains(&"null") {
        out.insert("nullable".into(), Value::Bool(true));
        names.retain(|t| *t != "null");
    }
    match names.as_slice() {
        [one] => {
            out.insert("type".into(), json!(one));
        }
        [] => {}
        _ => {
            out.insert(
                "x-kubernetes-preserve-unknown-fields".into(),
                Value::Bool(true),
            );
        }
    }
}

/// Structural schemas allow no type-carrying alternatives, so alternatives collapse: `null`
/// branches become `nullable`, a single remaining branch is merged in, string enums are
/// united, and anything else (`providerRef`) accepts any value.
fn merge_alternatives(out: &mut Map<String, Value>, branches: Vec<Value>) {
    let is_null =
        |b: &Value| b.get("nullable") == Some(&Value::Bool(true)) && b.get("type").is_none();
    let (nulls, rest): (Vec<Value>, Vec<Value>) = branches.into_iter().partition(is_null);
    if !nulls.is_empty() {
        out.insert("nullable".into(), Value::Bool(true));
    }
    match rest.as_slice() {
        [] => {}
        [only] => {
            if let Value::Object(fields) = only {
                for (key, value) in fields {
                    out.entry(key.clone()).or_insert_with(|| value.clone());
                }
            }
        }
        _ if rest.iter().all(|b| b.get("enum").is_some()) => {
            let values: Vec<Value> = rest
                .iter()
                .filter_map(|b| b.get("enum").and_then(Value::as_array))
                .flatten()
                .cloned()
                .collect();
            out.insert("type".into(), json!("string"));
            out.insert("enum".into(), Value::Array(values));
        }
        _ => {
            out.insert(
                "x-kubernetes-preserve-unknown-fields".into(),
                Value::Bool(true),
            );
        }
    }
}
