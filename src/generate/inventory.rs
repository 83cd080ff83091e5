//! What the input holds, from the generator's point of view: Flux appliers, Flux sources,
//! Providers already present, configs, and objects an earlier run generated.

use crate::resource_list::{Item, ItemFields};

/// The annotation that marks an object as generated, naming the config that owns it.
pub const GENERATED_BY: &str = "app-notifications.dev/generated-by";
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
pub const MANAGED_BY: &str = "app-notifications";
pub const ENVIRONMENT_LABEL: &str = "app-notifications.dev/environment";
pub const LOCAL_CONFIG: &str = "config.kubernetes.io/local-config";

/// Where kpt (and, for the legacy pair, kustomize) says an item lives in the package.
pub const PATH: &str = "internal.config.kubernetes.io/path";
pub const INDEX: &str = "internal.config.kubernetes.io/index";
pub const LEGACY_PATH: &str = "config.kubernetes.io/path";
pub const LEGACY_INDEX: &str = "config.kubernetes.io/index";

pub const NOTIFICATION_API: &str = "notification.toolkit.fluxcd.io/v1beta3";
const NOTIFICATION_GROUP: &str = "notification.toolkit.fluxcd.io";
const KUSTOMIZE_GROUP: &str = "kustomize.toolkit.fluxcd.io";
const HELM_GROUP: &str = "helm.toolkit.fluxcd.io";
const SOURCE_GROUP: &str = "source.toolkit.fluxcd.io";
const SOURCE_EXTENSIONS_GROUP: &str = "source.extensions.fluxcd.io";

/// The kinds of Flux appliers and the API group each belongs to. `kustomize.config.k8s.io`
/// Kustomizations share the kind name but are build files, never appliers.
pub fn applier_group(kind: &str) -> Option<&'static str> {
    match kind {
        "Kustomization" => Some(KUSTOMIZE_GROUP),
        "HelmRelease" => Some(HELM_GROUP),
        _ => None,
    }
}

/// Whether an item is a Flux applier of one of `kinds`.
pub fn is_applier(fields: &ItemFields<'_>, kinds: &[&str]) -> bool {
    kinds.contains(&fields.kind.as_ref()) && applier_group(&fields.kind) == Some(fields.group())
}

/// Flux source kinds an Alert can name (the Alert CRD's eventSources kind enum, less the
/// appliers and the image automation kinds, which are not sources).
pub fn is_source(fields: &ItemFields<'_>) -> bool {
    let group = fields.group();
    (group == SOURCE_GROUP || group == SOURCE_EXTENSIONS_GROUP) && is_source_kind(&fields.kind)
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

pub fn is_provider(fields: &ItemFields<'_>) -> bool {
    fields.kind == "Provider" && fields.group() == NOTIFICATION_GROUP
}

/// A Flux notification object (Alert, Provider, Receiver): what the function generates.
pub fn is_notification(fields: &ItemFields<'_>) -> bool {
    fields.group() == NOTIFICATION_GROUP
}

/// The config an earlier run generated this item for, if any.
pub fn generated_by<'i>(item: &'i Item<'_>) -> Option<&'i str> {
    item.fields.annotation(GENERATED_BY)
}

/// `<namespace>/<name>`, or `<name>` for an object without a namespace.
pub fn qualified(namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(ns) => format!("{ns}/{name}"),
        None => name.to_string(),
    }
}
