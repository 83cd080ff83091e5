//! `import`: hand-written Flux Alerts turned into `AppNotifications` configs. Each Alert's
//! coverage is resolved over the build (its named entries and what its `name: '*'` entries
//! match), mapped to the app(s) whose appliers it covers, and reproduced as a route of that
//! app's config: provider, severity, inclusion and exclusion lists, eventMetadata (a `summary`
//! becomes its `summary` key, as Flux recommends), suspend and namespace. A config covers every applier of its app and the sources they own or
//! reference, so its Alerts cover at least what the old Alert covered in the build.
//!
//! What cannot be reproduced is said, never guessed: an Alert over several apps (unless
//! `split`), a wildcard into another namespace, an object of no app. The old Alerts are never
//! deleted; the plan lists them for the user to remove once the new ones are deployed.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use crate::config::{self, API_VERSION, KIND};
use crate::flux::{
    applier_group, emits_flux_events, is_source_kind, operator_applier_group,
    CHART_SOURCE_REFERENCE,
};
use crate::generate::{generated_by, is_notification, reader};
use crate::limits::Limits;
use crate::resource_list::orchestrator::PATH;
use crate::resource_list::{qualified, Item, ResourceList};
use crate::yaml::emit::{self, EmitStyle};

/// What `import` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub app_label: String,
    /// An Alert over several apps becomes a route of each app's config.
    pub split: bool,
}

/// An object by kind, namespace and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Object {
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

impl std::fmt::Display for Object {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}",
            self.kind,
            qualified(self.namespace.as_deref(), &self.name)
        )
    }
}

/// A hand-written Alert as found.
#[derive(Debug, Clone)]
pub struct OldAlert {
    pub namespace: Option<String>,
    pub name: String,
    /// `path:line` of the Alert.
    pub at: String,
    pub provider: String,
    /// The objects of the build it covers.
    pub covers: BTreeSet<Object>,
    /// Named entries whose object the build does not hold.
    pub absent: Vec<Object>,
}

impl OldAlert {
    pub fn id(&self) -> String {
        qualified(self.namespace.as_deref(), &self.name)
    }
}

/// The config proposed for one app.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub app: String,
    /// Where it goes: next to the app's appliers, relative to the package root.
    pub path: String,
    /// A config of the app that exists already (then nothing is written).
    pub existing: Option<String>,
    pub text: String,
    /// The Alerts it replaces (ids), with the route each became.
    pub routes: Vec<(String, String)>,
    /// Objects of the app no old Alert covered: the new Alerts add them.
    pub gained: Vec<Object>,
    /// Objects the old Alerts name that the build does not hold, with the Alert.
    pub absent: Vec<(String, Object)>,
    /// Remarks (two routes to one Provider, metadata keys the function owns).
    pub notes: Vec<String>,
}

