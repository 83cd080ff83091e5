//! Structural check of a config against the schema generated from the model.
//!
//! serde stops at the first problem; users want all of them. So the value is walked against the
//! JSON Schema that schemars derives from the very types serde reads (one source of truth), and
//! every unknown field, wrong type, bad enum value and missing required field is reported.
//! The walk also returns the value with the broken parts removed, so the semantic rules can
//! still check the rest (see `rules`).

use serde_json::{Map, Value};

use super::error::{field, index, ConfigError};
use super::suggest::{backticked, closest};

/// Walks `value` against `schema` (a draft 2020-12 schema whose `$ref`s point into its
/// `$defs`). Returns the errors and the value without the parts that failed: unknown fields
/// and ill-typed fields are removed, ill-typed list items become `null` (so indices in later
/// messages still match the user's file), and `null` in an optional field counts as absent
/// (YAML's `key:` with nothing after it).
pub(crate) fn check_shape(
    schema: &Value,
    root_def: &str,
    value: &Value,
    path: &str,
) -> (Value, Vec<ConfigError>) {
    let mut walker = Walker {
        root: schema,
        errors: Vec::new(),
    };
    let pruned = walker
        .walk(schema, Some(root_def), value, path)
        .unwrap_or(Value::Null);
    (pruned, walker.errors)
}

struct Walker<'s> {
    root: &'s Value,
    errors: Vec<ConfigError>,
}

impl<'s> Walker<'s> {
    fn walk(
        &mut self,
        schema: &'s Value,
        def: Option<&'s str>,
        value: &Value,
        path: &str,
    ) -> Option<Value> {
        let (schema, def) = self.resolve(schema, def);
        if let Some(allowed) = enum_values(schema) {
            return self.walk_enum(&allowed, value, path);
        }
        if let Some(branches) = alternatives(schema) {
            return self.walk_alternatives(&branches, def, value, path);
        }
        let expected = types(schema);
        if !expected.is_empty() && !expected.iter().any(|t| type_matches(t, value)) {
            self.errors.push(type_error(&expected, value, path));
            return None;
        }
        match value {
            Value::Object(map) => Some(self.walk_object(schema, def, map, path)),
            Value::Array(items) => Some(self.walk_array(schema, def, items, path)),
            Value::String(text) => {
                let max = schema.get("maxLength").and_then(Value::as_u64);
                let len = text.chars().count() as u64;
                if let Some(max) = max.filter(|&max| len > max) {
                    self.errors.push(ConfigError::new(
                        path,
                        format!("is {len} characters long; at most {max} are allowed"),
                    ));
                    return None;
                }
                Some(value.clone())
            }
            _ => Some(value.clone()),
        }
    }

    fn resolve(
        &self,
        mut schema: &'s Value,
        mut def: Option<&'s str>,
    ) -> (&'s Value, Option<&'s str>) {
        // The model has no recursive types; the bound only guards against a malformed schema.
        for _ in 0..16 {
            let Some(target) = schema.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let Some(name) = target.strip_prefix("#/$defs/") else {
                break;
            };
            match self.root.get("$defs").and_then(|defs| defs.get(name)) {
                Some(found) => {
                    schema = found;
                    def = Some(name);
                }
                None => break,
            }
        }
        (schema, def)
    }

    fn walk_enum(&mut self, allowed: &[&str], value: &Value, path: &str) -> Option<Value> {
        let Value::String(text) = value else {
            self.errors
                .push(type_error(&["string"], value, path).with_hint(format!(
                    "valid values: {}",
                    backticked(allowed.iter().copied())
                )));
            return None;
        };
        if allowed.contains(&text.as_str()) {
            return Some(value.clone());
        }
        let message = match closest(text, allowed.iter().copied()) {
            Some(near) => format!("invalid value `{text}`; did you mean `{near}`?"),
            None => format!("invalid value `{text}`"),
        };
        self.errors
            .push(ConfigError::new(path, message).with_hint(format!(
                "valid values: {}",
                backticked(allowed.iter().copied())
            )));
        None
    }

