//! `check`'s proof of every route: each covered object's representative events (one per
//! outcome its controller reports, with the metadata the controller attaches; see
//! `dispatch::emitted`) go through the model of notification-controller, and every Alert that
//! covers the object must get them to its Provider exactly once, without a metadata conflict.
//!
//! What is not a finding, because it is what the user asked for or what Flux means to do: an
//! Alert's own inclusion or exclusion list, a suspended Alert or Provider, and a chat Provider
//! skipping a Kustomization's commit-status update ("Reconciliation finished") while it gets
//! the other info events.

use std::collections::{BTreeMap, BTreeSet};

use super::rendered::{Rendered, RenderedAlert, RenderedObject};
use super::{AlertView, ObjectId, Overlap};
use crate::dispatch::emitted::{representative_events, Emitted};
use crate::dispatch::metadata::EVENT_GROUP;
use crate::dispatch::{
    build, Cluster, MetadataSource, Object, ObjectRef, Options, Provider, Scope, Skip, Undelivered,
    Verdict, ERROR, INFO,
};
use crate::flux;
use crate::resource_list::ResourceList;
use crate::results::KrmResult;

/// One Alert of the proof: what the audit sees of it, and what the model reads.
pub struct ProvedAlert<'a> {
    pub view: &'a AlertView,
    pub rendered: &'a RenderedAlert,
}

/// What `check` reports, and the pairs of Alerts that notify one Provider twice.
#[derive(Debug, Default)]
pub struct Proof {
    pub findings: Vec<KrmResult>,
    pub overlaps: Vec<Overlap>,
}

/// The object an event is about: the build's, a chart source-controller creates, or (for an
/// Alert naming something the build does not hold) a bare object of that kind.
fn subject<'r>(rendered: &'r Rendered, id: &ObjectId) -> (Object, Option<&'r RenderedObject>) {
    if let Some(found) = rendered.find(&id.kind, id.namespace.as_deref(), &id.name) {
        return found;
    }
    let api_version = flux::event_api_version(&id.kind).unwrap_or_default();
    let object = Object {
        reference: ObjectRef::new(api_version, &id.kind, id.namespace.as_deref(), &id.name),
        labels: Default::default(),
        annotations: Default::default(),
    };
    (object, None)
}

/// What happened to one route (Alert, object) for one severity.
#[derive(Default)]
struct Outcome {
    delivered: usize,
    skips: Vec<Skip>,
}

