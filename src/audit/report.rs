//! `report`: app → environment → Alert → Provider → covered objects, uncovered appliers,
//! overlaps and totals, as a terminal table, JSON, Markdown, Mermaid, DOT or SVG.

mod svg;

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;

use serde_json::{json, Value};

use super::{AlertView, Audit, ObjectId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Markdown,
    Mermaid,
    Dot,
    /// A self-contained picture: columns app → environment → Alert → Provider → objects.
    Svg,
}

impl Format {
    /// Every format with its name, as `--format` and the WASM `report` export spell it.
    pub const NAMES: [(&'static str, Format); 6] = [
        ("table", Format::Table),
        ("json", Format::Json),
        ("markdown", Format::Markdown),
        ("mermaid", Format::Mermaid),
        ("dot", Format::Dot),
        ("svg", Format::Svg),
    ];

    /// The format called `name`.
    pub fn from_name(name: &str) -> Option<Format> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, format)| *format)
    }
}

/// The report in `format`.
pub fn render(audit: &Audit, format: Format) -> String {
    match format {
        Format::Table => table(audit),
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&to_json(audit)).unwrap_or_default();
            text.push('\n');
            text
        }
        Format::Markdown => markdown(audit),
        Format::Mermaid => mermaid(audit),
        Format::Dot => dot(audit),
        Format::Svg => svg::svg(audit),
    }
}

/// "2 Kustomization, 1 HelmRelease": appliers first, then sources, by kind.
fn counts(alert: &AlertView) -> String {
    let mut counts: BTreeMap<(u8, &str), usize> = BTreeMap::new();
    for object in &alert.covers {
        let rank = match object.kind.as_str() {
            "Kustomization" => 0,
            "HelmRelease" => 1,
            _ => 2,
        };
        *counts.entry((rank, &object.kind)).or_default() += 1;
    }
    let mut parts: Vec<String> = counts
        .iter()
        .map(|((_, kind), n)| format!("{n} {kind}"))
        .collect();
    for wildcard in &alert.wildcards {
        parts.push(wildcard.to_string());
    }
    if parts.is_empty() {
        "nothing".into()
    } else {
        parts.join(", ")
    }
}

fn dash(value: Option<&str>) -> &str {
    value.unwrap_or("-")
}

fn totals(audit: &Audit) -> Value {
    let apps: std::collections::BTreeSet<&str> = audit
        .alerts
        .iter()
        .filter_map(|a| a.app.as_deref())
        .collect();
    let covered: std::collections::BTreeSet<&ObjectId> =
        audit.alerts.iter().flat_map(|a| &a.covers).collect();
    json!({
        "apps": apps.len(),
        "alerts": audit.alerts.len(),
        "covered": covered.len(),
        "uncovered": audit.uncovered.len(),
        "overlaps": audit.overlaps.len(),
    })
}

fn totals_line(audit: &Audit) -> String {
    let t = totals(audit);
    let n = |key: &str, one: &str, many: &str| {
        let count = t[key].as_u64().unwrap_or(0);
        format!("{count} {}", if count == 1 { one } else { many })
    };
    format!(
        "{}, {}, {} covered, {} uncovered, {}",
        n("apps", "app", "apps"),
        n("alerts", "Alert", "Alerts"),
        n("covered", "object", "objects"),
        n("uncovered", "applier", "appliers"),
        n("overlaps", "overlap", "overlaps")
    )
}