/// An Alert `import` leaves alone, and why.
#[derive(Debug, Clone)]
pub struct Unmapped {
    pub alert: String,
    pub at: String,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ImportPlan {
    pub alerts: Vec<OldAlert>,
    pub proposals: Vec<Proposal>,
    pub unmapped: Vec<Unmapped>,
}

/// An Alert whose fields cannot be read.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{at}: Alert {alert}: {message} (hint: fix the Alert; import reads Flux's notification.toolkit.fluxcd.io Alert fields)")]
pub struct ImportError {
    pub at: String,
    pub alert: String,
    pub message: String,
}

/// Plans `import` over a package's (or a built stream's) list.
pub fn plan(
    list: &ResourceList<'_>,
    options: &ImportOptions,
    limits: &Limits,
) -> Result<ImportPlan, ImportError> {
    let index = Index::of(list, &options.app_label);
    let reader = reader(limits);
    let mut out = ImportPlan::default();
    // app → (old Alert, its value)
    let mut per_app: BTreeMap<String, Vec<(usize, Value)>> = BTreeMap::new();
    for item in &list.items {
        let f = &item.fields;
        if f.kind != "Alert" || !is_notification(f) || generated_by(item).is_some() {
            continue;
        }
        let at = format!(
            "{}:{}",
            item.fields.annotation(PATH).unwrap_or("stdin"),
            item.line
        );
        let id = qualified(f.namespace(), &f.name);
        let fail = |message: String| ImportError {
            at: at.clone(),
            alert: id.clone(),
            message,
        };
        let value = list
            .item_value(item, &reader)
            .ok_or_else(|| fail("cannot be read on its own (an alias to another item?)".into()))?;
        let alert = read_alert(&value, &index, at.clone()).map_err(fail)?;
        let mut reasons = Vec::new();
        let mut apps: BTreeSet<String> = BTreeSet::new();
        let mut orphans = Vec::new();
        for object in &alert.covers {
            match index.app_of(object, &alert.covers) {
                Some(app) => {
                    apps.insert(app);
                }
                None => orphans.push(object.to_string()),
            }
        }
        if let Some(reason) = cross_namespace_wildcard(&value) {
            reasons.push(reason);
        }
        if alert.covers.is_empty() {
            reasons.push("covers nothing in the build".into());
        }
        if !orphans.is_empty() {
            reasons.push(format!(
                "covers objects of no app: {} (hint: label them {}=<app>, e.g. with `init \
                 --label`, or keep this Alert)",
                orphans.join(", "),
                options.app_label
            ));
        }
        if apps.len() > 1 && !options.split {
            reasons.push(format!(
                "covers the appliers of {} apps ({}) (hint: --split gives each app a route of \
                 its own, or keep this Alert)",
                apps.len(),
                apps.iter().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        let position = out.alerts.len();
        if reasons.is_empty() {
            for app in apps {
                per_app
                    .entry(app)
                    .or_default()
                    .push((position, value.clone()));
            }
        } else {
            out.unmapped.push(Unmapped {
                alert: alert.id(),
                at: alert.at.clone(),
                reasons,
            });
        }
        out.alerts.push(alert);
    }
    for (app, alerts) in per_app {
        out.proposals
            .push(propose(list, &index, &app, &alerts, &out.alerts, options));
    }
    Ok(out)
}

/// The build's objects, what each references, and which app each belongs to.
struct Index<'l> {
    objects: BTreeMap<Object, &'l Item<'l>>,
    /// Objects no item is: the HelmChart of each HelmRelease with `spec.chart`, with the
    /// HelmRelease.
    charts: BTreeMap<Object, Object>,
    app_label: String,
}

fn object_of(item: &Item<'_>) -> Object {
    Object {
        kind: item.fields.kind.to_string(),
        namespace: item.fields.namespace().map(str::to_string),
        name: item.fields.name.to_string(),
    }
}

fn is_applier(item: &Item<'_>) -> bool {
    let f = &item.fields;
    applier_group(&f.kind).or_else(|| operator_applier_group(&f.kind)) == Some(f.group())
}

impl<'l> Index<'l> {
    fn of(list: &'l ResourceList<'l>, app_label: &str) -> Self {
        let mut objects = BTreeMap::new();
        let mut charts = BTreeMap::new();
        for item in &list.items {
            // What an Alert can cover: objects Flux reports events about, not kustomize's
            // build files or other objects that share a Flux kind's name.
            if generated_by(item).is_some()
                || !emits_flux_events(&item.fields.kind, item.fields.group())
            {
                continue;
            }
            objects.insert(object_of(item), item);
            if item.fields.kind != "HelmRelease" {
                continue;
            }
            let chart = item
                .fields
                .references
                .iter()
                .find(|r| r.field == CHART_SOURCE_REFERENCE);
            if let (Some(chart), Some(ns)) = (chart, item.fields.namespace()) {
                charts.insert(
                    Object {
                        kind: "HelmChart".into(),
                        namespace: Some(chart.target.namespace.clone().unwrap_or(ns.to_string())),
                        name: format!("{ns}-{}", item.fields.name),
                    },
                    object_of(item),
                );
            }
        }
        Index {
            objects,
            charts,
            app_label: app_label.to_string(),
        }
    }

    fn label<'s>(&'s self, object: &Object, key: &str) -> Option<&'s str> {
        self.objects.get(object)?.fields.label(key)
    }

    /// The app an object belongs to, as a config would cover it: an applier by its label; a
    /// source by its label, or as the chart or the reference of an applier in `covers`.
    fn app_of(&self, object: &Object, covers: &BTreeSet<Object>) -> Option<String> {
        if let Some(hr) = self.charts.get(object) {
            return self.label(hr, &self.app_label).map(str::to_string);
        }
        let item = self.objects.get(object)?;
        if let Some(app) = item.fields.label(&self.app_label) {
            return Some(app.to_string());
        }
        if is_applier(item) {
            return None;
        }
        covers
            .iter()
            .filter_map(|other| self.objects.get(other))
            .filter(|i| is_applier(i))
            .find(|applier| self.references(applier, object))
            .and_then(|applier| applier.fields.label(&self.app_label))
            .map(str::to_string)
    }

    fn references(&self, applier: &Item<'_>, object: &Object) -> bool {
        applier.fields.references.iter().any(|r| {
            is_source_kind(&r.target.kind)
                && r.target.kind == object.kind
                && r.target.name == object.name
                && r.target.namespace.as_deref().or(applier.fields.namespace())
                    == object.namespace.as_deref()
        })
    }

    /// Every applier and owned source of `app`, the chart of each of its HelmReleases.
    fn of_app(&self, app: &str) -> BTreeSet<Object> {
        let mut out: BTreeSet<Object> = self
            .objects
            .iter()
            .filter(|(_, item)| {
                item.fields.label(&self.app_label) == Some(app)
                    && (is_applier(item) || crate::generate::is_source_item(&item.fields))
            })
            .map(|(o, _)| o.clone())
            .collect();
        for (chart, hr) in &self.charts {
            if out.contains(hr) {
                out.insert(chart.clone());
            }
        }
        out
    }
}

/// The Alert's provider, its coverage in the build and its absent names.
fn read_alert(value: &Value, index: &Index<'_>, at: String) -> Result<OldAlert, String> {
    let spec = &value["spec"];
    if !spec.is_object() {
        return Err("has no spec".into());
    }
    let provider = spec["providerRef"]["name"]
        .as_str()
        .ok_or("spec.providerRef.name is missing or not a string")?
        .to_string();
    let namespace = value["metadata"]["namespace"].as_str().map(str::to_string);
    let entries = match &spec["eventSources"] {
        Value::Array(entries) => entries,
        Value::Null => return Err("spec.eventSources is missing".into()),
        _ => return Err("spec.eventSources is not a list".into()),
    };
    let mut covers = BTreeSet::new();
    let mut absent = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let (Some(kind), Some(name)) = (entry["kind"].as_str(), entry["name"].as_str()) else {
            return Err(format!("spec.eventSources[{i}] needs a kind and a name"));
        };
        let ns = entry["namespace"]
            .as_str()
            .map(str::to_string)
            .or_else(|| namespace.clone());
        let labels: Vec<(&str, &str)> = entry["matchLabels"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?)))
            .collect();
        if name == "*" {
            for (object, item) in &index.objects {
                if object.kind == kind
                    && object.namespace == ns
                    && labels.iter().all(|(k, v)| item.fields.label(k) == Some(v))
                {
                    covers.insert(object.clone());
                }
            }
            continue;
        }
        let object = Object {
            kind: kind.to_string(),
            namespace: ns,
            name: name.to_string(),
        };
        if index.objects.contains_key(&object) || index.charts.contains_key(&object) {
            covers.insert(object);
        } else {
            absent.push(object);
        }
    }
    Ok(OldAlert {
        namespace,
        name: value["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        at,
        provider,
        covers,
        absent,
    })
}

