//! Warnings about the build around the generated objects, which a build through kustomize or
//! kpt shows on stderr: hand-written Alerts that send the same events to the same Provider,
//! labelled appliers of an app without a config, Secrets a generated Provider names in another
//! namespace, and the Flux post-build variables the output holds. Each costs nothing when the
//! build holds nothing it looks at (no hand-written Alert, no Secret reference).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::configs::Config;
use super::coverage::describe;
use super::output::Generated;
use crate::config::postbuild;
use crate::limits::Limits;
use crate::reach::{self, EventSources, ObjectId, Sending};
use crate::resource_list::{qualified, Item, ResourceList};
use crate::results::KrmResult;

/// An Alert of the build written by hand (not generated), and what it reaches there.
#[derive(Debug)]
pub struct HandWritten<'l> {
    item: &'l Item<'l>,
    namespace: Option<String>,
    provider: String,
    reaches: BTreeSet<ObjectId>,
}

/// Reads the hand-written Alerts `alerts` of `list`.
pub fn hand_written<'l>(
    list: &'l ResourceList<'l>,
    alerts: &[&'l Item<'l>],
    limits: &Limits,
) -> Vec<HandWritten<'l>> {
    if alerts.is_empty() {
        return Vec::new();
    }
    let reader = super::inventory::reader(limits);
    alerts
        .iter()
        .filter_map(|&item| {
            let value = list.item_value(item, &reader)?;
            let provider = value["spec"]["providerRef"]["name"].as_str()?.to_string();
            Some(HandWritten {
                item,
                namespace: item.fields.namespace().map(str::to_string),
                provider,
                reaches: EventSources::of_alert(&value).reach(&list.items),
            })
        })
        .collect()
}