fn table(audit: &Audit) -> String {
    let mut rows = vec![[
        "APP".to_string(),
        "ENV".into(),
        "ALERT".into(),
        "PROVIDER".into(),
        "COVERS".into(),
    ]];
    for alert in &audit.alerts {
        rows.push([
            dash(alert.app.as_deref()).to_string(),
            dash(alert.environment.as_deref()).to_string(),
            format!(
                "{}{}",
                alert.id(),
                if alert.generated { "" } else { " (user)" }
            ),
            alert.provider.clone(),
            counts(alert),
        ]);
    }
    let widths: Vec<usize> = (0..4)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        for (c, width) in widths.iter().enumerate() {
            let _ = write!(out, "{:<width$}  ", row[c], width = width);
        }
        out.push_str(&row[4]);
        out.push('\n');
    }
    for (object, app) in &audit.uncovered {
        let _ = writeln!(out, "uncovered: {object} (app {})", dash(app.as_deref()));
    }
    for overlap in &audit.overlaps {
        let _ = writeln!(
            out,
            "overlap: {} and {} → Provider {}: {}",
            overlap.alerts.0,
            overlap.alerts.1,
            overlap.provider,
            overlap
                .objects
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let _ = writeln!(out, "total: {}", totals_line(audit));
    out
}

fn object_json(object: &ObjectId) -> Value {
    json!({"kind": object.kind, "namespace": object.namespace, "name": object.name})
}

/// Stable JSON: `apps[].environments[].alerts[]`, `uncovered[]`, `overlaps[]`, `totals`. Keys
/// and ordering are part of the interface (see README "report").
fn to_json(audit: &Audit) -> Value {
    let mut apps: BTreeMap<Option<&str>, BTreeMap<Option<&str>, Vec<Value>>> = BTreeMap::new();
    for alert in &audit.alerts {
        apps.entry(alert.app.as_deref())
            .or_default()
            .entry(alert.environment.as_deref())
            .or_default()
            .push(json!({
                "namespace": alert.namespace,
                "name": alert.name,
                "provider": alert.provider,
                "generated": alert.generated,
                "covers": alert.covers.iter().map(object_json).collect::<Vec<_>>(),
                "wildcards": alert.wildcards.iter().map(|w| json!({
                    "kind": w.kind, "namespace": w.namespace, "matchLabels": w.labels,
                })).collect::<Vec<_>>(),
            }));
    }
    let apps: Vec<Value> = apps
        .into_iter()
        .map(|(app, envs)| {
            json!({
                "app": app,
                "environments": envs.into_iter().map(|(env, alerts)| json!({
                    "environment": env, "alerts": alerts,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "apps": apps,
        "uncovered": audit.uncovered.iter().map(|(o, app)| {
            let mut v = object_json(o);
            v["app"] = json!(app);
            v
        }).collect::<Vec<_>>(),
        "overlaps": audit.overlaps.iter().map(|o| json!({
            "provider": o.provider,
            "namespace": o.namespace,
            "alerts": [o.alerts.0, o.alerts.1],
            "objects": o.objects.iter().map(object_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "totals": totals(audit),
    })
}

fn markdown(audit: &Audit) -> String {
    let mut out = String::from(
        "| App | Environment | Alert | Provider | Covers |\n| --- | --- | --- | --- | --- |\n",
    );
    for alert in &audit.alerts {
        let _ = writeln!(
            out,
            "| {} | {} | `{}`{} | `{}` | {} |",
            dash(alert.app.as_deref()),
            dash(alert.environment.as_deref()),
            alert.id(),
            if alert.generated { "" } else { " (user)" },
            alert.provider,
            counts(alert)
        );
    }
    if !audit.uncovered.is_empty() {
        out.push_str("\n**Uncovered appliers**\n\n");
        for (object, app) in &audit.uncovered {
            let _ = writeln!(out, "- {object} (app {})", dash(app.as_deref()));
        }
    }
    if !audit.overlaps.is_empty() {
        out.push_str("\n**Overlaps** (duplicate notifications)\n\n");
        for o in &audit.overlaps {
            let objects: Vec<String> = o.objects.iter().map(ToString::to_string).collect();
            let _ = writeln!(
                out,
                "- `{}` and `{}` → `{}`: {}",
                o.alerts.0,
                o.alerts.1,
                o.provider,
                objects.join(", ")
            );
        }
    }
    let _ = writeln!(out, "\nTotal: {}.", totals_line(audit));
    out
}

/// A node id made of letters, digits and `_` only (Mermaid and DOT both accept it). Every
/// other byte is written `_xx` (hex) and parts are joined by `__`, which no escape starts
/// with, so distinct objects (`a-b/c` and `a/b-c`) never share a node.
fn node_id(prefix: &str, parts: &[&str]) -> String {
    let mut id = prefix.to_string();
    for part in parts {
        id.push_str("__");
        for byte in part.bytes() {
            if byte.is_ascii_alphanumeric() {
                id.push(char::from(byte));
            } else {
                let _ = write!(id, "_{byte:02x}");
            }
        }
    }
    id
}

/// The graph both pictures draw: (node id, label) pairs and edges, in a stable order.
struct Graph {
    nodes: BTreeMap<String, String>,
    edges: Vec<(String, String)>,
}

fn graph(audit: &Audit) -> Graph {
    let mut nodes = BTreeMap::new();
    let mut edges = Vec::new();
    // Edges keep their first-seen order; the set only answers "seen?" (a fleet has thousands).
    let mut seen = HashSet::new();
    let mut edge = |edges: &mut Vec<(String, String)>, a: &str, b: &str| {
        let e = (a.to_string(), b.to_string());
        if seen.insert(e.clone()) {
            edges.push(e);
        }
    };
    for alert in &audit.alerts {
        let app = dash(alert.app.as_deref());
        let env = dash(alert.environment.as_deref());
        let app_id = node_id("app", &[app]);
        let env_id = node_id("env", &[app, env]);
        let alert_id = node_id("alert", &[dash(alert.namespace.as_deref()), &alert.name]);
        let provider_id = node_id(
            "provider",
            &[dash(alert.namespace.as_deref()), &alert.provider],
        );
        nodes.insert(app_id.clone(), format!("app {app}"));
        nodes.insert(env_id.clone(), format!("env {env}"));
        nodes.insert(alert_id.clone(), format!("Alert {}", alert.id()));
        nodes.insert(provider_id.clone(), format!("Provider {}", alert.provider));
        edge(&mut edges, &app_id, &env_id);
        edge(&mut edges, &env_id, &alert_id);
        edge(&mut edges, &alert_id, &provider_id);
        for object in &alert.covers {
            let id = node_id(
                "obj",
                &[
                    &object.kind,
                    dash(object.namespace.as_deref()),
                    &object.name,
                ],
            );
            nodes.insert(id.clone(), object.to_string());
            edge(&mut edges, &id, &alert_id);
        }
    }
    for (object, _) in &audit.uncovered {
        let id = node_id(
            "obj",
            &[
                &object.kind,
                dash(object.namespace.as_deref()),
                &object.name,
            ],
        );
        nodes.insert(id, format!("{object} (uncovered)"));
    }
    Graph { nodes, edges }
}

fn mermaid(audit: &Audit) -> String {
    let g = graph(audit);
    let mut out = String::from("flowchart LR\n");
    for (id, label) in &g.nodes {
        let _ = writeln!(out, "  {id}[\"{}\"]", label.replace('"', "'"));
    }
    for (a, b) in &g.edges {
        let _ = writeln!(out, "  {a} --> {b}");
    }
    for (object, _) in &audit.uncovered {
        let id = node_id(
            "obj",
            &[
                &object.kind,
                dash(object.namespace.as_deref()),
                &object.name,
            ],
        );
        let _ = writeln!(out, "  style {id} stroke:#c00,stroke-width:2px");
    }
    out
}

fn dot(audit: &Audit) -> String {
    let g = graph(audit);
    let mut out = String::from("digraph coverage {\n  rankdir=LR;\n  node [shape=box];\n");
    for (id, label) in &g.nodes {
        let color = if label.ends_with("(uncovered)") {
            ", color=red"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {id} [label=\"{}\"{color}];",
            label.replace('"', "\\\"")
        );
    }
    for (a, b) in &g.edges {
        let _ = writeln!(out, "  {a} -> {b};");
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::node_id;

    #[test]
    fn node_ids_keep_distinct_objects_apart() {
        let a = node_id("obj", &["Kustomization", "billing-a", "b"]);
        let b = node_id("obj", &["Kustomization", "billing", "a-b"]);
        let c = node_id("obj", &["Kustomization", "billing_a", "b"]);
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, "obj__Kustomization__billing_2da__b");
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    }
}
