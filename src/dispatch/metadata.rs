//! Event metadata: what notification-controller keeps of what a controller sends
//! (`cleanupMetadata`, `excludeInternalMetadata`), and how it merges that with the Alert's
//! own (`combineEventMetadata`, RFC-0008). NC v1.9.3 `internal/server/event_server.go` and
//! `event_handlers.go`; docs/flux.md "How notification-controller dispatches an event".

use super::model::{Alert, Event, Strings};

/// The API group of every user-owned key: object annotations with this prefix reach events.
pub const EVENT_GROUP: &str = "event.toolkit.fluxcd.io";

/// fluxcd/pkg `apis/event/v1beta1/metadata.go` key suffixes that dispatch reads.
pub const REVISION: &str = "revision";
pub const ORIGIN_REVISION: &str = "originRevision";
pub const CHECKSUM: &str = "checksum";
pub const DIGEST: &str = "digest";
pub const TOKEN: &str = "token";
pub const COMMIT: &str = "commit";
pub const COMMIT_STATUS: &str = "commit_status";
pub const COMMIT_STATUS_UPDATE: &str = "update";
pub const CHANGE_REQUEST: &str = "change_request";

/// The metadata keys Flux itself defines (`metadata.go`), which controllers send or act on.
pub const CONTROLLER_KEYS: &[&str] = &[
    REVISION,
    ORIGIN_REVISION,
    CHECKSUM,
    DIGEST,
    TOKEN,
    COMMIT,
    COMMIT_STATUS,
    CHANGE_REQUEST,
];

/// The group of an `apiVersion` as apimachinery's `ParseGroupVersion` reads it: `""` and a
/// bare version (`v1`) are the core group `""`; `group/version`; anything with more than one
/// `/` does not parse, and NC then works with the empty group too.
pub fn object_group(api_version: &str) -> &str {
    match api_version.split_once('/') {
        Some((group, version)) if !version.contains('/') => group,
        _ => "",
    }
}

/// `<group>/`: the prefix of the keys a controller owns for its object. For the core group
/// it is a bare `/`.
pub fn controller_prefix(event: &Event) -> String {
    format!("{}/", object_group(&event.involved_object.api_version))
}

/// `event.toolkit.fluxcd.io/<key>`.
pub fn event_key(key: &str) -> String {
    format!("{EVENT_GROUP}/{key}")
}

/// `cleanupMetadata` (event_server.go l.159-177): only keys starting with
/// `event.toolkit.fluxcd.io/` or `<object group>/` survive, less `<object group>/checksum`
/// and `/digest`, compared case-insensitively (Go's `strings.EqualFold`). Values and
/// prefixes stay as they are.
pub fn cleanup_metadata(event: &mut Event) {
    let own = controller_prefix(event);
    let excluded = [format!("{own}{CHECKSUM}"), format!("{own}{DIGEST}")];
    let event_prefix = format!("{EVENT_GROUP}/");
    event.metadata.retain(|key, _| {
        let dropped = excluded
            .iter()
            .any(|x| x.to_lowercase() == key.to_lowercase());
        !dropped && (key.starts_with(&event_prefix) || key.starts_with(&own))
    });
}

/// `excludeInternalMetadata` (event_handlers.go l.722-732): `<object group>/token` is used for
/// rate limiting and then removed (an exact, case-sensitive delete).
pub fn exclude_internal_metadata(event: &mut Event) {
    let token = format!("{}{TOKEN}", controller_prefix(event));
    event.metadata.remove(&token);
}

/// Where a key of a notification's metadata came from, lowest precedence first; the strings
/// are NC's own (`combineEventMetadata`), as its logs and Warning events show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MetadataSource {
    /// The object's `event.toolkit.fluxcd.io/*` annotations, prefix stripped.
    ObjectAnnotations,
    /// The Alert's `spec.eventMetadata`.
    AlertEventMetadata,
    /// The Alert's `spec.summary`, as `summary`.
    AlertSummary,
    /// The controller's `<object group>/*` keys, prefix stripped.
    ControllerMetadata,
}

impl MetadataSource {
    pub fn as_str(self) -> &'static str {
        match self {
            MetadataSource::ObjectAnnotations => "involved object annotations",
            MetadataSource::AlertEventMetadata => "Alert object .spec.eventMetadata",
            MetadataSource::AlertSummary => "Alert object .spec.summary",
            MetadataSource::ControllerMetadata => "involved object controller metadata",
        }
    }
}

/// A key more than one source wrote: NC logs it and records a `MetadataAppendFailed` Warning
/// event on the Alert, for every event, whatever the values; the highest source's value is
/// sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub key: String,
    /// In precedence order, lowest first.
    pub sources: Vec<MetadataSource>,
}

/// `combineEventMetadata` (event_handlers.go l.649-719): the notification's metadata and the
/// keys in conflict, sorted by key. `event` is the event after clean-up.
pub fn combine_metadata(event: &Event, alert: &Alert) -> (Strings, Vec<Conflict>) {
    let mut metadata = Strings::new();
    let mut sources: std::collections::BTreeMap<String, Vec<MetadataSource>> =
        std::collections::BTreeMap::new();
    let mut write = |key: &str, value: &str, source: MetadataSource| {
        metadata.insert(key.to_string(), value.to_string());
        sources.entry(key.to_string()).or_default().push(source);
    };
    let event_prefix = format!("{EVENT_GROUP}/");
    for (key, value) in &event.metadata {
        if let Some(stripped) = key.strip_prefix(&event_prefix) {
            write(stripped, value, MetadataSource::ObjectAnnotations);
        }
    }
    for (key, value) in &alert.event_metadata {
        write(key, value, MetadataSource::AlertEventMetadata);
    }
    if !alert.summary.is_empty() {
        write("summary", &alert.summary, MetadataSource::AlertSummary);
    }
    let own = controller_prefix(event);
    for (key, value) in &event.metadata {
        if let Some(stripped) = key.strip_prefix(&own) {
            write(stripped, value, MetadataSource::ControllerMetadata);
        }
    }
    let conflicts = sources
        .into_iter()
        .filter(|(_, s)| s.len() > 1)
        .map(|(key, sources)| Conflict { key, sources })
        .collect();
    (metadata, conflicts)
}

/// `isCommitStatusUpdate` (provider_commit_status.go l.112-115): the cleaned, still prefixed
/// metadata has `<object group>/commit_status: update`.
pub fn is_commit_status_update(event: &Event) -> bool {
    let key = format!("{}{COMMIT_STATUS}", controller_prefix(event));
    event.metadata.get(&key).map(String::as_str) == Some(COMMIT_STATUS_UPDATE)
}

/// `hasCommitKey` (l.118-120): a non-empty `event.toolkit.fluxcd.io/commit`.
pub fn has_commit_key(event: &Event) -> bool {
    event
        .metadata
        .get(&event_key(COMMIT))
        .is_some_and(|v| !v.is_empty())
}

/// `hasChangeRequestKey` (provider_change_request.go l.34-36): a non-empty
/// `event.toolkit.fluxcd.io/change_request`.
pub fn has_change_request_key(event: &Event) -> bool {
    event
        .metadata
        .get(&event_key(CHANGE_REQUEST))
        .is_some_and(|v| !v.is_empty())
}
