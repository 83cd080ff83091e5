//! The fields the function reads from every item, taken from the captured node with aliases
//! and merge keys resolved. A field with the wrong shape is recorded as a problem of that item
//! (reported as a result), never a reason to stop reading.
//!
//! Strings borrow from the input wherever the parser could: a 12,000-item list then costs a
//! few small vectors per item, not a copy of its metadata.

use std::borrow::Cow;
use std::rc::Rc;

use super::reader::ReferenceField;
use crate::yaml::tree::{ExpansionBudget, Node, TreeError};

/// A reference to another object, as Flux writes it (`{kind, name, namespace?, apiVersion?}`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub api_version: Option<String>,
}

/// `<namespace>/<name>`, or `<name>` for an object without a namespace.
pub fn qualified(namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(ns) => format!("{ns}/{name}"),
        None => name.to_string(),
    }
}

/// A reference an item holds (one of the reader's [`ReferenceField`]s) and the field it came
/// from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// [`ReferenceField::field`], e.g. `spec.sourceRef`.
    pub field: &'static str,
    pub target: ObjectRef,
}

/// A field of an item that has the wrong shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field_path: String,
    pub message: String,
}

/// Label or annotation pairs in the order written (objects have few; a scan beats a map).
pub type Pairs<'a> = Vec<(Cow<'a, str>, Cow<'a, str>)>;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemFields<'a> {
    pub api_version: Cow<'a, str>,
    pub kind: Cow<'a, str>,
    pub name: Cow<'a, str>,
    pub namespace: Option<Cow<'a, str>>,
    pub labels: Pairs<'a>,
    pub annotations: Pairs<'a>,
    pub references: Vec<Reference>,
    pub problems: Vec<FieldProblem>,
}

fn lookup<'s>(pairs: &'s Pairs<'_>, key: &str) -> Option<&'s str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_ref())
}

/// Metadata read straight off the parser's events (the reader's fast path).
#[derive(Debug, Default)]
pub struct Metadata<'a> {
    pub name: Option<Cow<'a, str>>,
    pub namespace: Option<Cow<'a, str>>,
    pub labels: Pairs<'a>,
    pub annotations: Pairs<'a>,
    pub problems: Vec<FieldProblem>,
}

/// Fields the reader took straight off the events; the node then holds only spec.
#[derive(Debug, Default)]
pub struct FastFields<'a> {
    pub api_version: Option<Cow<'a, str>>,
    pub kind: Option<Cow<'a, str>>,
    pub metadata: Metadata<'a>,
}

impl<'a> ItemFields<'a> {
    /// Reads the fields from an item's captured node, or from the node plus the fields the
    /// reader took off the events.
    pub(super) fn read(
        node: &Node<'a>,
        fast: Option<FastFields<'a>>,
        alias_budget: usize,
        references: &[ReferenceField],
    ) -> Self {
        let mut reader = FieldReader {
            fields: ItemFields::default(),
            budget: ExpansionBudget::new(alias_budget),
        };
        reader.read(node, fast, references);
        reader.fields
    }

    /// The group part of apiVersion (`""` for the core group).
    pub fn group(&self) -> &str {
        self.api_version
            .rsplit_once('/')
            .map_or("", |(group, _)| group)
    }

    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    pub fn label(&self, key: &str) -> Option<&str> {
        lookup(&self.labels, key)
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        lookup(&self.annotations, key)
    }
}

struct FieldReader<'a> {
    fields: ItemFields<'a>,
    budget: ExpansionBudget,
}

impl<'a> FieldReader<'a> {
    fn read(
        &mut self,
        node: &Node<'a>,
        fast: Option<FastFields<'a>>,
        references: &[ReferenceField],
    ) {
        let (api_version, kind, metadata) = match fast {
            Some(f) => (f.api_version, f.kind, Some(f.metadata)),
            None => (None, None, None),
        };
        self.fields.api_version = api_version
            .or_else(|| self.string(node, &["apiVersion"], ""))
            .unwrap_or_default();
        self.fields.kind = kind
            .or_else(|| self.string(node, &["kind"], ""))
            .unwrap_or_default();
        if let Some(meta) = metadata {
            self.fields.name = meta.name.unwrap_or_default();
            self.fields.namespace = meta.namespace;
            self.fields.labels = meta.labels;
            self.fields.annotations = meta.annotations;
            self.fields.problems = meta.problems;
        } else {
            self.fields.name = self
                .string(node, &["metadata", "name"], "")
                .unwrap_or_default();
            self.fields.namespace = self
                .string(node, &["metadata", "namespace"], "")
                .filter(|ns| !ns.is_empty());
            self.fields.labels = self.string_map(node, &["metadata", "labels"]);
            self.fields.annotations = self.string_map(node, &["metadata", "annotations"]);
        }
        for &ReferenceField { field, path } in references {
            if let Some(target) = self.object_ref(node, field, path) {
                self.fields.references.push(Reference { field, target });
            }
        }
    }

