//! What an Alert's `eventSources` reach in a build, and which Alerts to one Provider reach the
//! same objects (every event of those would be notified once per Alert: notification-controller
//! does not dedupe across Alerts, docs/flux.md "How notification-controller dispatches an
//! event", step 6). Generation warns with it about hand-written Alerts; `check` (audit) fails
//! with it. A direct comparison of entries against the objects of the build, not a model of
//! dispatch: names, and `name: '*'` + `matchLabels` against the labels the build shows.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::flux::emits_flux_events;
use crate::resource_list::{qualified, Item};

/// An object by kind, namespace and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectId {
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

impl ObjectId {
    pub fn of(item: &Item<'_>) -> ObjectId {
        ObjectId {
            kind: item.fields.kind.to_string(),
            namespace: item.fields.namespace().map(str::to_string),
            name: item.fields.name.to_string(),
        }
    }
}

impl std::fmt::Display for ObjectId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}",
            self.kind,
            qualified(self.namespace.as_deref(), &self.name)
        )
    }
}

/// A `name: '*'` entry: every object of a kind in a namespace with these labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wildcard {
    pub kind: String,
    pub namespace: Option<String>,
    pub labels: BTreeMap<String, String>,
}

impl Wildcard {
    pub fn matches(&self, item: &Item<'_>) -> bool {
        let f = &item.fields;
        f.kind == self.kind.as_str()
            && emits_flux_events(&f.kind, f.group())
            && f.namespace() == self.namespace.as_deref()
            && carries(item, &self.labels)
    }
}

fn carries(item: &Item<'_>, labels: &BTreeMap<String, String>) -> bool {
    labels
        .iter()
        .all(|(k, v)| item.fields.label(k) == Some(v.as_str()))
}

fn match_labels(entry: &Value) -> Option<BTreeMap<String, String>> {
    let labels = entry["matchLabels"].as_object()?;
    Some(
        labels
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect(),
    )
}

impl std::fmt::Display for Wildcard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let labels: Vec<String> = self
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        write!(
            f,
            "every {} {}labelled {}",
            self.kind,
            self.namespace
                .as_deref()
                .map(|ns| format!("in {ns} "))
                .unwrap_or_default(),
            labels.join(",")
        )
    }
}

/// An Alert's `eventSources`, read: the objects it names and its wildcard entries. An entry
/// without namespace is in the Alert's namespace, as notification-controller reads it.
#[derive(Debug, Clone, Default)]
pub struct EventSources {
    /// Objects named by an entry without `matchLabels`.
    pub named: BTreeSet<ObjectId>,
    /// Objects named only by entries with `matchLabels`, with each entry's labels:
    /// notification-controller then needs the name and the live object's labels (docs/flux.md,
    /// step 3), so the object is reached while it carries one entry's labels.
    pub named_with_labels: BTreeMap<ObjectId, Vec<BTreeMap<String, String>>>,
    pub wildcards: Vec<Wildcard>,
}

fn text(value: &Value) -> Option<String> {
    value.as_str().filter(|s| !s.is_empty()).map(str::to_string)
}

impl EventSources {
    /// The entries of the Alert `alert` (a whole object).
    pub fn of_alert(alert: &Value) -> EventSources {
        let namespace = text(&alert["metadata"]["namespace"]);
        let mut out = EventSources::default();
        for entry in alert["spec"]["eventSources"]
            .as_array()
            .into_iter()
            .flatten()
        {
            // Flux's CRD rejects an entry without both; `check` reports it (dispatch::build).
            let (Some(kind), Some(name)) = (text(&entry["kind"]), text(&entry["name"])) else {
                continue;
            };
            let ns = text(&entry["namespace"]).or_else(|| namespace.clone());
            if name == "*" {
                out.wildcards.push(Wildcard {
                    kind,
                    namespace: ns,
                    labels: match_labels(entry).unwrap_or_default(),
                });
                continue;
            }
            let id = ObjectId {
                kind,
                namespace: ns,
                name,
            };
            match match_labels(entry) {
                Some(labels) => out.named_with_labels.entry(id).or_default().push(labels),
                None => {
                    out.named.insert(id);
                }
            }
        }
        // One entry without labels takes the object whatever its labels.
        out.named_with_labels
            .retain(|id, _| !out.named.contains(id));
        out
    }

    /// Every object an entry names, with `matchLabels` or without.
    pub fn names(&self) -> impl Iterator<Item = &ObjectId> {
        self.named.iter().chain(self.named_with_labels.keys())
    }

    /// What the entries reach among `items`: the named objects (in the build or not; one named
    /// with `matchLabels` only while the build's object carries them, since an object the
    /// build does not hold may carry them in the cluster) and the items a wildcard entry
    /// matches.
    pub fn reach<'i, 'l: 'i>(
        &self,
        items: impl IntoIterator<Item = &'i Item<'l>>,
    ) -> BTreeSet<ObjectId> {
        let mut out = self.named.clone();
        if self.wildcards.is_empty() && self.named_with_labels.is_empty() {
            return out;
        }
        let mut unseen: BTreeSet<&ObjectId> = self.named_with_labels.keys().collect();
        for item in items {
            if !self.named_with_labels.is_empty() {
                let id = ObjectId::of(item);
                if let Some(entries) = self.named_with_labels.get(&id) {
                    unseen.remove(&id);
                    if entries.iter().any(|labels| carries(item, labels)) {
                        out.insert(id);
                    }
                }
            }
            if self.wildcards.iter().any(|w| w.matches(item)) {
                out.insert(ObjectId::of(item));
            }
        }
        out.extend(unseen.into_iter().cloned());
        out
    }
}