/// A `name: '*'` entry into another namespace than the Alert's: it matches objects a build
/// of this repository cannot see.
fn cross_namespace_wildcard(value: &Value) -> Option<String> {
    let own = value["metadata"]["namespace"].as_str();
    value["spec"]["eventSources"]
        .as_array()?
        .iter()
        .find(|e| e["name"] == "*" && e["namespace"].as_str().is_some_and(|ns| Some(ns) != own))
        .map(|e| {
            format!(
                "its entry `{} *` in namespace {} is a wildcard across namespaces, which \
                 matches objects outside this build at event time",
                e["kind"].as_str().unwrap_or_default(),
                e["namespace"].as_str().unwrap_or_default()
            )
        })
}

/// The config that reproduces `alerts` (positions in `all`) as routes of `app`.
fn propose(
    list: &ResourceList<'_>,
    index: &Index<'_>,
    app: &str,
    alerts: &[(usize, Value)],
    all: &[OldAlert],
    options: &ImportOptions,
) -> Proposal {
    let mut notes = Vec::new();
    let mut routes = Vec::new();
    let mut route_values = Vec::new();
    let mut used = BTreeSet::new();
    let mut referenced = false;
    let mut any_source = false;
    let mut namespaces = BTreeSet::new();
    let mut by_provider: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    // The new Alerts live next to the old ones until those are removed: no name may collide.
    let taken: BTreeSet<String> = all.iter().map(|a| a.name.clone()).collect();
    for (position, value) in alerts {
        let old = &all[*position];
        let spec = &value["spec"];
        let name = route_name(app, &old.name, alerts.len(), &taken, &mut used);
        let mut route = Map::new();
        route.insert("name".into(), json!(name));
        route.insert("providerRef".into(), json!(old.provider));
        if spec["eventSeverity"] == "error" {
            route.insert("eventSeverity".into(), json!("error"));
        }
        for key in ["inclusionList", "exclusionList"] {
            if spec[key].as_array().is_some_and(|l| !l.is_empty()) {
                route.insert(key.into(), spec[key].clone());
            }
        }
        let mut kept = Map::new();
        if let Some(metadata) = spec["eventMetadata"].as_object() {
            for (k, v) in metadata {
                if k == "app" || k == "env" {
                    notes.push(format!(
                        "eventMetadata.{k} of Alert {} is left out: the generated Alerts set \
                         `{k}` themselves",
                        old.id()
                    ));
                } else {
                    kept.insert(k.clone(), v.clone());
                }
            }
        }
        // Flux deprecates `summary` for the eventMetadata key it becomes in every event.
        if let Some(summary) = spec["summary"].as_str().filter(|s| !s.is_empty()) {
            kept.entry("summary").or_insert_with(|| json!(summary));
        }
        if !kept.is_empty() {
            route.insert("eventMetadata".into(), Value::Object(kept));
        }
        if spec["suspend"] == true {
            route.insert("suspend".into(), json!(true));
        }
        route_values.push(Value::Object(route));
        routes.push((old.id(), name.clone()));
        by_provider.entry(&old.provider).or_default().push(name);
        namespaces.insert(old.namespace.clone());
        for object in &old.covers {
            let is_source = index.objects.get(object).is_some_and(|i| !is_applier(i))
                || index.charts.contains_key(object);
            if !is_source {
                continue;
            }
            any_source = true;
            let owned = index.charts.contains_key(object)
                || index.label(object, &options.app_label) == Some(app);
            if !owned {
                referenced = true;
            }
        }
    }
    for (provider, names) in &by_provider {
        if names.len() > 1 {
            notes.push(format!(
                "routes {} all send to Provider {provider}: their Alerts overlap, and `check` \
                 will say so (hint: merge them into one route)",
                names.join(", ")
            ));
        }
    }
    let mut spec = Map::new();
    if let [Some(ns)] = namespaces.iter().collect::<Vec<_>>().as_slice() {
        spec.insert("placement".into(), json!({ "namespace": ns }));
    } else if namespaces.len() > 1 {
        let shown: Vec<&str> = namespaces.iter().flatten().map(String::as_str).collect();
        notes.push(format!(
            "the routes come from Alerts in namespaces {}: the new Alerts all go to one \
             namespace (the appliers', or set spec.placement.namespace), where each route's \
             Provider must exist",
            shown.join(", ")
        ));
    }
    if !any_source {
        spec.insert("sources".into(), json!("none"));
    } else if referenced {
        spec.insert("sources".into(), json!("referenced"));
    }
    let operator_kinds: BTreeSet<&str> = alerts
        .iter()
        .flat_map(|(p, _)| &all[*p].covers)
        .filter(|o| operator_applier_group(&o.kind).is_some())
        .map(|o| o.kind.as_str())
        .collect();
    if !operator_kinds.is_empty() {
        let mut kinds = vec!["Kustomization", "HelmRelease"];
        kinds.extend(operator_kinds);
        spec.insert("appliers".into(), json!(kinds));
    }
    if options.app_label != config::APP_NAME_LABEL {
        spec.insert(
            "selector".into(),
            json!({ "matchLabels": { options.app_label.clone(): app } }),
        );
    }
    spec.insert("alerts".into(), Value::Array(route_values));
    let value = json!({
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": {
            "name": app,
            "annotations": {"config.kubernetes.io/local-config": "true"},
        },
        "spec": spec,
    });
    let text = format!(
        "# Written by `app-notifications import` from {}.\n{}",
        routes
            .iter()
            .map(|(alert, _)| format!("Alert {alert}"))
            .collect::<Vec<_>>()
            .join(", "),
        emit::document(&value, &EmitStyle::default())
    );
    let existing = list
        .items
        .iter()
        .find(|i| {
            i.fields.kind == KIND
                && i.node.as_ref().is_some_and(|n| {
                    let v = n
                        .to_json(&mut crate::yaml::tree::ExpansionBudget::new(10_000))
                        .unwrap_or_default();
                    v["spec"]["app"].as_str().or(v["metadata"]["name"].as_str()) == Some(app)
                })
        })
        .map(|i| i.fields.annotation(PATH).unwrap_or_default().to_string());
    let dirs: Vec<String> = index
        .objects
        .iter()
        .filter(|(_, i)| is_applier(i) && i.fields.label(&options.app_label) == Some(app))
        .filter_map(|(_, i)| i.fields.annotation(PATH))
        .map(|p| p.rsplit_once('/').map_or("", |(d, _)| d).to_string())
        .collect();
    let dir = common_dir(&dirs);
    let taken = |p: &str| {
        list.items
            .iter()
            .any(|i| i.fields.annotation(PATH) == Some(p))
    };
    let in_dir = |name: String| {
        if dir.is_empty() {
            name
        } else {
            format!("{dir}/{name}")
        }
    };
    let path = [
        in_dir("notifications.yaml".into()),
        in_dir(format!("notifications-{app}.yaml")),
    ]
    .into_iter()
    .find(|p| !taken(p))
    .unwrap_or_else(|| in_dir(format!("notifications-{app}-imported.yaml")));
    let covered: BTreeSet<&Object> = alerts.iter().flat_map(|(p, _)| &all[*p].covers).collect();
    let gained = index
        .of_app(app)
        .into_iter()
        .filter(|o| !covered.contains(o))
        .collect();
    let absent = alerts
        .iter()
        .flat_map(|(p, _)| all[*p].absent.iter().map(|o| (all[*p].id(), o.clone())))
        .collect();
    Proposal {
        app: app.to_string(),
        path,
        existing,
        text,
        routes,
        gained,
        absent,
        notes,
    }
}

