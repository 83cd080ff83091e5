//! A small YAML node tree for the parts of the input the function reads.
//!
//! Aliases share their anchor's node through `Rc`, so capturing never expands anything: an
//! alias bomb costs one pointer per alias. Expansion happens only when a read field is turned
//! into a value ([`Node::to_json`]), and is bounded by an [`ExpansionBudget`].

use std::borrow::Cow;
use std::fmt;
use std::rc::Rc;

use serde_json::{Map, Value};

use super::scalar::resolve_plain;

/// One YAML node as written, with aliases already pointing at their anchor's node.
#[derive(Debug, Clone, PartialEq)]
pub enum Node<'a> {
    Scalar(Scalar<'a>),
    Seq(Vec<Rc<Node<'a>>>),
    Map(Vec<(Rc<Node<'a>>, Rc<Node<'a>>)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar<'a> {
    /// Borrowed from the input unless escapes or folding changed it.
    pub text: Cow<'a, str>,
    /// Plain scalars are resolved (`true`, `3`, `null`); quoted and block scalars are strings.
    pub plain: bool,
    /// An explicit `!!str` (or any non-core tag) keeps the text a string.
    pub tagged_str: bool,
}

/// Why a read field could not be turned into a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TreeError {
    /// Alias expansion visited more nodes than the budget allows.
    ExpansionLimit { limit: usize },
    /// The value, aliases expanded, nests deeper than [`MAX_EXPANDED_DEPTH`] levels.
    ExpandedTooDeep { limit: usize },
    /// A mapping key is itself a mapping or sequence; Kubernetes objects only have string keys.
    ComplexKey,
}

impl fmt::Display for TreeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TreeError::ExpansionLimit { limit } => write!(
                f,
                "alias expansion exceeds {limit} nodes (an alias bomb?); write the value out or \
                 raise --max-alias-expansion"
            ),
            TreeError::ExpandedTooDeep { limit } => write!(
                f,
                "this value nests more than {limit} levels deep once its aliases are expanded; \
                 write it out with fewer levels or fewer aliases inside aliases"
            ),
            TreeError::ComplexKey => {
                f.write_str("a mapping key is a mapping or sequence; use a string key")
            }
        }
    }
}

/// Counts nodes produced while expanding; shared across one item so that many small aliases
/// add up.
#[derive(Debug)]
pub struct ExpansionBudget {
    limit: usize,
    used: usize,
    /// How deep the walk is now, aliases followed: the text's own nesting is bounded by the
    /// reader, but an alias inside an anchored node nests it again at every use.
    depth: usize,
}

/// The deepest a walk of a tree may go, aliases followed. The reader bounds nesting as
/// written (`--max-depth`, 200 by default), but an alias inside an anchored node nests it again
/// at every use, so a small text can expand to any depth. 256 levels are more than the reader's
/// default and far more than any Kubernetes object holds, and keep the recursion inside a 2 MB
/// thread stack even in a debug build (about 4.5 KB a level there: 512 levels overflowed a test
/// thread), so inside WebAssembly's 1 MB stack in a release build too.
pub const MAX_EXPANDED_DEPTH: usize = 256;

impl ExpansionBudget {
    pub fn new(limit: usize) -> Self {
        ExpansionBudget {
            limit,
            used: 0,
            depth: 0,
        }
    }

    /// Runs `walk` one level deeper.
    fn deeper<T>(
        &mut self,
        walk: impl FnOnce(&mut Self) -> Result<T, TreeError>,
    ) -> Result<T, TreeError> {
        if self.depth >= MAX_EXPANDED_DEPTH {
            return Err(TreeError::ExpandedTooDeep {
                limit: MAX_EXPANDED_DEPTH,
            });
        }
        self.depth += 1;
        let out = walk(self);
        self.depth -= 1;
        out
    }

    fn spend(&mut self) -> Result<(), TreeError> {
        self.used += 1;
        if self.used > self.limit {
            Err(TreeError::ExpansionLimit { limit: self.limit })
        } else {
            Ok(())
        }
    }
}

