//! The build as it will stand in the cluster: for a package, its objects after generation
//! (generated objects fresh, stale ones gone, annotations stamped on appliers); for a built
//! stream, its objects as they are. Local config (the AppNotifications) is not applied, so it
//! is not part of it; nor is anything dispatch cannot see. Only `check`, `report` and `explain`
//! build this.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use crate::dispatch::{self, build, Alert, Cluster, Object, ObjectRef, Provider, Strings};
use crate::flux::{self, CHART_SOURCE_REFERENCE, HELM_GROUP, NOTIFICATION_GROUP};
use crate::generate::{is_notification, Generation, GENERATED_BY};
use crate::resource_list::{Item, ItemsContainer, Reader, ResourceList};
use crate::yaml::tree::{ExpansionBudget, Node};

use crate::resource_list::orchestrator::LOCAL_CONFIG;

/// One object of the build.
#[derive(Debug, Clone)]
pub struct RenderedObject {
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    pub labels: Strings,
    pub annotations: Strings,
    /// The whole object, for the kinds whose spec dispatch reads (Alert, Provider,
    /// HelmRepository).
    pub value: Option<Value>,
    /// The input item it is, if it is one (a generated object new in this run is not).
    pub item: Option<usize>,
    /// The config that generated it (`app-notifications.dev/generated-by`).
    pub owner: Option<String>,
}

impl RenderedObject {
    pub fn group(&self) -> &str {
        dispatch::metadata::object_group(&self.api_version)
    }

    pub fn reference(&self) -> ObjectRef {
        ObjectRef::new(
            &self.api_version,
            &self.kind,
            self.namespace.as_deref(),
            &self.name,
        )
    }

    pub fn object(&self) -> Object {
        Object {
            reference: self.reference(),
            labels: self.labels.clone(),
            annotations: self.annotations.clone(),
        }
    }

    fn is(&self, group: &str, kind: &str) -> bool {
        self.kind == kind && self.group() == group
    }

    pub fn is_alert(&self) -> bool {
        self.is(NOTIFICATION_GROUP, "Alert")
    }

    pub fn is_provider(&self) -> bool {
        self.is(NOTIFICATION_GROUP, "Provider")
    }
}

/// An Alert of the build, read for the model.
#[derive(Debug, Clone)]
pub struct RenderedAlert {
    pub alert: Alert,
    pub value: Value,
    pub item: Option<usize>,
    pub owner: Option<String>,
    /// Fields with a shape Flux's CRD rejects (path: what is wrong).
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub objects: Vec<RenderedObject>,
    /// The HelmCharts source-controller will create for the build's HelmReleases (a build
    /// never holds them), unless the build holds one of the same name.
    pub charts: Vec<Object>,
    /// Positions in `objects` (then, past its end, in `charts`) by kind, namespace and name.
    index: HashMap<(String, Option<String>, String), Vec<usize>>,
}

