//! Flux's vocabulary as this crate uses it: API groups, the kinds that apply and the kinds
//! that are sources, the references an applier holds. The upstream files each fact comes from are in `docs/flux.md`.

use crate::resource_list::ReferenceField;

/// The notification API the generated objects use (Flux 2.2 and later).
pub const NOTIFICATION_API: &str = "notification.toolkit.fluxcd.io/v1beta3";
pub const NOTIFICATION_GROUP: &str = "notification.toolkit.fluxcd.io";
pub const KUSTOMIZE_GROUP: &str = "kustomize.toolkit.fluxcd.io";
pub const HELM_GROUP: &str = "helm.toolkit.fluxcd.io";
pub const SOURCE_GROUP: &str = "source.toolkit.fluxcd.io";
pub const SOURCE_EXTENSIONS_GROUP: &str = "source.extensions.fluxcd.io";
/// The Flux Operator's API group (FluxInstance, ResourceSet, ResourceSetInputProvider).
pub const OPERATOR_GROUP: &str = "fluxcd.controlplane.io";

/// Every applier kind a config may list: Flux's own, then the Flux Operator's (opt-in).
pub const APPLIER_KINDS: &[&str] = &[
    "Kustomization",
    "HelmRelease",
    "FluxInstance",
    "ResourceSet",
];

/// The fields in which appliers name their sources.
pub const SOURCE_REFERENCES: &[ReferenceField] = &[
    ReferenceField {
        field: "spec.sourceRef",
        path: &["spec", "sourceRef"],
    },
    ReferenceField {
        field: "spec.chart.spec.sourceRef",
        path: &["spec", "chart", "spec", "sourceRef"],
    },
    ReferenceField {
        field: "spec.chartRef",
        path: &["spec", "chartRef"],
    },
];

/// The chart source reference of a HelmRelease, whose HelmChart source-controller creates.
pub const CHART_SOURCE_REFERENCE: &str = "spec.chart.spec.sourceRef";

/// The API group of a Flux applier kind. `kustomize.config.k8s.io` Kustomizations share the
/// kind name but are build files, never appliers.
pub fn applier_group(kind: &str) -> Option<&'static str> {
    match kind {
        "Kustomization" => Some(KUSTOMIZE_GROUP),
        "HelmRelease" => Some(HELM_GROUP),
        _ => None,
    }
}

/// The API group of a Flux Operator kind that applies objects and emits events through
/// fluxcd/pkg's recorder (docs/flux.md, "Flux Operator"). Only clusters whose Alert CRD the
/// operator patched accept these kinds in `eventSources`.
pub fn operator_applier_group(kind: &str) -> Option<&'static str> {
    match kind {
        "FluxInstance" | "ResourceSet" => Some(OPERATOR_GROUP),
        _ => None,
    }
}

/// Source kinds that a reference (`sourceRef`, `chartRef`) may name and an Alert may watch.
pub fn is_source_kind(kind: &str) -> bool {
    matches!(
        kind,
        "GitRepository"
            | "OCIRepository"
            | "HelmRepository"
            | "HelmChart"
            | "Bucket"
            | "ExternalArtifact"
            | "ArtifactGenerator"
    )
}

/// The kinds an Alert's `eventSources` may name (NC v1.9.3 `api/v1/reference_types.go`), in
/// the CRD's order, each with the apiVersion its controller reports events under (the served
/// storage versions of Flux 2.9: source-controller v1.9, kustomize-controller v1.9,
/// helm-controller v1.6, image-reflector-controller v1.2, image-automation-controller v1.2,
/// source-watcher v2.2).
pub const EVENT_SOURCE_KINDS: &[(&str, &str)] = &[
    ("Bucket", "source.toolkit.fluxcd.io/v1"),
    ("GitRepository", "source.toolkit.fluxcd.io/v1"),
    ("Kustomization", "kustomize.toolkit.fluxcd.io/v1"),
    ("HelmRelease", "helm.toolkit.fluxcd.io/v2"),
    ("HelmChart", "source.toolkit.fluxcd.io/v1"),
    ("HelmRepository", "source.toolkit.fluxcd.io/v1"),
    ("ImageRepository", "image.toolkit.fluxcd.io/v1"),
    ("ImagePolicy", "image.toolkit.fluxcd.io/v1"),
    ("ImageUpdateAutomation", "image.toolkit.fluxcd.io/v1"),
    ("OCIRepository", "source.toolkit.fluxcd.io/v1"),
    ("ArtifactGenerator", "source.extensions.fluxcd.io/v1beta1"),
    ("ExternalArtifact", "source.toolkit.fluxcd.io/v1"),
];

/// The only served version of the Flux Operator's kinds (flux-operator v0.58.1,
/// `api/v1/groupversion_info.go`).
pub const OPERATOR_API: &str = "fluxcd.controlplane.io/v1";

/// The Flux Operator kinds an Alert may name once the operator patched its CRD, and that
/// `spec.appliers` accepts (docs/flux.md, "Flux Operator").
pub const OPERATOR_EVENT_KINDS: &[&str] = &["FluxInstance", "ResourceSet"];

/// The apiVersion events about an object of `kind` carry, for kinds an Alert can name (the
/// Flux Operator's too).
pub fn event_api_version(kind: &str) -> Option<&'static str> {
    EVENT_SOURCE_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, api_version)| *api_version)
        .or_else(|| OPERATOR_EVENT_KINDS.contains(&kind).then_some(OPERATOR_API))
}

/// Whether an object of `kind` in API `group` is one Flux's controllers report events about,
/// so that an Alert's `eventSources` entry of that kind can match it: notification-controller
/// matches entries by kind alone (NC v1.9.3 `internal/server/event_handlers.go`,
/// `eventMatchesAlertSource`), but only Flux objects send events, and a build also holds objects
/// that share a Flux kind's name and never do (kustomize's own `kustomize.config.k8s.io`
/// Kustomization files, another vendor's HelmRelease).
pub fn emits_flux_events(kind: &str, group: &str) -> bool {
    event_api_version(kind).and_then(|v| v.rsplit_once('/').map(|(g, _)| g)) == Some(group)
}

/// Whether an API group holds Flux sources.
pub fn is_source_group(group: &str) -> bool {
    group == SOURCE_GROUP || group == SOURCE_EXTENSIONS_GROUP
}

/// The annotation prefix whose keys Flux's event recorder copies from an object into the
/// metadata of every event about it (since fluxcd/pkg runtime v0.52.0, Flux 2.5).
pub const EVENT_ANNOTATION_PREFIX: &str = "event.toolkit.fluxcd.io/";

/// Provider types that post to `spec.address` (or the Secret's `address`) as it is: without
/// either, notification-controller fails every send (`NewForwarder`: invalid hook URL).
pub const FORWARDER_TYPES: &[&str] = &["generic", "generic-hmac"];