/// `default` for an app's only route; else the old Alert's name without the app prefix, as a
/// DNS label, unique within the config, and never giving an Alert the name of an old one
/// (`-new` is added then).
fn route_name(
    app: &str,
    alert: &str,
    count: usize,
    taken: &BTreeSet<String>,
    used: &mut BTreeSet<String>,
) -> String {
    let base = if count == 1 {
        config::DEFAULT_ROUTE.to_string()
    } else {
        let stripped = alert
            .strip_prefix(&format!("{app}-"))
            .filter(|s| !s.is_empty())
            .unwrap_or(alert);
        let mut name: String = stripped
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        name = name.trim_matches('-').chars().take(40).collect();
        if name.is_empty() {
            "route".into()
        } else {
            name
        }
    };
    let alert_name = |route: &str| {
        if route == config::DEFAULT_ROUTE {
            app.to_string()
        } else {
            format!("{app}-{route}")
        }
    };
    let base = if taken.contains(&alert_name(&base)) {
        if base == config::DEFAULT_ROUTE {
            "new".to_string()
        } else {
            format!("{base}-new")
        }
    } else {
        base
    };
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&alert_name(&name)) || !used.insert(name.clone()) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

fn common_dir(dirs: &[String]) -> String {
    let mut common: Option<Vec<&str>> = None;
    for dir in dirs {
        let parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
        common = Some(match common {
            None => parts,
            Some(c) => c
                .iter()
                .zip(&parts)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| *a)
                .collect(),
        });
    }
    common.unwrap_or_default().join("/")
}