    /// The node at `path`; a lookup that runs out of alias budget is a problem of the field.
    fn at<'n>(
        &mut self,
        node: &'n Node<'a>,
        path: &[&str],
        prefix: &str,
    ) -> Option<&'n Rc<Node<'a>>> {
        match node.at(path, &mut self.budget) {
            Ok(found) => found,
            Err(err) => {
                self.problem(format!("{prefix}{}", path.join(".")), tree_message(&err));
                None
            }
        }
    }

    fn problem(&mut self, field_path: String, message: impl Into<String>) {
        self.fields.problems.push(FieldProblem {
            field_path,
            message: message.into(),
        });
    }

    /// A string field at `path` (shown as `prefix` + path in messages); `null` and absent are
    /// `None`. Kubernetes reads `name: 42` as the string it was written as, so any scalar's
    /// text is taken as it is.
    fn string(&mut self, node: &Node<'a>, path: &[&str], prefix: &str) -> Option<Cow<'a, str>> {
        let value = self.at(node, path, prefix)?;
        match &**value {
            Node::Scalar(s) if s.plain && !s.tagged_str && is_null(&s.text) => None,
            Node::Scalar(s) => Some(s.text.clone()),
            _ => {
                self.problem(format!("{prefix}{}", path.join(".")), "expected a string");
                None
            }
        }
    }

    fn string_map(&mut self, node: &Node<'a>, path: &[&str]) -> Pairs<'a> {
        let Some(value) = self.at(node, path, "") else {
            return Vec::new();
        };
        let field = path.join(".");
        pairs_of(value, field, &mut self.budget, &mut self.fields.problems)
    }

    fn object_ref(&mut self, node: &Node<'a>, field: &str, path: &[&str]) -> Option<ObjectRef> {
        let value = self.at(node, path, "")?;
        let Node::Map(_) = &**value else {
            self.problem(
                field.to_string(),
                "expected a mapping {kind, name, namespace}",
            );
            return None;
        };
        let prefix = format!("{field}.");
        let text = |r: &mut Self, key: &str| r.string(value, &[key], &prefix).map(Cow::into_owned);
        let kind = text(self, "kind");
        let name = text(self, "name");
        let namespace = text(self, "namespace").filter(|ns| !ns.is_empty());
        let api_version = text(self, "apiVersion");
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

/// A map of strings (labels, annotations) from a node, with merge keys applied.
fn pairs_of<'a>(
    value: &Node<'a>,
    field: String,
    budget: &mut ExpansionBudget,
    problems: &mut Vec<FieldProblem>,
) -> Pairs<'a> {
    let mut out = Vec::new();
    match value {
        Node::Map(_) => {}
        Node::Scalar(s) if s.plain && is_null(&s.text) => return out,
        _ => {
            problems.push(FieldProblem {
                field_path: field,
                message: "expected a mapping of strings".into(),
            });
            return out;
        }
    }
    let entries = match value.entries(budget) {
        Ok(entries) => entries,
        Err(err) => {
            problems.push(FieldProblem {
                field_path: field,
                message: tree_message(&err),
            });
            return out;
        }
    };
    let mut wrong = Vec::new();
    for (key, v) in entries {
        match &**v {
            Node::Scalar(s) if s.plain && is_null(&s.text) => {
                out.push((key.text.clone(), Cow::Borrowed("")))
            }
            Node::Scalar(s) => out.push((key.text.clone(), s.text.clone())),
            _ => wrong.push(format!("{field}.{}", key.text)),
        }
    }
    for path in wrong {
        problems.push(FieldProblem {
            field_path: path,
            message: "expected a string value".into(),
        });
    }
    out
}

/// [`pairs_of`] with a fresh alias budget, for the reader's fallback path.
pub fn string_pairs<'a>(
    value: &Node<'a>,
    field: &str,
    alias_budget: usize,
    problems: &mut Vec<FieldProblem>,
) -> Pairs<'a> {
    pairs_of(
        value,
        field.to_string(),
        &mut ExpansionBudget::new(alias_budget),
        problems,
    )
}

pub fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn tree_message(err: &TreeError) -> String {
    err.to_string()
}
