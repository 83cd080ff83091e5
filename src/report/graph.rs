//! Mermaid and Graphviz: one node per object, laid out by their tools.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;

use super::dash;
use crate::audit::Audit;

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

pub(super) fn mermaid(audit: &Audit) -> String {
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

pub(super) fn dot(audit: &Audit) -> String {
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
