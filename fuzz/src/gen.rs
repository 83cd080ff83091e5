//! Structure-aware inputs: configs that follow the published JSON Schema (with the odd wrong
//! type, unknown field or hostile string), and ResourceLists that hold such a config plus
//! items drawn from a pool of Flux objects. Only the fuzz targets use this (it needs
//! `arbitrary`).

use arbitrary::{Result, Unstructured};
use serde_json::{json, Map, Value};

/// Strings that mean something to the config rules or to a YAML reader.
const STRINGS: &[&str] = &[
    "",
    "billing",
    "payments",
    "production",
    "staging",
    "dev",
    "default",
    "oncall",
    "slack",
    "pagerduty",
    "flux-system",
    "billing-ns",
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "env",
    "toolkit.fluxcd.io/tenant",
    "*",
    "info",
    "error",
    "In",
    "NotIn",
    "Exists",
    "names",
    "selector",
    "hybrid",
    "owned",
    "referenced",
    "none",
    "single",
    "perNamespace",
    "Kustomization",
    "HelmRelease",
    "GitRepository",
    "generic",
    "github",
    "msteams",
    "1m",
    "30s",
    "1h30m",
    "https://hooks.slack.com/services/T/B/X",
    "https://user:secret@example.com/hook",
    "http://[::1]:80/",
    ".*no changes.*",
    "(unclosed",
    "a|b",
    "-bad",
    "Upper",
    "a.b",
    "x--y",
    "yes",
    "on",
    "0755",
    "2024-01-01",
    "12:30",
    "~",
    "null",
    "é☕",
    "line\nbreak",
    " lead",
    "apps/billing/notifications.yaml",
    "../escape.yaml",
    "/abs.yaml",
    "{{ .env }}",
    "event.toolkit.fluxcd.io/app",
];

fn pick_str(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0..=15)? {
        0 => String::arbitrary_take(u)?,
        1 => "a".repeat(u.int_in_range(50..=70)?),
        2 => format!("{}-{}", u.choose(STRINGS)?, u.choose(STRINGS)?),
        _ => (*u.choose(STRINGS)?).to_string(),
    })
}

trait TakeRest: Sized {
    fn arbitrary_take(u: &mut Unstructured<'_>) -> Result<Self>;
}

impl TakeRest for String {
    fn arbitrary_take(u: &mut Unstructured<'_>) -> Result<Self> {
        let len = u.int_in_range(0..=12)?;
        let mut s = String::new();
        for _ in 0..len {
            s.push(u.arbitrary::<char>()?);
        }
        Ok(s)
    }
}

/// Any JSON value, small.
fn wild(u: &mut Unstructured<'_>, depth: usize) -> Result<Value> {
    Ok(match u.int_in_range(0..=7)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => json!(u.int_in_range(-3i64..=100)?),
        3 => json!(u
            .arbitrary::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .unwrap_or(1.5)),
        4 if depth < 3 => {
            let n = u.int_in_range(0..=2)?;
            Value::Array((0..n).map(|_| wild(u, depth + 1)).collect::<Result<_>>()?)
        }
        5 if depth < 3 => {
            let mut map = Map::new();
            for _ in 0..u.int_in_range(0..=2)? {
                map.insert(pick_str(u)?, wild(u, depth + 1)?);
            }
            Value::Object(map)
        }
        _ => Value::String(pick_str(u)?),
    })
}