/// One Alert as an overlap sees it: where it is, its Provider and what it reaches.
#[derive(Debug, Clone, Copy)]
pub struct Sending<'a> {
    pub namespace: Option<&'a str>,
    pub provider: &'a str,
    pub reaches: &'a BTreeSet<ObjectId>,
}

/// Pairs of Alerts (by position in `alerts`, the first before the second) that send events
/// of the same objects to one Provider: same namespace, same `providerRef`.
pub fn overlaps(alerts: &[Sending<'_>]) -> Vec<(usize, usize, Vec<ObjectId>)> {
    let mut by_provider: BTreeMap<(Option<&str>, &str), Vec<usize>> = BTreeMap::new();
    for (i, alert) in alerts.iter().enumerate() {
        by_provider
            .entry((alert.namespace, alert.provider))
            .or_default()
            .push(i);
    }
    let mut out = Vec::new();
    for group in by_provider.values() {
        for (n, &a) in group.iter().enumerate() {
            for &b in &group[n + 1..] {
                let shared: Vec<ObjectId> = alerts[a]
                    .reaches
                    .intersection(alerts[b].reaches)
                    .cloned()
                    .collect();
                if !shared.is_empty() {
                    out.push((a, b, shared));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ids(names: &[&str]) -> BTreeSet<ObjectId> {
        names
            .iter()
            .map(|n| ObjectId {
                kind: "Kustomization".into(),
                namespace: Some("apps".into()),
                name: n.to_string(),
            })
            .collect()
    }

    #[test]
    fn entries_without_namespace_are_in_the_alerts_namespace() {
        let alert = json!({"metadata": {"namespace": "apps"}, "spec": {"eventSources": [
            {"kind": "Kustomization", "name": "a"},
            {"kind": "Kustomization", "name": "*", "namespace": "other",
             "matchLabels": {"app": "x"}},
        ]}});
        let sources = EventSources::of_alert(&alert);
        assert_eq!(sources.named, ids(&["a"]));
        assert_eq!(sources.wildcards[0].namespace.as_deref(), Some("other"));
        assert_eq!(sources.wildcards[0].labels["app"], "x");
    }

    #[test]
    fn a_named_entry_with_match_labels_reaches_its_object_only_while_it_carries_them() {
        use crate::limits::Limits;
        use crate::resource_list::{ReadSpec, Reader};
        let stream = "\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: web, namespace: apps, labels: {team: web}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: api, namespace: apps, labels: {team: api}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: db, namespace: apps}
";
        let reader = Reader::new(Limits::default(), &ReadSpec::PLAIN);
        let list = reader.stream(stream, "test.yaml").expect("reads");
        let reach = |entries: Value| {
            let alert =
                json!({"metadata": {"namespace": "apps"}, "spec": {"eventSources": entries}});
            EventSources::of_alert(&alert).reach(&list.items)
        };
        let entry = |name: &str, labels: Value| json!({"kind": "Kustomization", "name": name, "matchLabels": labels});
        // The build's object must carry the labels; one the build does not hold may carry
        // them in the cluster.
        assert_eq!(
            reach(json!([
                entry("web", json!({"team": "web"})),
                entry("api", json!({"team": "web"})),
                entry("gone", json!({"team": "web"})),
            ])),
            ids(&["gone", "web"])
        );
        // `{}` asks only that the object exists; of two entries for one object either may
        // match, and one without labels takes it whatever its labels.
        assert_eq!(
            reach(json!([
                entry("db", json!({})),
                entry("api", json!({"team": "web"})),
                entry("api", json!({"team": "api"})),
                entry("web", json!({"team": "db"})),
                {"kind": "Kustomization", "name": "web"},
            ])),
            ids(&["api", "db", "web"])
        );
        // Labels on a named entry never widen it to other objects that carry them.
        assert_eq!(
            reach(json!([entry("db", json!({"team": "web"}))])),
            ids(&[])
        );
    }

    #[test]
    fn only_alerts_to_one_provider_in_one_namespace_overlap() {
        let (ab, b, c) = (ids(&["a", "b"]), ids(&["b"]), ids(&["c"]));
        let sending = |ns, provider, reaches| Sending {
            namespace: Some(ns),
            provider,
            reaches,
        };
        let alerts = [
            sending("apps", "slack", &ab),
            sending("apps", "slack", &b),
            sending("apps", "pagerduty", &b),
            sending("other", "slack", &b),
            sending("apps", "slack", &c),
        ];
        let found = overlaps(&alerts);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].0, found[0].1), (0, 1));
        assert_eq!(found[0].2, ids(&["b"]).into_iter().collect::<Vec<_>>());
    }
}