impl<'a> Node<'a> {
    pub fn as_scalar(&self) -> Option<&Scalar<'a>> {
        match self {
            Node::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The value under `key` of a mapping, honouring YAML merge keys (`<<`), which Go's YAML
    /// readers apply: explicit keys win over merged ones, earlier merge sources over later.
    /// Following merges spends `budget`, so nested merge keys cannot make a lookup explode.
    pub fn get(
        &self,
        key: &str,
        budget: &mut ExpansionBudget,
    ) -> Result<Option<&Rc<Node<'a>>>, TreeError> {
        let Node::Map(entries) = self else {
            return Ok(None);
        };
        let direct = entries.iter().find(|(k, _)| {
            k.as_scalar()
                .is_some_and(|s| s.text == key && !is_merge_key(s))
        });
        if let Some((_, v)) = direct {
            return Ok(Some(v));
        }
        for (k, v) in entries {
            if k.as_scalar().is_some_and(is_merge_key) {
                let sources: Vec<&Rc<Node<'a>>> = match &**v {
                    Node::Seq(items) => items.iter().collect(),
                    _ => vec![v],
                };
                for source in sources {
                    budget.spend()?;
                    if let Some(found) = budget.deeper(|budget| source.get(key, budget))? {
                        return Ok(Some(found));
                    }
                }
            }
        }
        Ok(None)
    }

    /// Follows a path of mapping keys.
    pub fn at(
        &self,
        path: &[&str],
        budget: &mut ExpansionBudget,
    ) -> Result<Option<&Rc<Node<'a>>>, TreeError> {
        let Some((first, rest)) = path.split_first() else {
            return Ok(None);
        };
        let Some(mut node) = self.get(first, budget)? else {
            return Ok(None);
        };
        for key in rest {
            match node.get(key, budget)? {
                Some(next) => node = next,
                None => return Ok(None),
            }
        }
        Ok(Some(node))
    }

    /// The scalar's text, for fields Kubernetes defines as strings (names, labels): Go reads
    /// a plain `1.0` there as the string it sees only after a round trip, so the source text is
    /// the faithful choice.
    pub fn scalar_text(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.text.as_ref())
    }

    /// The entries of a mapping with merge keys (`<<`) applied: explicit keys first, then
    /// merged ones not already present. Each node visited costs one unit of `budget`.
    pub fn entries(
        &self,
        budget: &mut ExpansionBudget,
    ) -> Result<Vec<(&Scalar<'a>, &Rc<Node<'a>>)>, TreeError> {
        let Node::Map(entries) = self else {
            return Ok(Vec::new());
        };
        let mut out: Vec<(&Scalar<'a>, &Rc<Node<'a>>)> = Vec::with_capacity(entries.len());
        let mut merged = Vec::new();
        for (k, v) in entries {
            budget.spend()?;
            let key = k.as_scalar().ok_or(TreeError::ComplexKey)?;
            if is_merge_key(key) {
                merged.push(v);
            } else {
                out.push((key, v));
            }
        }
        for source in merged {
            let sources: Vec<&Rc<Node<'a>>> = match &**source {
                Node::Seq(items) => items.iter().collect(),
                _ => vec![source],
            };
            for source in sources {
                for (k, v) in source.entries(budget)? {
                    if !out.iter().any(|(existing, _)| existing.text == k.text) {
                        out.push((k, v));
                    }
                }
            }
        }
        Ok(out)
    }

    /// A copy that owns its text, so it can outlive the input it was read from. Shared nodes
    /// (aliases) stay shared: the copy is as small as the original, however many aliases.
    pub fn to_owned_node(self: &Rc<Self>) -> Rc<Node<'static>> {
        fn copy<'a>(
            node: &Rc<Node<'a>>,
            done: &mut std::collections::HashMap<usize, Rc<Node<'static>>>,
        ) -> Rc<Node<'static>> {
            // The address identifies a shared node while the original is alive.
            let key = Rc::as_ptr(node) as usize;
            if let Some(copied) = done.get(&key) {
                return copied.clone();
            }
            let copied = Rc::new(match &**node {
                Node::Scalar(s) => Node::Scalar(Scalar {
                    text: Cow::Owned(s.text.to_string()),
                    plain: s.plain,
                    tagged_str: s.tagged_str,
                }),
                Node::Seq(items) => Node::Seq(items.iter().map(|n| copy(n, done)).collect()),
                Node::Map(entries) => Node::Map(
                    entries
                        .iter()
                        .map(|(k, v)| (copy(k, done), copy(v, done)))
                        .collect(),
                ),
            });
            done.insert(key, copied.clone());
            copied
        }
        copy(self, &mut std::collections::HashMap::new())
    }

    /// Converts to a JSON value with YAML 1.2 core resolution of plain scalars and merge keys
    /// applied.
    pub fn to_json(&self, budget: &mut ExpansionBudget) -> Result<Value, TreeError> {
        budget.deeper(|budget| self.to_json_within(budget))
    }

    fn to_json_within(&self, budget: &mut ExpansionBudget) -> Result<Value, TreeError> {
        budget.spend()?;
        Ok(match self {
            Node::Scalar(s) => scalar_value(s),
            Node::Seq(items) => Value::Array(
                items
                    .iter()
                    .map(|n| n.to_json(budget))
                    .collect::<Result<_, _>>()?,
            ),
            Node::Map(entries) => {
                let mut map = Map::new();
                let mut merged = Vec::new();
                for (k, v) in entries {
                    let key = k.as_scalar().ok_or(TreeError::ComplexKey)?;
                    if is_merge_key(key) {
                        merged.push(v);
                        continue;
                    }
                    map.insert(key.text.to_string(), v.to_json(budget)?);
                }
                for source in merged {
                    let sources: Vec<&Rc<Node<'a>>> = match &**source {
                        Node::Seq(items) => items.iter().collect(),
                        _ => vec![source],
                    };
                    for source in sources {
                        if let Value::Object(extra) = source.to_json(budget)? {
                            for (k, v) in extra {
                                map.entry(k).or_insert(v);
                            }
                        }
                    }
                }
                Value::Object(map)
            }
        })
    }
}