fn pairs(pairs: &[(std::borrow::Cow<'_, str>, std::borrow::Cow<'_, str>)]) -> Strings {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn value_strings(value: &Value) -> Strings {
    value
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
        .collect()
}

/// Whether dispatch can see an object: a notification object, or one of a kind Flux reports
/// events about (the kinds an Alert can watch). A build's other objects (ConfigMaps,
/// Deployments, the configs) play no part, and most builds are mostly those.
fn matters(kind: &str, group: &str) -> bool {
    flux::emits_flux_events(kind, group)
        || ((kind == "Alert" || kind == "Provider") && group == NOTIFICATION_GROUP)
}

/// Whether the model reads the whole of an item (these are small: a HelmRelease, whose values
/// can be large, is read only when its chart carries metadata, see [`chart_of`]).
fn needs_value(item: &Item<'_>) -> bool {
    let f = &item.fields;
    match f.kind.as_ref() {
        "Alert" | "Provider" => is_notification(f),
        "HelmRepository" => flux::is_source_group(f.group()),
        _ => false,
    }
}

/// The HelmChart helm-controller creates for a HelmRelease item (`build::helm_chart`). Its
/// name and namespace come from the fields read already; its labels and annotations from
/// `spec.chart.metadata`, so the item is read whole only when its text can hold that: a key
/// `metadata` besides the object's own.
fn chart_of(list: &ResourceList<'_>, item: &Item<'_>, reader: &Reader<'_>) -> Option<Object> {
    let f = &item.fields;
    if f.kind != "HelmRelease" || f.group() != HELM_GROUP {
        return None;
    }
    let source = f
        .references
        .iter()
        .find(|r| r.field == CHART_SOURCE_REFERENCE)?;
    let namespace = f.namespace()?;
    if item.text().matches("metadata").nth(1).is_some() {
        return build::helm_chart(&list.item_value(item, reader)?);
    }
    let labels = Strings::from([
        (format!("{HELM_GROUP}/name"), f.name.to_string()),
        (format!("{HELM_GROUP}/namespace"), namespace.to_string()),
    ]);
    Some(Object {
        reference: ObjectRef::new(
            &format!("{}/v1", flux::SOURCE_GROUP),
            "HelmChart",
            Some(source.target.namespace.as_deref().unwrap_or(namespace)),
            &format!("{namespace}-{}", f.name),
        ),
        labels,
        annotations: Strings::new(),
    })
}

impl Rendered {
    /// The build of `list`: after `generation` when given (a package or a ResourceList with its
    /// configs), else the list as it is (a built stream).
    pub fn of(
        list: &ResourceList<'_>,
        generation: Option<&Generation>,
        reader: &Reader<'_>,
    ) -> Self {
        let mut gone: BTreeSet<usize> = BTreeSet::new();
        let mut patches: BTreeMap<usize, Vec<&crate::resource_list::ItemPatch>> = BTreeMap::new();
        let mut fresh: Vec<&Value> = Vec::new();
        if let Some(generation) = generation {
            let edits = &generation.edits;
            gone.extend(edits.remove.iter().copied());
            gone.extend(edits.replace.iter().map(|(i, _)| *i));
            for patch in &edits.item_patches {
                patches.entry(patch.item).or_default().push(patch);
            }
            fresh.extend(edits.replace.iter().map(|(_, v)| v));
            fresh.extend(&edits.append);
        }
        let mut objects = Vec::new();
        let mut charts = Vec::new();
        for item in &list.items {
            let f = &item.fields;
            let local = f.annotation(LOCAL_CONFIG) == Some("true");
            if gone.contains(&item.index) || local || !matters(&f.kind, f.group()) {
                continue;
            }
            let mut object = RenderedObject {
                api_version: f.api_version.to_string(),
                kind: f.kind.to_string(),
                namespace: f.namespace().map(str::to_string),
                name: f.name.to_string(),
                labels: pairs(&f.labels),
                annotations: pairs(&f.annotations),
                value: None,
                item: Some(item.index),
                owner: f.annotation(GENERATED_BY).map(str::to_string),
            };
            if let Some(patches) = patches.get(&item.index) {
                if let Some(value) = patched_value(list, item, patches, reader) {
                    object.labels = value_strings(&value["metadata"]["labels"]);
                    object.annotations = value_strings(&value["metadata"]["annotations"]);
                }
            }
            if needs_value(item) {
                object.value = list.item_value(item, reader);
            }
            charts.extend(chart_of(list, item, reader));
            objects.push(object);
        }
        for value in fresh {
            let meta = &value["metadata"];
            let (kind, api_version) = (value["kind"].as_str(), value["apiVersion"].as_str());
            let group = api_version.and_then(|v| v.split_once('/')).map(|(g, _)| g);
            if !matters(kind.unwrap_or_default(), group.unwrap_or_default()) {
                continue;
            }
            let annotations = value_strings(&meta["annotations"]);
            objects.push(RenderedObject {
                api_version: value["apiVersion"].as_str().unwrap_or_default().to_string(),
                kind: value["kind"].as_str().unwrap_or_default().to_string(),
                namespace: meta["namespace"].as_str().map(str::to_string),
                name: meta["name"].as_str().unwrap_or_default().to_string(),
                labels: value_strings(&meta["labels"]),
                owner: annotations.get(GENERATED_BY).cloned(),
                annotations,
                value: Some(value.clone()),
                item: None,
            });
        }
        let present: BTreeSet<(Option<&str>, &str)> = objects
            .iter()
            .filter(|o| o.kind == "HelmChart" && flux::is_source_group(o.group()))
            .map(|o| (o.namespace.as_deref(), o.name.as_str()))
            .collect();
        charts.retain(|chart: &Object| {
            let r = &chart.reference;
            !present.contains(&(r.namespace.as_deref(), r.name.as_str()))
        });
        let mut index: HashMap<(String, Option<String>, String), Vec<usize>> = HashMap::new();
        let keys = objects
            .iter()
            .map(|o| (o.kind.clone(), o.namespace.clone(), o.name.clone()))
            .chain(charts.iter().map(|c| {
                let r = &c.reference;
                (r.kind.clone(), r.namespace.clone(), r.name.clone())
            }));
        for (position, key) in keys.enumerate() {
            index.entry(key).or_default().push(position);
        }
        Rendered {
            objects,
            charts,
            index,
        }
    }

    /// The build's Alerts, read for the model, in build order.
    pub fn alerts(&self) -> Vec<RenderedAlert> {
        self.objects
            .iter()
            .filter(|o| o.is_alert())
            .filter_map(|o| {
                let value = o.value.clone()?;
                let (alert, problems) = build::alert(&value);
                Some(RenderedAlert {
                    alert,
                    value,
                    item: o.item,
                    owner: o.owner.clone(),
                    problems,
                })
            })
            .collect()
    }

    pub fn providers(&self) -> Vec<Provider> {
        self.objects
            .iter()
            .filter(|o| o.is_provider())
            .filter_map(|o| o.value.as_ref().map(build::provider))
            .collect()
    }

    /// Every object an event can be about, with the charts.
    pub fn event_objects(&self) -> impl Iterator<Item = Object> + '_ {
        self.objects
            .iter()
            .map(RenderedObject::object)
            .chain(self.charts.iter().cloned())
    }

    /// The cluster for the model: these Alerts, the build's Providers (plus `assumed`), and
    /// every object.
    pub fn cluster(&self, alerts: Vec<Alert>, assumed: Vec<Provider>) -> Cluster {
        Cluster::new(
            alerts,
            self.providers().into_iter().chain(assumed),
            self.event_objects(),
        )
    }

    /// The object an event about `kind namespace/name` is about: a Flux object of the build
    /// (for a kind two groups share, the Flux one), or a chart source-controller creates.
    pub fn find(
        &self,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<(Object, Option<&RenderedObject>)> {
        let positions = self.index.get(&(
            kind.to_string(),
            namespace.map(str::to_string),
            name.to_string(),
        ))?;
        let objects: Vec<&RenderedObject> = positions
            .iter()
            .filter_map(|&p| self.objects.get(p))
            .collect();
        // A kind two groups share (kustomize's own Kustomization) is the Flux one.
        let best = objects
            .iter()
            .find(|o| o.group().ends_with(".fluxcd.io"))
            .or(objects.first());
        if let Some(object) = best {
            return Some((object.object(), Some(*object)));
        }
        let chart = positions
            .iter()
            .find_map(|&p| p.checked_sub(self.objects.len()))?;
        self.charts.get(chart).map(|c| (c.clone(), None))
    }
}

/// An item's value with `patches` (annotations stamped by generation) applied to its text.
fn patched_value(
    list: &ResourceList<'_>,
    item: &Item<'_>,
    patches: &[&crate::resource_list::ItemPatch],
    reader: &Reader<'_>,
) -> Option<Value> {
    let mut patches: Vec<&&crate::resource_list::ItemPatch> = patches.iter().collect();
    patches.sort_by_key(|p| p.range.start);
    let mut text = String::new();
    let mut at = item.region.start;
    // A patch that overlaps the one before or reaches past the item makes a reversed range,
    // which `get` refuses: no value rather than a panic.
    for patch in patches {
        text.push_str(item.source.get(at..patch.range.start)?);
        text.push_str(&patch.text);
        at = patch.range.end;
    }
    text.push_str(item.source.get(at..item.region.end)?);
    let node = reader.object(&text, "item").ok()??;
    let node: std::rc::Rc<Node<'_>> = match (&list.container, &*node) {
        (ItemsContainer::Block { .. }, Node::Seq(entries)) => entries.first()?.clone(),
        _ => node,
    };
    node.to_json(&mut ExpansionBudget::new(reader.limits.max_alias_expansion))
        .ok()
}
