//! The fields the function reads from every item, taken from the captured node with aliases
//! and merge keys resolved. A field with the wrong shape is recorded as a problem of that item
//! (reported as a result), never a reason to stop reading.

use std::collections::BTreeMap;

use crate::yaml::tree::{ExpansionBudget, Node};

/// A reference to another object, as Flux writes it (`{kind, name, namespace?, apiVersion?}`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub api_version: Option<String>,
}

/// A source reference of an applier and the field it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRef {
    /// `spec.sourceRef`, `spec.chart.spec.sourceRef` or `spec.chartRef`.
    pub field: &'static str,
    pub target: ObjectRef,
}

/// A field of an item that has the wrong shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field_path: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemFields {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub source_refs: Vec<SourceRef>,
    pub problems: Vec<FieldProblem>,
}

const SOURCE_REF_FIELDS: [(&str, &[&str]); 3] = [
    ("spec.sourceRef", &["spec", "sourceRef"]),
    (
        "spec.chart.spec.sourceRef",
        &["spec", "chart", "spec", "sourceRef"],
    ),
    ("spec.chartRef", &["spec", "chartRef"]),
];

impl ItemFields {
    /// Reads the fields from an item's captured node.
    pub fn from_node(node: &Node, alias_budget: usize) -> ItemFields {
        let mut reader = FieldReader {
            fields: ItemFields::default(),
            budget: ExpansionBudget::new(alias_budget),
        };
        reader.read(node);
        reader.fields
    }

    /// The group part of apiVersion (`""` for the core group).
    pub fn group(&self) -> &str {
        self.api_version
            .rsplit_once('/')
            .map_or("", |(group, _)| group)
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.get(key).map(String::as_str)
    }
}

struct FieldReader {
    fields: ItemFields,
    budget: ExpansionBudget,
}

impl FieldReader {
    fn read(&mut self, node: &Node) {
        self.fields.api_version = self.string(node, &["apiVersion"]).unwrap_or_default();
        self.fields.kind = self.string(node, &["kind"]).unwrap_or_default();
        self.fields.name = self.string(node, &["metadata", "name"]).unwrap_or_default();
        self.fields.namespace = self
            .string(node, &["metadata", "namespace"])
            .filter(|ns| !ns.is_empty());
        self.fields.labels = self.string_map(node, &["metadata", "labels"]);
        self.fields.annotations = self.string_map(node, &["metadata", "annotations"]);
        for (field, path) in SOURCE_REF_FIELDS {
            if let Some(target) = self.object_ref(node, field, path) {
                self.fields.source_refs.push(SourceRef { field, target });
            }
        }
    }

    fn problem(&mut self, field_path: String, message: impl Into<String>) {
        self.fields.problems.push(FieldProblem {
            field_path,
            message: message.into(),
        });
    }

    /// A string field; `null` counts as absent. Other shapes are a problem.
    fn string(&mut self, node: &Node, path: &[&str]) -> Option<String> {
        let value = node.at(path)?;
        match value.to_json(&mut self.budget) {
            Ok(serde_json::Value::Null) => None,
            Ok(serde_json::Value::String(s)) => Some(s),
            // Go reads `name: 42` as a string after a round trip through the API server's
            // YAML, so numbers and booleans keep their source text.
            Ok(serde_json::Value::Number(_) | serde_json::Value::Bool(_)) => {
                value.scalar_text().map(str::to_string)
            }
            Ok(_) => {
                self.problem(path.join("."), "expected a string");
                None
            }
            Err(err) => {
                self.problem(path.join("."), err.to_string());
                None
            }
        }
    }

    fn string_map(&mut self, node: &Node, path: &[&str]) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let Some(value) = node.at(path) else {
            return out;
        };
        match value.to_json(&mut self.budget) {
            Ok(serde_json::Value::Object(map)) => {
                for (key, v) in map {
                    match v {
                        serde_json::Value::String(s) => {
                            out.insert(key, s);
                        }
                        serde_json::Value::Null => {
                            out.insert(key, String::new());
                        }
                        serde_json::Value::Number(n) => {
                            out.insert(key, n.to_string());
                        }
                        serde_json::Value::Bool(b) => {
                            out.insert(key, b.to_string());
                        }
                        _ => self.problem(
                            format!("{}.{key}", path.join(".")),
                            "expected a string value",
                        ),
                    }
                }
            }
            Ok(serde_json::Value::Null) => {}
            Ok(_) => self.problem(path.join("."), "expected a mapping of strings"),
            Err(err) => self.problem(path.join("."), err.to_string()),
        }
        out
    }

    fn object_ref(&mut self, node: &Node, field: &str, path: &[&str]) -> Option<ObjectRef> {
        let value = node.at(path)?;
        let Node::Map(_) = &**value else {
            self.problem(
                field.to_string(),
                "expected a mapping {kind, name, namespace}",
            );
            return None;
        };
        let kind = self.string(value, &["kind"]);
        let name = self.string(value, &["name"]);
        let namespace = self
            .string(value, &["namespace"])
            .filter(|ns| !ns.is_empty());
        let api_version = self.string(value, &["apiVersion"]);
        match (kind, name) {
            (Some(kind), Some(name)) => Some(ObjectRef {
                kind,
                name,
                namespace,
                api_version,
            }),
            _ => {
                self.problem(field.to_string(), "needs both kind and name");
                None
            }
        }
    }
}