/// Strings that are valid where a field of this name wants one (for sane configs).
fn sane_str(u: &mut Unstructured<'_>, field: &str) -> Result<String> {
    let pool: &[&str] = match field {
        "name" | "app" => &[
            "billing",
            "payments",
            "default",
            "oncall",
            "slack",
            "pagerduty",
        ],
        "providerRef" => &["slack", "pagerduty", "teams"],
        "environment" => &["production", "staging", "dev"],
        "environmentLabel" => &[
            "env",
            "app.kubernetes.io/instance",
            "toolkit.fluxcd.io/tenant",
        ],
        "namespace" => &["billing", "flux-system", "payments"],
        "key" => &["app.kubernetes.io/name", "env", "tier"],
        "channel" | "username" => &["general", "deploys"],
        "address" => &[
            "https://hooks.slack.com/services/T/B/X",
            "https://example.com/hook",
        ],
        "timeout" => &["30s", "1m", "1h30m"],
        "summary" => &["billing in production", "é☕ yes", "0755"],
        "outputPath" => &["notifications.yaml", "billing/alerts.yaml"],
        "inclusionList" | "exclusionList" => &[".*no changes.*", "^Health", "a|b"],
        "serviceAccountName" => &["notifier"],
        "commitStatusExpr" => &["event.metadata.app"],
        _ => &["billing", "production", "x", "yes", "2024-01-01"],
    };
    Ok((*u.choose(pool)?).to_string())
}

/// A value for `schema` (a node of the config's JSON Schema, `$ref`s into `defs`); `field` is
/// the property it is for. A `sane` config keeps to valid strings and types (so generation
/// runs); otherwise any field may get a hostile string, a wrong type or a misspelt sibling.
pub fn from_schema(
    u: &mut Unstructured<'_>,
    schema: &Value,
    defs: &Value,
    depth: usize,
    field: &str,
    sane: bool,
) -> Result<Value> {
    // Now and then, anything at all: the structural check must say what is wrong.
    if depth > 7 || (!sane && u.ratio(1, 24)?) {
        return wild(u, depth);
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or("");
        return from_schema(u, &defs[name], defs, depth, field, sane);
    }
    if let Some(c) = schema.get("const") {
        return Ok(c.clone());
    }
    if let Some(Value::Array(values)) = schema.get("enum") {
        if !values.is_empty() && (sane || !u.ratio(1, 12)?) {
            return Ok(u.choose(values)?.clone());
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(options)) = schema.get(key) {
            if !options.is_empty() {
                let option = u.choose(options)?;
                return from_schema(u, option, defs, depth + 1, field, sane);
            }
        }
    }
    let ty = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(types)) if !types.is_empty() => {
            u.choose(types)?.as_str().unwrap_or("string").to_string()
        }
        _ if schema.get("properties").is_some() => "object".into(),
        _ => "string".into(),
    };
    Ok(match ty.as_str() {
        "object" => {
            let mut map = Map::new();
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(Value::Object(props)) = schema.get("properties") {
                for (name, sub) in props {
                    let wanted = if required.contains(&name.as_str()) {
                        !u.ratio(1, 20)?
                    } else {
                        u.ratio(1, 3)?
                    };
                    let wanted = wanted || (sane && name == "alerts");
                    if wanted {
                        map.insert(
                            name.clone(),
                            from_schema(u, sub, defs, depth + 1, name, sane)?,
                        );
                    }
                }
                if !sane && u.ratio(1, 30)? && !props.is_empty() {
                    // A near-miss field name: must be an error naming the closest field.
                    let keys: Vec<&String> = props.keys().collect();
                    let mut key = (*u.choose(&keys)?).clone();
                    key.push('s');
                    map.insert(key, wild(u, depth + 1)?);
                }
            }
            if let Some(extra) = schema.get("additionalProperties").filter(|v| v.is_object()) {
                for _ in 0..u.int_in_range(0..=3)? {
                    let key = if sane {
                        sane_str(
                            u,
                            if field == "environments" {
                                "environment"
                            } else {
                                "key"
                            },
                        )?
                    } else {
                        pick_str(u)?
                    };
                    map.insert(key, from_schema(u, extra, defs, depth + 1, field, sane)?);
                }
            }
            Value::Object(map)
        }
        "array" => {
            let min = usize::from(sane && field == "alerts");
            let n = u.int_in_range(min..=3)?;
            let items = schema.get("items").cloned().unwrap_or(json!({}));
            Value::Array(
                (0..n)
                    .map(|_| from_schema(u, &items, defs, depth + 1, field, sane))
                    .collect::<Result<_>>()?,
            )
        }
        "boolean" => Value::Bool(u.arbitrary()?),
        "integer" | "number" => json!(u.int_in_range(-1i64..=5)?),
        "null" => Value::Null,
        _ if sane => Value::String(sane_str(u, field)?),
        _ => Value::String(pick_str(u)?),
    })
}

