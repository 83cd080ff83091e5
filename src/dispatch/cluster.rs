//! One event through notification-controller: clean-up, every Alert's match, delivery to its
//! Provider and the merged metadata (`handleEvent`, NC v1.9.3 `event_handlers.go` l.58-135).
//! Each matching Alert sends on its own: nothing is deduplicated across Alerts.

use std::collections::{BTreeSet, HashMap};

use super::delivery::{deliver, Undelivered};
use super::matching::{describe_source, match_sources, Filtered, MessageFilter, SourceMiss};
use super::metadata::{
    cleanup_metadata, combine_metadata, exclude_internal_metadata, object_group, Conflict,
    COMMIT_STATUS,
};
use super::model::{qualified, Alert, Event, EventSource, Object, Options, Provider, Strings};

/// The cluster as dispatch sees it: every Alert and Provider, and the objects whose labels
/// `matchLabels` entries read.
#[derive(Debug, Clone, Default)]
pub struct Cluster {
    alerts: Vec<Alert>,
    filters: Vec<MessageFilter>,
    providers: HashMap<(Option<String>, String), Provider>,
    /// Labels by (group, kind, namespace, name): NC reads the object by the event's group and
    /// kind, whatever version.
    labels: HashMap<(String, String, Option<String>, String), Strings>,
    /// The Alerts that have an entry for a (namespace, kind): the only ones an event of that
    /// namespace and kind can match. An index, not a rule: it gives the same answer as trying
    /// every Alert.
    by_source: HashMap<(Option<String>, String), Vec<usize>>,
}

/// Which Alerts [`Cluster::dispatch`] reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Only those with an entry for the event's namespace and kind (the others never match):
    /// enough to know what is sent.
    Candidates,
    /// Every Alert, with the reason for each that sends nothing.
    Every,
}

/// What became of one event.
#[derive(Debug, Clone)]
pub struct Dispatch {
    /// The event as NC works with it, after `cleanupMetadata` and `excludeInternalMetadata`.
    pub received: Event,
    /// Per Alert (its index in [`Cluster::alerts`]), in the Alerts' order.
    pub verdicts: Vec<(usize, Verdict)>,
}

#[derive(Debug, Clone)]
pub enum Verdict {
    Sent(Notification),
    Skipped(Skip),
}

/// A notification an Alert sends.
#[derive(Debug, Clone)]
pub struct Notification {
    pub provider: Provider,
    pub metadata: Strings,
    pub conflicts: Vec<Conflict>,
}

/// Why an Alert sends nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// `spec.suspend: true`, checked before anything else.
    Suspended,
    /// No entry takes the event: the closest misses.
    Sources(Vec<(EventSource, SourceMiss)>),
    /// The message is filtered out.
    Message(Filtered),
    /// The Alert matches, its Provider does not get the event (with the Provider, if found).
    Undelivered(Undelivered, Option<Provider>),
}

impl Dispatch {
    /// The notifications sent, with the Alert each comes from.
    pub fn sent(&self) -> impl Iterator<Item = (usize, &Notification)> {
        self.verdicts.iter().filter_map(|(i, v)| match v {
            Verdict::Sent(n) => Some((*i, n)),
            Verdict::Skipped(_) => None,
        })
    }

    /// The verdict for one Alert, if it was considered.
    pub fn verdict(&self, alert: usize) -> Option<&Verdict> {
        self.verdicts
            .iter()
            .find(|(i, _)| *i == alert)
            .map(|(_, v)| v)
    }
}

impl Cluster {
    pub fn new(
        alerts: Vec<Alert>,
        providers: impl IntoIterator<Item = Provider>,
        objects: impl IntoIterator<Item = Object>,
    ) -> Self {
        let filters = alerts.iter().map(MessageFilter::new).collect();
        let mut by_source: HashMap<(Option<String>, String), Vec<usize>> = HashMap::new();
        for (index, alert) in alerts.iter().enumerate() {
            let keys: BTreeSet<(Option<String>, String)> = alert
                .event_sources
                .iter()
                .map(|s| {
                    let ns = s.namespace.clone().or_else(|| alert.namespace.clone());
                    (ns, s.kind.clone())
                })
                .collect();
            for key in keys {
                by_source.entry(key).or_default().push(index);
            }
        }
        let providers = providers
            .into_iter()
            .map(|p| ((p.namespace.clone(), p.name.clone()), p))
            .collect();
        let mut labels = HashMap::new();
        for object in objects {
            let r = object.reference;
            let key = (
                object_group(&r.api_version).to_string(),
                r.kind,
                r.namespace,
                r.name,
            );
            labels.entry(key).or_insert(object.labels);
        }
        Cluster {
            alerts,
            filters,
            providers,
            labels,
            by_source,
        }
    }