/// A hand-written Alert that sends events of objects a generated Alert covers to the same
/// Provider: every such event would be notified twice.
pub fn duplicate_alerts(
    list: &ResourceList<'_>,
    objects: &[Generated],
    hand: &[HandWritten<'_>],
    configs: &[Config<'_>],
) -> Vec<KrmResult> {
    if hand.is_empty() {
        return Vec::new();
    }
    let shares_a_provider = |object: &&Generated| {
        let provider = object.value["spec"]["providerRef"]["name"].as_str();
        hand.iter()
            .any(|h| h.namespace == object.namespace && Some(h.provider.as_str()) == provider)
    };
    let generated: Vec<(&Generated, BTreeSet<ObjectId>)> = objects
        .iter()
        .filter(|o| o.kind == "Alert")
        .filter(shares_a_provider)
        .map(|o| (o, EventSources::of_alert(&o.value).reach(&list.items)))
        .collect();
    let mut sending: Vec<Sending<'_>> = generated
        .iter()
        .map(|(o, reaches)| Sending {
            namespace: o.namespace.as_deref(),
            provider: o.value["spec"]["providerRef"]["name"]
                .as_str()
                .unwrap_or_default(),
            reaches,
        })
        .collect();
    sending.extend(hand.iter().map(|h| Sending {
        namespace: h.namespace.as_deref(),
        provider: &h.provider,
        reaches: &h.reaches,
    }));
    let split = generated.len();
    let mut out = Vec::new();
    for (a, b, shared) in reach::overlaps(&sending) {
        // Pairs of generated Alerts are `check`'s to judge; pairs of hand-written ones are the
        // user's own.
        if a >= split || b < split {
            continue;
        }
        let (object, handwritten) = (generated[a].0, &hand[b - split]);
        let names: Vec<String> = shared.iter().map(ToString::to_string).collect();
        out.push(
            KrmResult::warning(format!(
                "the hand-written Alert {} and the Alert {} that {} generates both send events \
                 of {} to Provider {}: notification-controller notifies once per matching \
                 Alert, so each of these events would be notified twice (hint: take these \
                 objects out of the hand-written Alert's eventSources, or delete it)",
                qualified(
                    handwritten.item.fields.namespace(),
                    &handwritten.item.fields.name
                ),
                qualified(object.namespace.as_deref(), &object.name),
                configs[object.owner_rank].owner,
                names.join(", "),
                qualified(handwritten.namespace.as_deref(), &handwritten.provider),
            ))
            .about(handwritten.item)
            .at_field("spec.eventSources"),
        );
    }
    out
}

/// In discovery, appliers labelled `label: <app>` whose app has no config in the build (and
/// that neither a config's selector nor a hand-written Alert covers): nothing notifies about
/// them.
pub fn unconfigured_appliers(
    appliers: &[&Item<'_>],
    covered: &[bool],
    label: &str,
    apps: &BTreeSet<String>,
    hand: &[HandWritten<'_>],
) -> Vec<KrmResult> {
    let mut out = Vec::new();
    for applier in appliers {
        let Some(app) = applier.fields.label(label) else {
            continue;
        };
        if apps.contains(app) || covered.get(applier.index).copied().unwrap_or(false) {
            continue;
        }
        let id = ObjectId::of(applier);
        if hand.iter().any(|h| h.reaches.contains(&id)) {
            continue;
        }
        out.push(
            KrmResult::warning(format!(
                "{} carries {label}={app}, but the build holds no AppNotifications for app \
                 {app}, so no Alert covers it (hint: add an AppNotifications named {app} next \
                 to its appliers, e.g. fn-config/minimal.yaml, or remove the label)",
                describe(applier)
            ))
            .about(applier)
            .at_field(format!("metadata.labels[{label:?}]")),
        );
    }
    out
}

/// Secrets a generated Provider references that the build holds only in other namespaces:
/// notification-controller reads them from the Provider's own namespace, so every send fails.
pub fn misplaced_secrets(
    objects: &[Generated],
    secrets: &BTreeSet<(Option<&str>, &str)>,
    configs: &[Config<'_>],
) -> Vec<KrmResult> {
    if secrets.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for object in objects.iter().filter(|o| o.kind == "Provider") {
        // A namespace Flux substitutes at apply time cannot be compared here.
        let Some(namespace) = object
            .namespace
            .as_deref()
            .filter(|ns| !postbuild::may_hold_variables(ns))
        else {
            continue;
        };
        for field in ["secretRef", "certSecretRef", "proxySecretRef"] {
            let Some(name) = object.value["spec"][field]["name"].as_str() else {
                continue;
            };
            let here =
                secrets.contains(&(Some(namespace), name)) || secrets.contains(&(None, name));
            let elsewhere: Vec<&str> = secrets
                .iter()
                .filter(|(ns, n)| *n == name && ns.is_some_and(|ns| ns != namespace))
                .filter_map(|(ns, _)| *ns)
                .collect();
            if here || elsewhere.is_empty() {
                continue;
            }
            let config = &configs[object.owner_rank];
            out.push(
                config.point(
                    KrmResult::warning(format!(
                        "the generated Provider {} names Secret {name} in spec.{field}, which the \
                     build holds in namespace {} but not in {namespace}: notification-controller \
                     reads it from the Provider's namespace, so every notification through it \
                     would fail (hint: add the Secret to namespace {namespace}, or place the \
                     Alerts in the Secret's namespace with spec.placement.namespace)",
                        qualified(Some(namespace), &object.name),
                        elsewhere.join(", ")
                    ))
                    .at_field("spec.providers"),
                ),
            );
        }
    }
    out
}

/// The Flux post-build variables in the strings (and keys) of `value`, each with whether every
/// use of it gives a default (then Flux needs no value for it).
pub fn variables_in(value: &Value, out: &mut BTreeMap<String, bool>) {
    match value {
        Value::String(text) => variables_of(text, out),
        Value::Array(items) => items.iter().for_each(|v| variables_in(v, out)),
        Value::Object(map) => {
            for (key, v) in map {
                variables_of(key, out);
                variables_in(v, out);
            }
        }
        _ => {}
    }
}

fn variables_of(text: &str, out: &mut BTreeMap<String, bool>) {
    if !postbuild::may_hold_variables(text) {
        return;
    }
    for variable in postbuild::variables(text).unwrap_or_default() {
        *out.entry(variable.name.to_string()).or_insert(true) &= variable.default.is_some();
    }
}