/// A config generated from the crate's own published schema.
pub fn config(u: &mut Unstructured<'_>) -> Result<Value> {
    let schema = app_notifications::config::json_schema();
    let defs = schema.get("$defs").cloned().unwrap_or(Value::Null);
    let sane = u.ratio(2, 3)?;
    from_schema(u, &schema, &defs, 0, "", sane)
}

/// A ConfigMap functionConfig (the `kpt fn eval -- key=value` form).
fn config_map(u: &mut Unstructured<'_>) -> Result<Value> {
    let mut data = Map::new();
    for (key, _) in app_notifications::config::CONFIG_MAP_KEYS {
        if u.ratio(1, 2)? {
            data.insert((*key).to_string(), Value::String(pick_str(u)?));
        }
    }
    if u.ratio(1, 10)? {
        data.insert(pick_str(u)?, Value::String(pick_str(u)?));
    }
    Ok(
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": pick_str(u)?}, "data": data}),
    )
}

fn labels(u: &mut Unstructured<'_>) -> Result<Value> {
    let mut map = Map::new();
    if !u.ratio(1, 5)? {
        map.insert(
            "app.kubernetes.io/name".into(),
            json!(u.choose(&["billing", "payments", "", "billing "])?),
        );
    }
    if u.ratio(1, 2)? {
        map.insert(
            "env".into(),
            json!(u.choose(&["production", "staging", "dev", "Prod!", ""])?),
        );
    }
    if u.ratio(1, 8)? {
        map.insert(pick_str(u)?, Value::String(pick_str(u)?));
    }
    Ok(Value::Object(map))
}