    pub fn alerts(&self) -> &[Alert] {
        &self.alerts
    }

    /// The Provider an Alert names, in its namespace.
    pub fn provider_of(&self, alert: &Alert) -> Option<&Provider> {
        self.providers
            .get(&(alert.namespace.clone(), alert.provider.clone()))
    }

    /// Patterns of an Alert's lists that do not compile (NC skips them, with an
    /// `InvalidConfig` Warning event on the Alert each time).
    pub fn invalid_patterns(&self, alert: usize) -> Vec<&str> {
        self.filters[alert].invalid()
    }

    /// The labels of the live object an event is about: NC `Get`s it by the event's group,
    /// version, kind, namespace and name. The client refuses an object without a version, which
    /// is what an empty apiVersion, `/`, `group/` and one with two `/` give (docs/flux.md), so
    /// those find nothing.
    fn live_labels(&self, event: &Event) -> Option<&Strings> {
        let object = &event.involved_object;
        let version = match object.api_version.split_once('/') {
            Some((_, version)) => version,
            None => object.api_version.as_str(),
        };
        if version.is_empty() || version.contains('/') {
            return None;
        }
        self.labels.get(&(
            object_group(&object.api_version).to_string(),
            object.kind.clone(),
            object.namespace.clone(),
            object.name.clone(),
        ))
    }

    /// The event through notification-controller, as `handleEvent` runs it.
    pub fn dispatch(&self, event: &Event, options: &Options, scope: Scope) -> Dispatch {
        let mut received = event.clone();
        cleanup_metadata(&mut received);
        exclude_internal_metadata(&mut received);
        let alerts: Vec<usize> = match scope {
            Scope::Every => (0..self.alerts.len()).collect(),
            Scope::Candidates => self
                .by_source
                .get(&(
                    received.involved_object.namespace.clone(),
                    received.involved_object.kind.clone(),
                ))
                .cloned()
                .unwrap_or_default(),
        };
        let verdicts = alerts
            .into_iter()
            .map(|i| (i, self.verdict(i, &received, options)))
            .collect();
        Dispatch { received, verdicts }
    }

    /// `filterAlertsForEvent` for one Alert, then `getNotificationParams`.
    fn verdict(&self, index: usize, event: &Event, options: &Options) -> Verdict {
        let alert = &self.alerts[index];
        if alert.suspend {
            return Verdict::Skipped(Skip::Suspended);
        }
        if let Err(misses) = match_sources(event, alert, || self.live_labels(event)) {
            return Verdict::Skipped(Skip::Sources(misses));
        }
        if let Err(filtered) = self.filters[index].check(&event.message) {
            return Verdict::Skipped(Skip::Message(filtered));
        }
        let provider = self.provider_of(alert);
        match deliver(event, alert, provider, options) {
            Ok(provider) => {
                let (metadata, conflicts) = combine_metadata(event, alert);
                Verdict::Sent(Notification {
                    provider: provider.clone(),
                    metadata,
                    conflicts,
                })
            }
            Err(why) => Verdict::Skipped(Skip::Undelivered(why, provider.cloned())),
        }
    }
}

