//! What the model reads: Alerts, Providers, the objects events are about, and an event. Plain
//! values with the fields notification-controller looks at and nothing else; `build` makes
//! them from the objects of a build.

use std::collections::BTreeMap;

/// Labels, annotations and event metadata: string maps, in key order (NC iterates Go maps,
/// whose order is random; nothing it does depends on the order, and neither does the model).
pub type Strings = BTreeMap<String, String>;

/// `<namespace>/<name>`, or `<name>` without a namespace.
pub fn qualified(namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(ns) => format!("{ns}/{name}"),
        None => name.to_string(),
    }
}

/// The object an event is about, as the event names it (`involvedObject`).
///
/// `namespace: None` is an object whose namespace the build leaves to the applying
/// Kustomization; two absent namespaces are taken to be the same one. (In the cluster every
/// object Flux reports on has a namespace: the recorder drops events without one.)
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

impl ObjectRef {
    pub fn new(api_version: &str, kind: &str, namespace: Option<&str>, name: &str) -> Self {
        ObjectRef {
            api_version: api_version.to_string(),
            kind: kind.to_string(),
            namespace: namespace.map(str::to_string),
            name: name.to_string(),
        }
    }
}

/// An object as it stands in the cluster: its labels (what `matchLabels` is matched against)
/// and its annotations (whose `event.toolkit.fluxcd.io/*` keys its controller copies into every
/// event it emits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub reference: ObjectRef,
    pub labels: Strings,
    pub annotations: Strings,
}

/// An event as a Flux controller posts it to notification-controller (fluxcd/pkg
/// `apis/event/v1beta1` `Event`): only the fields dispatch reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub involved_object: ObjectRef,
    /// `info` or `error` as Flux sends them; any string is accepted, as NC compares strings.
    pub severity: String,
    pub message: String,
    pub metadata: Strings,
}

/// One `spec.eventSources` entry of an Alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSource {
    pub kind: String,
    /// An exact name, or `*` (only as the whole string) for every name.
    pub name: String,
    /// `None`: the Alert's namespace.
    pub namespace: Option<String>,
    /// `None` when the entry has no `matchLabels` at all; `Some` of an empty map still needs
    /// the live object (NC reads it before building the selector).
    pub match_labels: Option<Strings>,
}

/// An Alert (`notification.toolkit.fluxcd.io/v1beta3`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub namespace: Option<String>,
    pub name: String,
    /// `spec.providerRef.name`: a Provider in the Alert's namespace.
    pub provider: String,
    /// `spec.eventSeverity` (the CRD defaults it to `info`).
    pub event_severity: String,
    pub event_sources: Vec<EventSource>,
    pub inclusion_list: Vec<String>,
    pub exclusion_list: Vec<String>,
    pub event_metadata: Strings,
    /// `spec.summary`, deprecated; empty when absent.
    pub summary: String,
    pub suspend: bool,
}

impl Alert {
    pub fn id(&self) -> String {
        qualified(self.namespace.as_deref(), &self.name)
    }

    /// The Provider it sends to, as `<namespace>/<name>`.
    pub fn provider_id(&self) -> String {
        qualified(self.namespace.as_deref(), &self.provider)
    }
}

/// A Provider (`notification.toolkit.fluxcd.io/v1beta3`): what dispatch reads of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    pub namespace: Option<String>,
    pub name: String,
    /// `spec.type`.
    pub type_: String,
    pub suspend: bool,
}

impl Provider {
    pub fn id(&self) -> String {
        qualified(self.namespace.as_deref(), &self.name)
    }
}

/// notification-controller's flags that change dispatch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// `--no-cross-namespace-refs` (default off): an Alert only takes events of objects in its
    /// own namespace.
    pub no_cross_namespace_refs: bool,
}