fn namespace(u: &mut Unstructured<'_>) -> Result<Option<&'static str>> {
    Ok(*u.choose(&[
        Some("billing"),
        Some("billing"),
        Some("payments"),
        Some("flux-system"),
        None,
    ])?)
}

fn meta(u: &mut Unstructured<'_>, name: String, annotations: Value) -> Result<Value> {
    let mut m = Map::new();
    m.insert("name".into(), json!(name));
    if let Some(ns) = namespace(u)? {
        m.insert("namespace".into(), json!(ns));
    }
    m.insert("labels".into(), labels(u)?);
    if annotations.as_object().is_some_and(|a| !a.is_empty()) {
        m.insert("annotations".into(), annotations);
    }
    Ok(Value::Object(m))
}

fn path_annotations(u: &mut Unstructured<'_>) -> Result<Value> {
    if u.ratio(1, 2)? {
        return Ok(json!({}));
    }
    let path = *u.choose(&[
        "apps/billing/api.yaml",
        "apps/billing/notifications.yaml",
        "billing.notifications.yaml",
    ])?;
    let index = u.int_in_range(0..=3)?.to_string();
    Ok(json!({
        "config.kubernetes.io/index": index,
        "config.kubernetes.io/path": path,
        "internal.config.kubernetes.io/index": index,
        "internal.config.kubernetes.io/path": path,
    }))
}

/// One item from a pool of the objects the function cares about.
fn item(u: &mut Unstructured<'_>, n: usize) -> Result<Value> {
    let name = format!(
        "{}-{n}",
        u.choose(&["billing", "api", "worker", "payments"])?
    );
    let source = json!({"kind": u.choose(&["GitRepository", "OCIRepository", "HelmRepository", "Bucket"])?,
                        "name": u.choose(&["flux-system", "charts", "billing"])?});
    Ok(match u.int_in_range(0..=9)? {
        0..=2 => json!({
            "apiVersion": u.choose(&["kustomize.toolkit.fluxcd.io/v1", "kustomize.toolkit.fluxcd.io/v1beta2", "kustomize.config.k8s.io/v1beta1"])?,
            "kind": "Kustomization",
            "metadata": ({ let a = path_annotations(u)?; meta(u, name, a)? }),
            "spec": {"interval": "10m", "path": "./apps", "prune": true, "sourceRef": source},
        }),
        3..=4 => json!({
            "apiVersion": u.choose(&["helm.toolkit.fluxcd.io/v2", "helm.toolkit.fluxcd.io/v2beta1"])?,
            "kind": "HelmRelease",
            "metadata": ({ let a = path_annotations(u)?; meta(u, name, a)? }),
            "spec": if u.arbitrary()? {
                json!({"chartRef": {"kind": "OCIRepository", "name": "billing-chart"}})
            } else {
                json!({"chart": {"spec": {"chart": "billing", "sourceRef": source}}})
            },
        }),
        5 => json!({
            "apiVersion": "source.toolkit.fluxcd.io/v1",
            "kind": u.choose(&["GitRepository", "OCIRepository", "HelmRepository"])?,
            "metadata": ({ let n = (*u.choose(&["flux-system", "charts", "billing-chart"])?).to_string(); meta(u, n, json!({}))? }),
            "spec": {"interval": "1m", "url": "https://example.com/repo"},
        }),
        6 => json!({
            "apiVersion": "notification.toolkit.fluxcd.io/v1beta3",
            "kind": "Provider",
            "metadata": ({ let n = (*u.choose(&["slack", "pagerduty"])?).to_string(); meta(u, n, json!({}))? }),
            "spec": {"type": "slack", "channel": "general"},
        }),
        7 => {
            // An object an earlier run generated (maybe for a config that no longer exists).
            let mut annotations = path_annotations(u)?;
            annotations.as_object_mut().expect("object").insert(
                "app-notifications.dev/generated-by".into(),
                json!(u.choose(&["billing/billing", "billing", "gone/old"])?),
            );
            json!({
                "apiVersion": "notification.toolkit.fluxcd.io/v1beta3",
                "kind": u.choose(&["Alert", "Provider"])?,
                "metadata": ({ let n = (*u.choose(&["billing-production", "billing-staging", "slack"])?).to_string(); meta(u, n, annotations)? }),
                "spec": {"providerRef": {"name": "slack"}, "eventSources": [{"kind": "Kustomization", "name": "*"}]},
            })
        }
        8 => {
            let mut c = config(u)?;
            if let Some(m) = c.get_mut("metadata").and_then(Value::as_object_mut) {
                m.insert(
                    "annotations".into(),
                    json!({"config.kubernetes.io/local-config": "true"}),
                );
            }
            c
        }
        _ => {
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(u, name, json!({}))?, "data": {"k": "v"}})
        }
    })
}

/// A ResourceList value: items from the pool and, mostly, a generated functionConfig.
pub fn resource_list(u: &mut Unstructured<'_>) -> Result<Value> {
    let mut items = Vec::new();
    for n in 0..u.int_in_range(0..=8)? {
        items.push(item(u, n)?);
    }
    let mut list = Map::new();
    list.insert("apiVersion".into(), json!("config.kubernetes.io/v1"));
    list.insert("kind".into(), json!("ResourceList"));
    list.insert("items".into(), Value::Array(items));
    match u.int_in_range(0..=5)? {
        0 => {}
        1 => {
            list.insert("functionConfig".into(), config_map(u)?);
        }
        _ => {
            list.insert("functionConfig".into(), config(u)?);
        }
    }
    Ok(Value::Object(list))
}
