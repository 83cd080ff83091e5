//! Label selector matching, with Kubernetes semantics.

use std::collections::BTreeMap;

use super::model::{LabelSelector, LabelSelectorRequirement, SelectorOperator};

impl LabelSelector {
    /// Whether `labels` satisfy every `matchLabels` entry and every requirement. An empty
    /// selector matches everything, as in Kubernetes.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.matches_with(|key| labels.get(key).map(String::as_str))
    }

    /// [`Self::matches`] over any label store, given as a lookup: the engine keeps an item's
    /// labels as borrowed pairs, not a map.
    pub fn matches_with<'v>(&self, label: impl Fn(&str) -> Option<&'v str>) -> bool {
        self.match_labels
            .iter()
            .all(|(key, value)| label(key) == Some(value.as_str()))
            && self
                .match_expressions
                .iter()
                .all(|requirement| requirement.matches_with(&label))
    }
}

impl LabelSelectorRequirement {
    /// Whether `labels` satisfy this requirement (`NotIn` holds when the key is absent).
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.matches_with(|key| labels.get(key).map(String::as_str))
    }

    fn matches_with<'v>(&self, label: impl Fn(&str) -> Option<&'v str>) -> bool {
        let value = label(&self.key);
        let listed = |v: &str| self.values.iter().any(|x| x == v);
        match self.operator {
            SelectorOperator::In => value.is_some_and(listed),
            SelectorOperator::NotIn => value.is_none_or(|v| !listed(v)),
            SelectorOperator::Exists => value.is_some(),
            SelectorOperator::DoesNotExist => value.is_none(),
        }
    }
}