impl Skip {
    /// Why `alert` sends nothing for `event` (as received), in words.
    pub fn reason(&self, alert: &Alert, event: &Event) -> String {
        let object = &event.involved_object;
        let what = format!(
            "{} {}",
            object.kind,
            qualified(object.namespace.as_deref(), &object.name)
        );
        match self {
            Skip::Suspended => "the Alert is suspended (spec.suspend: true)".into(),
            Skip::Sources(misses) => sources_reason(misses, alert, event, &what),
            Skip::Message(Filtered::NotIncluded { invalid }) => {
                let mut text = format!(
                    "inclusionList: no pattern matches the message {:?}",
                    event.message
                );
                if !invalid.is_empty() {
                    text.push_str(&format!(
                        " ({} do not compile and are skipped)",
                        quoted_list(invalid)
                    ));
                }
                text
            }
            Skip::Message(Filtered::Excluded { pattern }) => format!(
                "exclusionList: `{pattern}` matches the message {:?}",
                event.message
            ),
            Skip::Undelivered(why, provider) => {
                let provider_id = alert.provider_id();
                let typed = provider
                    .as_ref()
                    .map(|p| format!("Provider {provider_id} ({})", p.type_))
                    .unwrap_or_else(|| format!("Provider {provider_id}"));
                match why {
                    Undelivered::CrossNamespace => format!(
                        "--no-cross-namespace-refs: {what} is not in the Alert's namespace {}, \
                         so notification-controller refuses the event (a \
                         NotificationDispatchFailed warning on the Alert)",
                        alert.namespace.as_deref().unwrap_or("(none)")
                    ),
                    Undelivered::ProviderMissing => format!(
                        "Provider {provider_id} is not in the build: notification-controller \
                         fails to dispatch (a NotificationDispatchFailed warning on the Alert) \
                         unless it exists in the cluster"
                    ),
                    Undelivered::ProviderSuspended => {
                        format!("{typed} is suspended (spec.suspend: true)")
                    }
                    Undelivered::CommitStatusUpdate => format!(
                        "{typed} skips commit-status updates ({}/{COMMIT_STATUS}: update): only \
                         commit-status and generic Providers take them",
                        object_group(&object.api_version)
                    ),
                    Undelivered::CommitStatusDropped => format!(
                        "{typed} sets commit statuses: it takes only events with \
                         event.toolkit.fluxcd.io/commit, commit-status updates and errors"
                    ),
                    Undelivered::ChangeRequestDropped => format!(
                        "{typed} comments on change requests: it takes only events with \
                         event.toolkit.fluxcd.io/change_request"
                    ),
                }
            }
        }
    }
}

fn quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn distinct<T: Ord + Clone>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    items
        .into_iter()
        .collect::<BTreeSet<T>>()
        .into_iter()
        .collect()
}

/// The closest misses of an Alert's entries, in words.
fn sources_reason(
    misses: &[(EventSource, SourceMiss)],
    alert: &Alert,
    event: &Event,
    what: &str,
) -> String {
    let object = &event.involved_object;
    let namespace = object.namespace.as_deref().unwrap_or("(none)");
    let Some((_, first)) = misses.first() else {
        return "the Alert has no eventSources".into();
    };
    match first {
        SourceMiss::NamespaceAndKind => format!(
            "no eventSources entry for {} in namespace {namespace}",
            object.kind
        ),
        SourceMiss::Namespace => {
            let namespaces = distinct(
                misses
                    .iter()
                    .map(|(s, _)| s.namespace.clone().unwrap_or_else(|| "(none)".to_string())),
            );
            format!(
                "namespace differs: its {} entries are for namespace {}, not {namespace}",
                object.kind,
                namespaces.join(", ")
            )
        }
        SourceMiss::Kind => {
            let kinds = distinct(misses.iter().map(|(s, _)| s.kind.clone()));
            format!(
                "kind differs: in namespace {namespace} its entries are for {}, not {}",
                kinds.join(", "),
                object.kind
            )
        }
        SourceMiss::Severity => format!(
            "severity: the Alert takes only {} events (eventSeverity: {}), this one is {}",
            alert.event_severity,
            alert.event_severity,
            if event.severity.is_empty() {
                "(none)"
            } else {
                &event.severity
            }
        ),
        SourceMiss::Name => {
            let names = distinct(misses.iter().map(|(s, _)| s.name.clone()));
            format!(
                "name differs: its {} entries in namespace {namespace} name {}, not {}",
                object.kind,
                names.join(", "),
                object.name
            )
        }
        SourceMiss::ObjectNotFound | SourceMiss::Labels { .. } => {
            let parts: Vec<String> = misses
                .iter()
                .map(|(source, miss)| match miss {
                    SourceMiss::Labels { missing } => {
                        let pairs: Vec<String> =
                            missing.iter().map(|(k, v)| format!("{k}={v}")).collect();
                        format!(
                            "{what} lacks {} (entry {})",
                            pairs.join(", "),
                            describe_source(source)
                        )
                    }
                    _ => format!(
                        "entry {} reads the live object's labels, and {what} is not in the \
                         build (notification-controller: SourceFetchFailed, no match)",
                        describe_source(source)
                    ),
                })
                .collect();
            format!("labels: {}", parts.join("; "))
        }
    }
}
