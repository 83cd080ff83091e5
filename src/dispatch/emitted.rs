//! What Flux controllers send about an object: the event as fluxcd/pkg's recorder builds it,
//! and, per kind, a representative event of each outcome with the metadata the controller
//! attaches (docs/flux.md "Who emits events, about what"). `check` proves routes with these.

use super::matching::{ERROR, INFO};
use super::metadata::{COMMIT_STATUS, COMMIT_STATUS_UPDATE, DIGEST, EVENT_GROUP, REVISION, TOKEN};
use super::model::{Event, Object, Strings};

/// The event a controller posts about `object`: fluxcd/pkg `runtime/events/recorder.go`
/// `AnnotatedEventf` copies every `event.toolkit.fluxcd.io/*` annotation of the object into the
/// metadata, prefix kept, over the keys the controller passes (`controller`).
pub fn event_of(object: &Object, severity: &str, message: &str, controller: Strings) -> Event {
    let mut metadata = controller;
    let prefix = format!("{EVENT_GROUP}/");
    for (key, value) in &object.annotations {
        if key.starts_with(&prefix) {
            metadata.insert(key.clone(), value.clone());
        }
    }
    Event {
        involved_object: object.reference.clone(),
        severity: severity.to_string(),
        message: message.to_string(),
        metadata,
    }
}

/// One representative event: what it stands for, and the event.
#[derive(Debug, Clone)]
pub struct Emitted {
    /// "change set", "Reconciliation finished", "failure", … for messages.
    pub what: &'static str,
    pub event: Event,
}

const GIT_REVISION: &str = "main@sha1:0000000000000000000000000000000000000000";
const DIGEST_VALUE: &str =
    "sha256:0000000000000000000000000000000000000000000000000000000000000000";

fn keys(group: &str, pairs: &[(&str, &str)]) -> Strings {
    pairs
        .iter()
        .map(|(k, v)| (format!("{group}/{k}"), v.to_string()))
        .collect()
}

/// The events `object`'s controller sends, one per kind of outcome, by its kind (group
/// ignored, as Alerts ignore it). `emits` false: the object sends none (a HelmRepository of
/// type `oci` is static; no controller was found emitting events about ExternalArtifact).
pub fn representative_events(object: &Object, emits: bool) -> Vec<Emitted> {
    if !emits {
        return Vec::new();
    }
    let r = &object.reference;
    let ns = r.namespace.as_deref().unwrap_or("default");
    let name = r.name.as_str();
    let group = super::metadata::object_group(&r.api_version).to_string();
    let event = |what, severity: &str, message: String, controller: Strings| Emitted {
        what,
        event: event_of(object, severity, &message, controller),
    };
    match r.kind.as_str() {
        // kustomize-controller v1.9.4 `kustomization_controller.go`: `event()` adds revision
        // (and originRevision when the source has one); the success event adds
        // commit_status: update.
        "Kustomization" => {
            let revision = keys(&group, &[(REVISION, GIT_REVISION)]);
            let mut finished = revision.clone();
            finished.insert(
                format!("{group}/{COMMIT_STATUS}"),
                COMMIT_STATUS_UPDATE.into(),
            );
            vec![
                event(
                    "change set",
                    INFO,
                    format!("Deployment/{ns}/{name} configured"),
                    revision.clone(),
                ),
                event(
                    "Reconciliation finished",
                    INFO,
                    "Reconciliation finished in 1.5s, next run in 10m0s".into(),
                    finished,
                ),
                event(
                    "failure",
                    ERROR,
                    format!(
                        "health check failed after 5m0s: timeout waiting for: \
                         [Deployment/{ns}/{name} status: 'InProgress']"
                    ),
                    revision,
                ),
            ]
        }
        // helm-controller v1.6.3 `internal/reconcile/release.go` `eventMeta`: the chart
        // version as revision, the values digest as token, app-version.
        "HelmRelease" => {
            let meta = keys(
                &group,
                &[
                    (REVISION, "1.0.0"),
                    (TOKEN, DIGEST_VALUE),
                    ("app-version", "1.0.0"),
                ],
            );
            vec![
                event(
                    "upgrade succeeded",
                    INFO,
                    format!(
                        "Helm upgrade succeeded for release {ns}/{name}.v2 with chart {name}@1.0.0"
                    ),
                    meta.clone(),
                ),
                event(
                    "failure",
                    ERROR,
                    format!(
                        "Helm upgrade failed for release {ns}/{name} with chart {name}@1.0.0: \
                         context deadline exceeded"
                    ),
                    meta,
                ),
            ]
        }
        // source-controller v1.9.1 `notify` of each reconciler: revision and digest on new
        // artifacts; failures carry no controller keys (`eventLogf`).
        "GitRepository" | "OCIRepository" | "HelmRepository" | "HelmChart" | "Bucket" => {
            let stored = match r.kind.as_str() {
                "GitRepository" => "stored artifact for commit 'Update the app'".to_string(),
                "OCIRepository" => format!(
                    "stored artifact with revision 'latest@{DIGEST_VALUE}' from 'oci://{name}'"
                ),
                "HelmRepository" => format!("stored fetched index of 1.2 MiB from '{name}'"),
                "HelmChart" => format!("packaged '{name}' chart with version '1.0.0'"),
                _ => format!("stored artifact with 3 fetched files from '{name}' bucket"),
            };
            vec![
                event(
                    "new artifact",
                    INFO,
                    stored,
                    keys(&group, &[(REVISION, GIT_REVISION), (DIGEST, DIGEST_VALUE)]),
                ),
                event(
                    "failure",
                    ERROR,
                    format!("{} {ns}/{name} failed to produce an artifact", r.kind),
                    Strings::new(),
                ),
            ]
        }
        _ => vec![
            event(
                "success",
                INFO,
                format!("{} {ns}/{name} reconciled", r.kind),
                Strings::new(),
            ),
            event(
                "failure",
                ERROR,
                format!("{} {ns}/{name} failed", r.kind),
                Strings::new(),
            ),
        ],
    }
}