/// The plan as `import` prints it: per app the config, the routes it reproduces, the
/// coverage delta and what to remove; then the Alerts left alone and why.
pub fn render_text(plan: &ImportPlan, write: bool) -> String {
    let mut out = String::new();
    if plan.alerts.is_empty() {
        out.push_str("no hand-written Alert found\n");
        return out;
    }
    for p in &plan.proposals {
        out.push_str(&format!("app {} → {}\n", p.app, p.path));
        for (alert, route) in &p.routes {
            out.push_str(&format!("  route {route}: from Alert {alert}\n"));
        }
        if p.gained.is_empty() {
            out.push_str("  the old Alerts missed nothing of the app\n");
        } else {
            out.push_str("  the old Alerts missed (the new ones cover them):\n");
            for object in &p.gained {
                out.push_str(&format!("    {object}\n"));
            }
        }
        for (alert, object) in &p.absent {
            out.push_str(&format!(
                "  Alert {alert} names {object}, which is not in the build (left out)\n"
            ));
        }
        for note in &p.notes {
            out.push_str(&format!("  note: {note}\n"));
        }
        match (&p.existing, write) {
            (Some(existing), _) => out.push_str(&format!(
                "  {existing} already configures app {}: nothing written; merge these routes \
                 into it by hand:\n",
                p.app
            )),
            (None, true) => out.push_str(&format!("  wrote {}\n", p.path)),
            (None, false) => out.push_str("  proposed config (write it with --write):\n"),
        }
        if p.existing.is_some() || !write {
            for line in p.text.lines() {
                out.push_str(&format!("    {line}\n"));
            }
        }
        let at: BTreeMap<String, &str> = plan
            .alerts
            .iter()
            .map(|a| (a.id(), a.at.as_str()))
            .collect();
        out.push_str("  once the new Alerts are deployed, remove:\n");
        for (alert, _) in &p.routes {
            out.push_str(&format!(
                "    Alert {alert} ({})\n",
                at.get(alert).copied().unwrap_or_default()
            ));
        }
    }
    if !plan.unmapped.is_empty() {
        out.push_str("not imported (kept as they are):\n");
        for u in &plan.unmapped {
            out.push_str(&format!("  Alert {} ({}):\n", u.alert, u.at));
            for reason in &u.reasons {
                out.push_str(&format!("    {reason}\n"));
            }
        }
    }
    out
}