/// Objects whose events of these severities reach one Provider through several Alerts.
type Duplicate = (BTreeSet<ObjectId>, BTreeSet<&'static str>);

/// Findings gathered per Alert (by its position in the proof), each with the objects.
#[derive(Default)]
struct Gathered {
    /// (alert, key, sources) → objects.
    conflicts: BTreeMap<(usize, String, Vec<MetadataSource>), BTreeSet<ObjectId>>,
    /// (provider id, alerts) → the objects and severities they send twice.
    duplicates: BTreeMap<(String, Vec<usize>), Duplicate>,
    cross_namespace: BTreeMap<usize, BTreeSet<ObjectId>>,
    commit_status: BTreeMap<usize, BTreeSet<ObjectId>>,
    change_request: BTreeMap<usize, BTreeSet<ObjectId>>,
    /// (alert, severity) → (object, reason).
    never: BTreeMap<(usize, &'static str), Vec<(ObjectId, String)>>,
}

/// Proves every route of `alerts` (in the order given) through the model.
pub fn prove(
    list: &ResourceList<'_>,
    rendered: &Rendered,
    alerts: &[ProvedAlert<'_>],
    options: &Options,
    warn_missing_providers: bool,
) -> Proof {
    let mut proof = Proof::default();
    let present: BTreeSet<String> = rendered.providers().iter().map(Provider::id).collect();
    // A Provider the build does not show is taken to exist in the cluster, of a type that takes
    // every event but commit-status updates (what most types do).
    let mut assumed = Vec::new();
    let mut assumed_ids = BTreeSet::new();
    for proved in alerts {
        let alert = &proved.rendered.alert;
        for problem in &proved.rendered.problems {
            proof.findings.push(about(
                list,
                proved,
                KrmResult::warning(format!(
                    "Alert {}: {problem}; check reads the rest of it (hint: fix the field as \
                     Flux's Alert API (notification.toolkit.fluxcd.io/v1beta3) defines it)",
                    alert.id()
                )),
            ));
        }
        let id = alert.provider_id();
        if alert.provider.is_empty() || present.contains(&id) || !assumed_ids.insert(id.clone()) {
            continue;
        }
        assumed.push(Provider {
            namespace: alert.namespace.clone(),
            name: alert.provider.clone(),
            type_: String::new(),
            suspend: false,
        });
        if warn_missing_providers || !proved.view.generated {
            proof.findings.push(about(
                list,
                proved,
                KrmResult::warning(format!(
                    "Alert {} sends to Provider {id}, which is not in the build: \
                     notification-controller fails every dispatch of it unless the Provider \
                     exists in the cluster; check assumes it does (hint: add the Provider to the \
                     build, or make sure it is applied in namespace {})",
                    alert.id(),
                    alert.namespace.as_deref().unwrap_or("(none)")
                )),
            ));
        }
    }
    // Every object any Alert covers or names, and the Alerts that do: an object named by an
    // entry whose `matchLabels` it does not carry is not covered, but its route shows why.
    let mut covering: BTreeMap<&ObjectId, Vec<usize>> = BTreeMap::new();
    for (position, proved) in alerts.iter().enumerate() {
        if proved.rendered.alert.suspend {
            continue;
        }
        let labelled = proved.view.sources.named_with_labels.keys();
        let objects: BTreeSet<&ObjectId> = proved.view.covers.iter().chain(labelled).collect();
        for object in objects {
            covering.entry(object).or_default().push(position);
        }
    }
    let subjects: Vec<(&ObjectId, Vec<usize>, Object, bool)> = covering
        .into_iter()
        .map(|(id, routes)| {
            let (object, found) = subject(rendered, id);
            let emits = build::emits_events(&id.kind, found.and_then(|o| o.value.as_ref()));
            (id, routes, object, emits)
        })
        .collect();
    // The model reads only the labels of the object an event is about: the covered ones.
    let cluster = Cluster::new(
        alerts.iter().map(|a| a.rendered.alert.clone()).collect(),
        rendered.providers().into_iter().chain(assumed),
        subjects.iter().map(|(_, _, object, _)| object.clone()),
    );
    let mut gathered = Gathered::default();
    for (id, routes, object, emits) in &subjects {
        let (id, emits) = (*id, *emits);
        let events = representative_events(object, emits);
        let dispatches: Vec<(&Emitted, crate::dispatch::Dispatch)> = events
            .iter()
            .map(|e| (e, cluster.dispatch(&e.event, options, Scope::Candidates)))
            .collect();
        for (emitted, dispatch) in &dispatches {
            let mut by_provider: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for (alert, notification) in dispatch.sent() {
                by_provider
                    .entry(notification.provider.id())
                    .or_default()
                    .push(alert);
                for conflict in &notification.conflicts {
                    gathered
                        .conflicts
                        .entry((alert, conflict.key.clone(), conflict.sources.clone()))
                        .or_default()
                        .insert(id.clone());
                }
            }
            for (provider, senders) in by_provider {
                if senders.len() > 1 {
                    let entry = gathered.duplicates.entry((provider, senders)).or_default();
                    entry.0.insert(id.clone());
                    entry.1.insert(severity_name(&emitted.event.severity));
                }
            }
        }
        for &position in routes {
            let takes_info = alerts[position].rendered.alert.event_severity == INFO;
            for severity in [INFO, ERROR] {
                if severity == INFO && !takes_info {
                    continue;
                }
                let mut outcome = Outcome::default();
                for (emitted, dispatch) in &dispatches {
                    if emitted.event.severity != severity {
                        continue;
                    }
                    match dispatch.verdict(position) {
                        Some(Verdict::Sent(_)) => outcome.delivered += 1,
                        Some(Verdict::Skipped(skip)) => outcome.skips.push(skip.clone()),
                        None => {}
                    }
                }
                if outcome.delivered == 0 && !outcome.skips.is_empty() {
                    undelivered(
                        &mut gathered,
                        position,
                        id,
                        severity,
                        &outcome.skips,
                        &cluster,
                        &dispatches,
                    );
                }
            }
        }
    }
    report(list, alerts, &cluster, gathered, &mut proof);
    proof
}

fn severity_name(severity: &str) -> &'static str {
    if severity == ERROR {
        ERROR
    } else {
        INFO
    }
}

/// Files a route that delivers none of an object's events of one severity under its reason;
/// what the user asked for (filters, suspension) and what Flux means to do are not findings.
fn undelivered(
    gathered: &mut Gathered,
    position: usize,
    id: &ObjectId,
    severity: &'static str,
    skips: &[Skip],
    cluster: &Cluster,
    dispatches: &[(&Emitted, crate::dispatch::Dispatch)],
) {
    let intended = skips.iter().any(|s| {
        matches!(
            s,
            Skip::Message(_)
                | Skip::Suspended
                | Skip::Undelivered(Undelivered::ProviderSuspended, _)
        )
    });
    if intended {
        return;
    }
    let has = |why: Undelivered| {
        skips
            .iter()
            .any(|s| matches!(s, Skip::Undelivered(w, _) if *w == why))
    };
    if has(Undelivered::CrossNamespace) {
        gathered
            .cross_namespace
            .entry(position)
            .or_default()
            .insert(id.clone());
    } else if has(Undelivered::ChangeRequestDropped) {
        gathered
            .change_request
            .entry(position)
            .or_default()
            .insert(id.clone());
    } else if has(Undelivered::CommitStatusDropped) {
        gathered
            .commit_status
            .entry(position)
            .or_default()
            .insert(id.clone());
    } else if let Some(skip @ Skip::Sources(_)) = skips.first() {
        let alert = &cluster.alerts()[position];
        // The reason of a severity miss names the event's severity (an Alert whose
        // eventSeverity is neither info nor error misses every event): one of this severity.
        let received = dispatches
            .iter()
            .find(|(e, _)| e.event.severity == severity)
            .map(|(_, d)| d.received.clone());
        if let Some(event) = received {
            gathered
                .never
                .entry((position, severity))
                .or_default()
                .push((id.clone(), skip.reason(alert, &event)));
        }
    }
}

fn about(list: &ResourceList<'_>, proved: &ProvedAlert<'_>, result: KrmResult) -> KrmResult {
    match proved.rendered.item.and_then(|i| list.items.get(i)) {
        Some(item) => result.about(item),
        None => result,
    }
}

fn objects_text(objects: &BTreeSet<ObjectId>) -> String {
    let names: Vec<String> = objects.iter().map(ToString::to_string).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Who wrote an Alert, for hints: its config, or its author.
fn authorship(proved: &ProvedAlert<'_>) -> String {
    match &proved.rendered.owner {
        Some(owner) => format!(
            "Alert {} is generated by AppNotifications {owner}",
            proved.view.id()
        ),
        None => format!("Alert {} is hand-written", proved.view.id()),
    }
}

fn source_text(source: MetadataSource, key: &str, many: bool) -> String {
    match source {
        MetadataSource::ObjectAnnotations => format!(
            "the {} annotation {EVENT_GROUP}/{key}",
            if many { "objects'" } else { "object's" }
        ),
        MetadataSource::AlertEventMetadata => "the Alert's spec.eventMetadata".into(),
        MetadataSource::AlertSummary => "the Alert's spec.summary".into(),
        MetadataSource::ControllerMetadata => {
            format!("the controller's own `{key}` (<object group>/{key})")
        }
    }
}

fn conflict_hint(key: &str, sources: &[MetadataSource], proved: &ProvedAlert<'_>) -> String {
    let has = |s: MetadataSource| sources.contains(&s);
    // Where the user changes the Alert's side: its config for a generated one.
    let alert_side = match &proved.rendered.owner {
        Some(owner) => format!(
            "the Alert's spec.eventMetadata (AppNotifications {owner} generates it: change that \
             config and render again)"
        ),
        None => "the Alert's spec.eventMetadata".to_string(),
    };
    if has(MetadataSource::ControllerMetadata) {
        let mut places = Vec::new();
        if has(MetadataSource::ObjectAnnotations) {
            places.push(format!("the objects' annotation {EVENT_GROUP}/{key}"));
        }
        if has(MetadataSource::AlertEventMetadata) {
            places.push(alert_side);
        }
        if has(MetadataSource::AlertSummary) {
            places.push("the Alert's spec.summary".into());
        }
        format!(
            "`{key}` is a key the controller sets itself, and its value is sent anyway: remove \
             it from {}",
            places.join(" and ")
        )
    } else if has(MetadataSource::AlertSummary) {
        format!(
            "spec.summary is deprecated: set `summary` in one place only, {alert_side} or the \
             objects' annotations; Alert {} has spec.summary",
            proved.view.id()
        )
    } else {
        format!(
            "give `{key}` one source: drop it from {alert_side}, or drop the {EVENT_GROUP}/{key} \
             annotation from the objects"
        )
    }
}

fn report(
    list: &ResourceList<'_>,
    alerts: &[ProvedAlert<'_>],
    cluster: &Cluster,
    gathered: Gathered,
    proof: &mut Proof,
) {
    let provider_text = |position: usize| {
        let alert = &cluster.alerts()[position];
        match cluster.provider_of(alert) {
            Some(p) if !p.type_.is_empty() => format!("Provider {} ({})", p.id(), p.type_),
            _ => format!("Provider {}", alert.provider_id()),
        }
    };
    for ((position, key, sources), objects) in &gathered.conflicts {
        let proved = &alerts[*position];
        let many = objects.len() > 1;
        let from: Vec<String> = sources.iter().map(|s| source_text(*s, key, many)).collect();
        let winner = sources
            .last()
            .map(|s| source_text(*s, key, many))
            .unwrap_or_default();
        let message = format!(
            "Alert {}: metadata key `{key}` of its notifications about {} is set by both {}; \
             notification-controller sends the value of {winner} but records a \
             MetadataAppendFailed warning on the Alert for every such event, whatever the values \
             (hint: {})",
            proved.view.id(),
            objects_text(objects),
            from.join(" and "),
            conflict_hint(key, sources, proved)
        );
        proof
            .findings
            .push(about(list, proved, KrmResult::error(message)));
    }
    let mut pairs: BTreeMap<(String, usize, usize), BTreeSet<ObjectId>> = BTreeMap::new();
    for ((provider, senders), (objects, severities)) in &gathered.duplicates {
        let names: Vec<String> = senders.iter().map(|&p| alerts[p].view.id()).collect();
        let which = if severities.len() == 2 {
            "events".to_string()
        } else {
            format!(
                "{} events",
                severities.iter().next().copied().unwrap_or(INFO)
            )
        };
        let who = match names.as_slice() {
            [a, b] => format!("Alerts {a} and {b} both send"),
            [init @ .., last] => format!("Alerts {} and {last} all send", init.join(", ")),
            _ => continue,
        };
        let times = match senders.len() {
            2 => "twice".to_string(),
            n => format!("{n} times"),
        };
        let authors: Vec<String> = senders.iter().map(|&p| authorship(&alerts[p])).collect();
        let message = format!(
            "{who} the {which} of {} to Provider {provider}: every such event is notified {times} \
             (hint: cover each object in one Alert per Provider: narrow one Alert's \
             eventSources, or send it to another Provider; {})",
            objects_text(objects),
            authors.join(", ")
        );
        let first = &alerts[senders[0]];
        proof
            .findings
            .push(about(list, first, KrmResult::error(message)));
        for (i, &a) in senders.iter().enumerate() {
            for &b in &senders[i + 1..] {
                pairs
                    .entry((provider.clone(), a, b))
                    .or_default()
                    .extend(objects.iter().cloned());
            }
        }
    }
    for ((_, a, b), objects) in pairs {
        let alert = &cluster.alerts()[a];
        proof.overlaps.push(Overlap {
            provider: alert.provider.clone(),
            namespace: alert.namespace.clone(),
            alerts: (alerts[a].view.id(), alerts[b].view.id()),
            objects: objects.into_iter().collect(),
        });
    }
    for (position, objects) in &gathered.cross_namespace {
        let proved = &alerts[*position];
        let alert = &cluster.alerts()[*position];
        let namespace = alert.namespace.as_deref().unwrap_or("(none)");
        let message = format!(
            "Alert {} covers {} outside its namespace {namespace}: with \
             --no-cross-namespace-refs notification-controller refuses every event of {} and \
             records a NotificationDispatchFailed warning on the Alert, so nothing reaches {} \
             (hint: cover these objects from an Alert in their own namespace: for a generated \
             Alert, spec.placement.mode: perNamespace; or stop covering them, e.g. spec.sources: \
             none for sources; {})",
            proved.view.id(),
            objects_text(objects),
            if objects.len() > 1 { "them" } else { "it" },
            provider_text(*position),
            authorship(proved)
        );
        proof
            .findings
            .push(about(list, proved, KrmResult::error(message)));
    }
    for (position, objects) in &gathered.commit_status {
        let proved = &alerts[*position];
        let (it, its) = if objects.len() > 1 {
            ("them", "their")
        } else {
            ("it", "its")
        };
        let message = format!(
            "Alert {} sends to {}, which sets commit statuses: notification-controller gives it \
             only events with {EVENT_GROUP}/commit, commit-status updates (a Kustomization's \
             \"Reconciliation finished\") and errors, so the info events of {} are never posted, \
             only {its} failures (hint: annotate {it} with {EVENT_GROUP}/commit: <sha>, set \
             eventSeverity: error on the Alert, or send {its} info events to another Provider; \
             {})",
            proved.view.id(),
            provider_text(*position),
            objects_text(objects),
            authorship(proved)
        );
        proof
            .findings
            .push(about(list, proved, KrmResult::warning(message)));
    }
    for (position, objects) in &gathered.change_request {
        let proved = &alerts[*position];
        let message = format!(
            "Alert {} sends to {}, which comments on change requests: notification-controller \
             gives it only events with {EVENT_GROUP}/change_request, and no event of {} carries \
             it, so nothing is ever posted (hint: annotate {} with {EVENT_GROUP}/change_request: \
             <number>, e.g. through post-build substitution in a preview environment, or remove \
             the route; {})",
            proved.view.id(),
            provider_text(*position),
            objects_text(objects),
            if objects.len() > 1 { "them" } else { "it" },
            authorship(proved)
        );
        proof
            .findings
            .push(about(list, proved, KrmResult::error(message)));
    }
    for ((position, severity), misses) in &gathered.never {
        let proved = &alerts[*position];
        for (object, reason) in misses {
            // Named by entries whose matchLabels the object does not carry: not covered.
            let verb = if proved.view.covers.contains(object) {
                "covers"
            } else {
                "names"
            };
            let message = format!(
                "Alert {} {verb} {object} but never takes its {severity} events: {reason} \
                 (hint: fix or remove the entry; {})",
                proved.view.id(),
                authorship(proved)
            );
            proof
                .findings
                .push(about(list, proved, KrmResult::warning(message)));
        }
    }
}