    fn walk_alternatives(
        &mut self,
        branches: &[&'s Value],
        def: Option<&'s str>,
        value: &Value,
        path: &str,
    ) -> Option<Value> {
        let resolved: Vec<(&'s Value, Option<&'s str>)> = branches
            .iter()
            .map(|branch| self.resolve(branch, def))
            .filter(|(branch, _)| types(branch) != ["null"])
            .collect();
        let fitting: Vec<_> = resolved
            .iter()
            .filter(|(branch, _)| {
                let accepted = types(branch);
                accepted.is_empty() || accepted.iter().any(|t| type_matches(t, value))
            })
            .collect();
        match fitting.as_slice() {
            [] => {
                let expected: Vec<&str> = resolved.iter().flat_map(|(b, _)| types(b)).collect();
                self.errors.push(type_error(&expected, value, path));
                None
            }
            [(branch, def)] => self.walk(branch, *def, value, path),
            [(first, first_def), rest @ ..] => {
                for (branch, def) in rest {
                    let mut trial = Walker {
                        root: self.root,
                        errors: Vec::new(),
                    };
                    if let Some(ok) = trial.walk(branch, *def, value, path) {
                        if trial.errors.is_empty() {
                            return Some(ok);
                        }
                    }
                }
                self.walk(first, *first_def, value, path)
            }
        }
    }

    fn walk_object(
        &mut self,
        schema: &'s Value,
        def: Option<&'s str>,
        map: &Map<String, Value>,
        path: &str,
    ) -> Value {
        let properties = schema.get("properties").and_then(Value::as_object);
        let additional = schema.get("additionalProperties");
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut kept = Map::new();
        for (key, item) in map {
            let item_path = field(path, key);
            if let Some(property) = properties.and_then(|p| p.get(key)) {
                if item.is_null() {
                    if required.contains(&key.as_str()) {
                        self.errors.push(missing(def, key, &item_path));
                    }
                    continue;
                }
                if let Some(ok) = self.walk(property, def, item, &item_path) {
                    kept.insert(key.clone(), ok);
                }
            } else if let Some(entry) = additional.filter(|a| a.is_object()) {
                // `dev:` with nothing after it, in a map of objects, is an empty object.
                let empty = Value::Object(Map::new());
                let item = if item.is_null() && types(self.resolve(entry, def).0) == ["object"] {
                    &empty
                } else {
                    item
                };
                if let Some(ok) = self.walk(entry, def, item, &item_path) {
                    kept.insert(key.clone(), ok);
                }
            } else if additional == Some(&Value::Bool(false)) {
                let names: Vec<&str> = properties
                    .map(|p| p.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                self.errors
                    .push(unknown_field(def, key, &names, &item_path));
            } else {
                kept.insert(key.clone(), item.clone());
            }
        }
        for name in required {
            if !map.contains_key(name) {
                self.errors.push(missing(def, name, &field(path, name)));
            }
        }
        Value::Object(kept)
    }

    fn walk_array(
        &mut self,
        schema: &'s Value,
        def: Option<&'s str>,
        items: &[Value],
        path: &str,
    ) -> Value {
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64) {
            if (items.len() as u64) < min {
                self.errors.push(too_few_items(def, path, min));
            }
        }
        let Some(item_schema) = schema.get("items") else {
            return Value::Array(items.to_vec());
        };
        Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    self.walk(item_schema, def, item, &index(path, i))
                        .unwrap_or(Value::Null)
                })
                .collect(),
        )
    }
}

/// The allowed strings when the schema is a string enum, in either shape schemars emits:
/// `enum: [...]`, or `oneOf` of documented `const`s.
fn enum_values(schema: &Value) -> Option<Vec<&str>> {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values.iter().map(Value::as_str).collect();
    }
    let branches = alternatives(schema)?;
    branches
        .iter()
        .map(|branch| branch.get("const").and_then(Value::as_str))
        .collect()
}

fn alternatives(schema: &Value) -> Option<Vec<&Value>> {
    schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Value::as_array)
        .map(|branches| branches.iter().collect())
}

fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn type_matches(expected: &str, value: &Value) -> bool {
    match expected {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "null" => value.is_null(),
        _ => true,
    }
}

fn type_name(expected: &str) -> &'static str {
    match expected {
        "object" => "a map",
        "array" => "a list",
        "string" => "a string",
        "boolean" => "a boolean (true or false)",
        "integer" => "an integer",
        "number" => "a number",
        "null" => "null",
        _ => "a value",
    }
}

fn value_name(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) => format!("number `{n}`"),
        Value::String(s) => format!("string `{s}`"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a map".into(),
    }
}

fn type_error(expected: &[&str], value: &Value, path: &str) -> ConfigError {
    let wanted: Vec<&str> = expected
        .iter()
        .filter(|t| **t != "null")
        .map(|t| type_name(t))
        .collect();
    let wanted = if wanted.is_empty() {
        "a value".to_owned()
    } else {
        wanted.join(" or ")
    };
    let error = ConfigError::new(
        path,
        format!("expected {wanted}, got {}", value_name(value)),
    );
    let wants = |t: &str| expected.contains(&t);
    match value {
        // YAML 1.2 reads unquoted 2024, 1.0 or true as non-strings.
        Value::Number(n) if wants("string") && n.is_f64() => error.with_hint(format!(
            "quote it as written; unquoted, YAML reads it as the number {n}"
        )),
        Value::Number(_) | Value::Bool(_) if wants("string") => {
            error.with_hint(format!("quote it: \"{value}\""))
        }
        Value::String(text) if wants("boolean") => match text.to_ascii_lowercase().as_str() {
            "true" | "false" => error.with_hint(format!("write {text} without quotes")),
            "yes" | "no" | "on" | "off" | "y" | "n" => error.with_hint(format!(
                "YAML 1.2 reads `{text}` as a string; write true or false"
            )),
            _ => error,
        },
        Value::Null if wants("string") => {
            error.with_hint("an empty YAML value is null; write \"\" for an empty string")
        }
        Value::String(_) | Value::Number(_) | Value::Bool(_) if wants("array") => {
            error.with_hint(format!("write a list: [{value}]"))
        }
        _ => error,
    }
}

