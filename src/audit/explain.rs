//! `explain`: where one object's event goes. The event carries the object's
//! `event.toolkit.fluxcd.io/*` annotations (as every Flux controller sends them) plus the
//! metadata asked for, and goes through the model of notification-controller against every
//! Alert of the build; each Alert either sends it (to which Provider, with which metadata and
//! conflicts) or says why not.

use super::rendered::Rendered;
use crate::dispatch::emitted::event_of;
use crate::dispatch::{Conflict, Event, Object, ObjectRef, Options, Scope, Skip, Strings, Verdict};
use crate::flux;
use crate::generate::Generation;
use crate::resource_list::{qualified, Reader, ResourceList};
use crate::results::KrmResult;

/// The event to explain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventQuery {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// `info` or `error`.
    pub severity: String,
    pub message: String,
    /// Keys the controller adds (e.g. `kustomize.toolkit.fluxcd.io/revision`); the object's own
    /// `event.toolkit.fluxcd.io/*` annotations win over the same key, as in Flux's recorder.
    pub metadata: Vec<(String, String)>,
}

/// One notification the event causes.
#[derive(Debug, Clone)]
pub struct Sent {
    pub alert: String,
    pub provider: String,
    pub provider_type: String,
    pub metadata: Strings,
    pub conflicts: Vec<Conflict>,
}

/// An Alert that sends nothing, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotSent {
    pub alert: String,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct Explanation {
    /// The event as the controller posts it.
    pub event: Event,
    /// Its metadata as notification-controller keeps it (after `cleanupMetadata` and
    /// `excludeInternalMetadata`).
    pub received: Strings,
    /// Keys notification-controller drops on receipt.
    pub dropped: Vec<String>,
    /// Sorted by Alert.
    pub notifications: Vec<Sent>,
    /// Every other Alert of the build, sorted.
    pub skipped: Vec<NotSent>,
    /// What the answer rests on that the user should know (an object absent from the build,
    /// patterns that do not compile, Alerts Flux would reject).
    pub warnings: Vec<KrmResult>,
}

/// Where `query`'s event goes in the build of `list` (after `generation` when given).
pub fn explain(
    list: &ResourceList<'_>,
    generation: Option<&Generation>,
    query: &EventQuery,
    options: &Options,
    reader: &Reader<'_>,
) -> Explanation {
    let rendered = Rendered::of(list, generation, reader);
    let mut warnings = Vec::new();
    let object = match rendered.find(&query.kind, Some(&query.namespace), &query.name) {
        Some((object, _)) => object,
        None => {
            warnings.push(KrmResult::warning(format!(
                "{} {} is not in the build: the event carries no annotations, and entries with \
                 matchLabels do not match it (notification-controller reads the live object) \
                 (hint: check the kind, namespace and name, or explain the package that holds it)",
                query.kind,
                qualified(Some(&query.namespace), &query.name)
            )));
            Object {
                reference: ObjectRef::new(
                    flux::event_api_version(&query.kind).unwrap_or_default(),
                    &query.kind,
                    Some(&query.namespace),
                    &query.name,
                ),
                labels: Strings::new(),
                annotations: Strings::new(),
            }
        }
    };
    let controller: Strings = query.metadata.iter().cloned().collect();
    let event = event_of(&object, &query.severity, &query.message, controller);
    let alerts = rendered.alerts();
    for alert in &alerts {
        for problem in &alert.problems {
            let mut result = KrmResult::warning(format!(
                "Alert {}: {problem}; explain reads the rest of it (hint: fix the field as \
                 Flux's Alert API defines it)",
                alert.alert.id()
            ));
            if let Some(item) = alert.item.and_then(|i| list.items.get(i)) {
                result = result.about(item);
            }
            warnings.push(result);
        }
    }
    let cluster = rendered.cluster(alerts.iter().map(|a| a.alert.clone()).collect(), Vec::new());
    let dispatch = cluster.dispatch(&event, options, Scope::Every);
    let mut notifications = Vec::new();
    let mut skipped = Vec::new();
    for (index, verdict) in &dispatch.verdicts {
        let alert = &cluster.alerts()[*index];
        let considered = !matches!(
            verdict,
            Verdict::Skipped(Skip::Suspended | Skip::Sources(_))
        );
        let invalid = cluster.invalid_patterns(*index);
        if considered && !invalid.is_empty() {
            warnings.push(KrmResult::warning(format!(
                "Alert {}: {} of its inclusionList/exclusionList do not compile; \
                 notification-controller skips them and records an InvalidConfig warning on the \
                 Alert for every event (hint: write them in Go's RE2 syntax)",
                alert.id(),
                invalid
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        match verdict {
            Verdict::Sent(n) => notifications.push(Sent {
                alert: alert.id(),
                provider: n.provider.id(),
                provider_type: n.provider.type_.clone(),
                metadata: n.metadata.clone(),
                conflicts: n.conflicts.clone(),
            }),
            Verdict::Skipped(skip) => skipped.push(NotSent {
                alert: alert.id(),
                reason: skip.reason(alert, &dispatch.received),
            }),
        }
    }
    notifications.sort_by(|a, b| (&a.alert, &a.provider).cmp(&(&b.alert, &b.provider)));
    skipped.sort_by(|a, b| a.alert.cmp(&b.alert));
    let dropped = event
        .metadata
        .keys()
        .filter(|k| !dispatch.received.metadata.contains_key(*k))
        .cloned()
        .collect();
    Explanation {
        received: dispatch.received.metadata.clone(),
        event,
        dropped,
        notifications,
        skipped,
        warnings,
    }
}

/// The objects of the build an event can be about, sorted by kind, namespace and name: Flux
/// objects of a kind an Alert can watch, with a namespace (the recorder drops events of objects
/// without one), and the HelmCharts source-controller creates for the build's HelmReleases.
pub fn subjects(
    list: &ResourceList<'_>,
    generation: Option<&Generation>,
    reader: &Reader<'_>,
) -> Vec<ObjectRef> {
    let rendered = Rendered::of(list, generation, reader);
    let mut out: Vec<ObjectRef> = rendered
        .event_objects()
        .map(|o| o.reference)
        .filter(|r| {
            r.namespace.is_some()
                && flux::emits_flux_events(
                    &r.kind,
                    crate::dispatch::metadata::object_group(&r.api_version),
                )
        })
        .collect();
    out.sort_by(|a, b| (&a.kind, &a.namespace, &a.name).cmp(&(&b.kind, &b.namespace, &b.name)));
    out.dedup_by(|a, b| (&a.kind, &a.namespace, &a.name) == (&b.kind, &b.namespace, &b.name));
    out
}