fn is_merge_key(s: &Scalar<'_>) -> bool {
    s.plain && s.text == "<<"
}

fn scalar_value(s: &Scalar<'_>) -> Value {
    if s.plain && !s.tagged_str {
        resolve_plain(&s.text)
    } else {
        Value::String(s.text.to_string())
    }
}

/// What a value read from YAML is, for a message ("expected a string, not a number").
pub fn value_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(text: &str) -> Rc<Node<'_>> {
        Rc::new(Node::Scalar(Scalar {
            text: Cow::Borrowed(text),
            plain: true,
            tagged_str: false,
        }))
    }

    #[test]
    fn merge_keys_lose_to_explicit_keys() {
        let base = Rc::new(Node::Map(vec![
            (scalar("a"), scalar("from-base")),
            (scalar("b"), scalar("base-b")),
        ]));
        let node = Node::Map(vec![(scalar("<<"), base), (scalar("a"), scalar("own"))]);
        let budget = &mut ExpansionBudget::new(100);
        assert_eq!(
            node.get("a", budget).unwrap().unwrap().scalar_text(),
            Some("own")
        );
        assert_eq!(
            node.get("b", budget).unwrap().unwrap().scalar_text(),
            Some("base-b")
        );
        let json = node.to_json(&mut ExpansionBudget::new(100)).unwrap();
        assert_eq!(json, serde_json::json!({"a": "own", "b": "base-b"}));
    }

    #[test]
    fn aliases_nesting_a_value_too_deep_are_an_error_not_a_stack_overflow() {
        // Each level shares the one below, as `&aN [*aN-1]` does: small as written, deep once
        // expanded.
        let mut node = scalar("leaf");
        for _ in 0..MAX_EXPANDED_DEPTH + 10 {
            node = Rc::new(Node::Seq(vec![node]));
        }
        let err = node
            .to_json(&mut ExpansionBudget::new(1_000_000))
            .unwrap_err();
        assert_eq!(
            err,
            TreeError::ExpandedTooDeep {
                limit: MAX_EXPANDED_DEPTH
            }
        );
        assert!(
            err.to_string().contains("more than 256 levels deep"),
            "{err}"
        );
        let mut shallow = scalar("leaf");
        for _ in 0..MAX_EXPANDED_DEPTH - 1 {
            shallow = Rc::new(Node::Seq(vec![shallow]));
        }
        assert!(shallow
            .to_json(&mut ExpansionBudget::new(1_000_000))
            .is_ok());
    }

    #[test]
    fn shared_aliases_are_bounded_when_expanded() {
        // Nine levels of nine aliases each: 9^9 leaves if expanded.
        let mut node = scalar("lol");
        for _ in 0..9 {
            node = Rc::new(Node::Seq(vec![node; 9]));
        }
        let err = node.to_json(&mut ExpansionBudget::new(10_000)).unwrap_err();
        assert_eq!(err, TreeError::ExpansionLimit { limit: 10_000 });
    }
}