fn missing(def: Option<&str>, name: &str, path: &str) -> ConfigError {
    let error = ConfigError::new(path, "missing required field");
    let hint = match (def.unwrap_or_default(), name) {
        ("Route", "providerRef") => {
            "the name of the Flux Provider to send to, e.g. `providerRef: slack`"
        }
        ("Provider", "type") => "one of Flux's Provider types, e.g. `type: slack`",
        ("Spec", "alerts") => {
            "list at least one route, e.g. `alerts: [{name: default, providerRef: slack}]`"
        }
        ("ObjectMeta", "name") => "every config needs a name; it is also the default app name",
        ("AppNotifications", "metadata") => {
            "e.g. `metadata: {name: billing}`; the name is also the default app name"
        }
        ("AppNotifications", "spec") => {
            "e.g. `spec: {alerts: [{name: default, providerRef: slack}]}`"
        }
        ("Provider" | "ProviderOverride", "name") => "Providers are referenced and merged by name",
        ("LabelSelectorRequirement", "operator") => {
            "one of `In`, `NotIn`, `Exists`, `DoesNotExist`"
        }
        _ => return error,
    };
    error.with_hint(hint)
}

fn too_few_items(def: Option<&str>, path: &str, min: u64) -> ConfigError {
    match def {
        Some("Spec") if path.ends_with("alerts") => ConfigError::new(path, "must list at least one route")
            .with_hint("one Alert is generated per app instance and route, e.g. `alerts: [{name: default, providerRef: slack}]`"),
        Some("Spec") if path.ends_with("appliers") => ConfigError::new(path, "must list at least one applier kind")
            .with_hint("valid values: `Kustomization`, `HelmRelease`, and the Flux Operator's `FluxInstance`, `ResourceSet`"),
        _ => ConfigError::new(path, format!("must list at least {min} item(s)")),
    }
}

const ROUTE_FIELDS: &[&str] = &[
    "providerRef",
    "eventSeverity",
    "inclusionList",
    "exclusionList",
    "eventMetadata",
    "summary",
    "suspend",
];

const ENVIRONMENT_FIELDS: &str =
    "`alerts`, `providers`, `placement`, `eventMetadata` and `disabled`";

fn unknown_field(def: Option<&str>, key: &str, names: &[&str], path: &str) -> ConfigError {
    let valid = format!("valid fields: {}", backticked(names.iter().copied()));
    let def = def.unwrap_or_default();
    // Fields that are valid one level away get a pointer to where they belong: a suggestion by
    // spelling would point to an unrelated field.
    let placed = match def {
        "Spec" if ROUTE_FIELDS.contains(&key) => Some(format!(
            "unknown field: `{key}` belongs to a route; move it into an entry of `spec.alerts`"
        )),
        "EnvironmentOverride" if SPEC_ONLY_FIELDS.contains(&key) => Some(format!(
            "unknown field: `{key}` cannot be set per environment"
        )),
        _ => None,
    };
    if let Some(message) = placed {
        let hint = if def == "EnvironmentOverride" {
            format!("an environment may set {ENVIRONMENT_FIELDS}")
        } else {
            valid
        };
        return ConfigError::new(path, message).with_hint(hint);
    }
    let deprecated = match (def, key) {
        ("Provider" | "ProviderOverride", "proxy") => Some(
            "Flux deprecated `proxy`, and proxy URLs often carry credentials: put the proxy \
             `address` in a Secret and reference it with `proxySecretRef`",
        ),
        ("Provider" | "ProviderOverride", "interval") => {
            Some("Flux deprecated `interval` and ignores it in v1beta3 Providers; remove it")
        }
        ("Route" | "RouteOverride", "eventSources") => Some(
            "eventSources are computed from the build; choose how with `spec.eventSources` \
             (names, selector or hybrid)",
        ),
        _ => None,
    };
    if let Some(hint) = deprecated {
        return ConfigError::new(path, "unknown field").with_hint(hint);
    }
    let message = match closest(key, names.iter().copied()) {
        Some(near) => format!("unknown field; did you mean `{near}`?"),
        None => "unknown field".to_owned(),
    };
    ConfigError::new(path, message).with_hint(valid)
}

const SPEC_ONLY_FIELDS: &[&str] = &[
    "app",
    "selector",
    "environment",
    "environmentLabel",
    "appliers",
    "sources",
    "eventSources",
    "environments",
    "annotateAppliers",
    "outputPath",
];
