//! The `AppNotifications` config (`app-notifications.dev/v1alpha1`) as users write it.
//!
//! The doc comments on these types are the descriptions of the published JSON Schema and
//! OpenAPI schema, so they are written for users, not for readers of this crate.
//!
//! Every struct denies unknown fields: a typo must be an error, never a silently ignored key.
//! Empty strings in optional string fields mean "not set" (`environmentLabel: ""` in the
//! documented defaults); [`crate::config::load`] normalises them to `None`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use super::provider_ref::ProviderRef;
pub use super::provider_type::ProviderType;

/// Application-aware Flux notifications: one Flux Alert per app instance and route, covering
/// every applier (Kustomization, HelmRelease) that carries the app's labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppNotifications {
    /// Always `app-notifications.dev/v1alpha1`.
    #[schemars(extend("const" = "app-notifications.dev/v1alpha1"))]
    pub api_version: String,
    /// Always `AppNotifications`.
    #[schemars(extend("const" = "AppNotifications"))]
    pub kind: String,
    /// Standard object metadata. `name` is the default app name; `namespace` is the default
    /// placement namespace.
    pub metadata: ObjectMeta,
    /// What to generate.
    pub spec: Spec,
}

/// The subset of Kubernetes object metadata a local config carries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ObjectMeta {
    /// Name of this config; the default for `spec.app`.
    pub name: String,
    /// Namespace of this config; the default for `spec.placement.namespace`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Labels of this config.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations of this config. Configs found among the input items should carry
    /// `config.kubernetes.io/local-config: "true"` so they are never applied to a cluster.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// The notification definition of one application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Spec {
    /// Application name, used in Alert names (`<app>-<env>[-<route>]`). Default:
    /// `metadata.name`. Must be a DNS-1123 label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// Which appliers belong to the app. Default: `matchLabels: {app.kubernetes.io/name:
    /// <app>}`. `matchExpressions` only work with `eventSources: names`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    /// The fixed environment of this build (an overlay sets or patches it). Must be a DNS-1123
    /// label. Cannot be combined with `environmentLabel`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Applier label whose distinct values are the environments: one app instance per value.
    /// Cannot be combined with `environment`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment_label: Option<String>,
    /// Kinds of Flux appliers that make up the app.
    #[serde(default = "default_appliers")]
    #[schemars(length(min = 1))]
    pub appliers: Vec<ApplierKind>,
    /// Which source objects the Alerts cover besides the appliers.
    #[serde(default)]
    pub sources: Sources,
    /// How the Alerts' `eventSources` select objects.
    #[serde(default)]
    pub event_sources: EventSources,
    /// Where the Alerts (and generated Providers) go.
    #[serde(default)]
    pub placement: Placement,
    /// Routes: one Alert per app instance per route. At least one.
    #[schemars(length(min = 1))]
    pub alerts: Vec<Route>,
    /// Flux Providers to generate in every namespace where an Alert references them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub providers: Vec<Provider>,
    /// Per-environment overrides, keyed by environment name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub environments: BTreeMap<String, EnvironmentOverride>,
    /// Stamp `event.toolkit.fluxcd.io/app` and `/env` annotations on the app's covered objects
    /// (appliers, owned sources, and HelmCharts through `spec.chart.metadata.annotations`), which
    /// then carry them on every event, instead of the Alerts' `eventMetadata`.
    #[serde(default)]
    pub annotate_appliers: bool,
    /// File, relative to the config's directory, that receives the generated objects.
    /// Default: `<config name>.notifications.yaml` next to the config.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_path: Option<String>,
}

pub(crate) fn default_appliers() -> Vec<ApplierKind> {
    vec![ApplierKind::Kustomization, ApplierKind::HelmRelease]
}

/// A Kubernetes label selector.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelSelector {
    /// Labels an applier must carry, with these exact values.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub match_labels: BTreeMap<String, String>,
    /// Further requirements, all of which must hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

/// One label requirement of a selector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelSelectorRequirement {
    /// The label key.
    pub key: String,
    /// How the label relates to `values`.
    pub operator: SelectorOperator,
    /// Values for `In` and `NotIn` (at least one); empty for `Exists` and `DoesNotExist`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// Operator of a label requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum SelectorOperator {
    /// The label is present and its value is one of `values`.
    In,
    /// The label is absent, or its value is none of `values`.
    NotIn,
    /// The label is present.
    Exists,
    /// The label is absent.
    DoesNotExist,
}

/// A kind of Flux applier.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum ApplierKind {
    /// `kustomize.toolkit.fluxcd.io` Kustomization.
    Kustomization,
    /// `helm.toolkit.fluxcd.io` HelmRelease.
    HelmRelease,
    /// `fluxcd.controlplane.io` FluxInstance (Flux Operator). Opt-in: only clusters whose Flux
    /// the Flux Operator installed, with notification-controller among its components, accept
    /// this kind in an Alert.
    FluxInstance,
    /// `fluxcd.controlplane.io` ResourceSet (Flux Operator v0.19.0 or later). Opt-in, as
    /// FluxInstance.
    ResourceSet,
}

impl ApplierKind {
    /// The Kubernetes kind.
    pub fn as_str(self) -> &'static str {
        match self {
            ApplierKind::Kustomization => "Kustomization",
            ApplierKind::HelmRelease => "HelmRelease",
            ApplierKind::FluxInstance => "FluxInstance",
            ApplierKind::ResourceSet => "ResourceSet",
        }
    }

    /// A Flux Operator kind (`fluxcd.controlplane.io`), which plain Flux's Alert CRD rejects.
    pub fn is_operator_kind(self) -> bool {
        matches!(self, ApplierKind::FluxInstance | ApplierKind::ResourceSet)
    }
}

/// Which source objects the Alerts cover.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Sources {
    /// Appliers only.
    None,
    /// Source objects in the build that match the selector, plus the HelmChart generated for
    /// each covered HelmRelease.
    #[default]
    Owned,
    /// Owned sources plus every source a covered applier references.
    Referenced,
}

/// How the Alerts' `eventSources` select objects.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EventSources {
    /// One entry per covered object, by name (also catches deletion events).
    #[default]
    Names,
    /// One `name: '*'` + `matchLabels` entry per kind and namespace (follows appliers that come
    /// and go, but misses deletion events).
    Selector,
    /// Both.
    Hybrid,
}

/// Where the Alerts (and generated Providers) go.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Placement {
    /// Namespace of the Alerts. Default: `metadata.namespace`, else the one namespace of the
    /// covered appliers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// One Alert for the instance, or one per namespace holding covered appliers.
    #[serde(default)]
    pub mode: PlacementMode,
}

/// Alert placement mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum PlacementMode {
    /// One Alert per app instance and route.
    #[default]
    Single,
    /// One Alert per namespace holding covered appliers, each covering only its own namespace
    /// (for clusters running with `--no-cross-namespace-refs`).
    PerNamespace,
}

/// A route: where the events of an app instance go, and which ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Route {
    /// Route name: appended to the Alert name unless it is `default`. A DNS-1123 label.
    #[serde(default = "default_route_name")]
    pub name: String,
    /// The Flux Provider to send to, in the Alert's namespace: `slack` or `{name: slack}`.
    pub provider_ref: ProviderRef,
    /// `info` sends every event; `error` only errors.
    #[serde(default)]
    pub event_severity: EventSeverity,
    /// Regular expressions (RE2 syntax, as Flux); only matching messages are sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inclusion_list: Vec<String>,
    /// Regular expressions (RE2 syntax, as Flux); matching messages are dropped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclusion_list: Vec<String>,
    /// Metadata added to every event (`app` and `env` are added too, unless `annotateAppliers`
    /// stamps them on the objects). Keys of Flux's own event metadata (`revision`,
    /// `originRevision`, `commit_status`, `token`, `digest`, `checksum`, `commit`,
    /// `change_request`) are refused.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub event_metadata: BTreeMap<String, String>,
    /// Short description of the impact, written as the Alert's `eventMetadata.summary` (Flux
    /// deprecated the Alert's `summary`); not together with `eventMetadata.summary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 255))]
    pub summary: Option<String>,
    /// Generate the Alert suspended.
    #[serde(default)]
    pub suspend: bool,
}

/// The name of the route whose Alert name has no suffix.
pub const DEFAULT_ROUTE: &str = "default";

pub(crate) fn default_route_name() -> String {
    DEFAULT_ROUTE.to_owned()
}

/// Severity filter of an Alert.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EventSeverity {
    /// Every event.
    #[default]
    Info,
    /// Error events only.
    Error,
}

/// A Flux Provider to generate. Fields are those of Flux's `ProviderSpec`
/// (`notification.toolkit.fluxcd.io/v1beta3`) in Flux's shapes, except the deprecated
/// `interval` (unused) and `proxy` (use `proxySecretRef`). Secrets are never generated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Provider {
    /// Provider name, referenced by routes' `providerRef`. A DNS-1123 subdomain.
    pub name: String,
    /// Flux Provider type.
    #[serde(rename = "type")]
    pub type_: ProviderType,
    /// Destination channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 2048))]
    pub channel: Option<String>,
    /// Name under which events are posted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 2048))]
    pub username: Option<String>,
    /// Endpoint (http/https for most types). Never put credentials or tokens here: they belong
    /// in the Secret named by `secretRef` (its `address` key overrides this field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 2048))]
    pub address: Option<String>,
    /// Secret holding the credentials (`token`, `address`, `username`, `password`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<SecretRef>,
    /// Secret holding TLS certificates (`ca.crt`, `tls.crt`, `tls.key`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_secret_ref: Option<SecretRef>,
    /// Secret holding the proxy `address` (and optional `username`, `password`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy_secret_ref: Option<SecretRef>,
    /// ServiceAccount for workload identity (azureeventhub, azuredevops, googlepubsub).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<String>,
    /// Timeout for sending alerts, e.g. `30s`, `1m30s`, `500ms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// Generate the Provider suspended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspend: Option<bool>,
    /// CEL expression for the commit status (git provider types only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit_status_expr: Option<String>,
}

/// A reference to a Secret in the Provider's namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretRef {
    /// Name of the Secret.
    pub name: String,
}

/// Overrides for one environment, merged over the base spec.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnvironmentOverride {
    /// Routes merged by `name`: given fields override, `eventMetadata` maps merge, new routes
    /// are added.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<RouteOverride>,
    /// Providers merged by `name`: given fields override, new Providers are added.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub providers: Vec<ProviderOverride>,
    /// Placement fields that override the base placement.
    #[serde(default, skip_serializing_if = "PlacementOverride::is_empty")]
    pub placement: PlacementOverride,
    /// Metadata merged into every route's `eventMetadata` (a route's own keys win).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub event_metadata: BTreeMap<String, String>,
    /// Generate nothing for this environment.
    #[serde(default)]
    pub disabled: bool,
}

/// A route override: the fields given replace the base route's; a route not in `spec.alerts`
/// is added and then needs a `providerRef`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RouteOverride {
    /// Name of the route to override or add.
    #[serde(default = "default_route_name")]
    pub name: String,
    /// The Flux Provider to send to: `slack` or `{name: slack}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_ref: Option<ProviderRef>,
    /// `info` or `error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_severity: Option<EventSeverity>,
    /// Replaces the base route's inclusionList.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inclusion_list: Option<Vec<String>>,
    /// Replaces the base route's exclusionList.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusion_list: Option<Vec<String>>,
    /// Merged into the base route's eventMetadata (these keys win).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub event_metadata: BTreeMap<String, String>,
    /// Replaces the base route's summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 255))]
    pub summary: Option<String>,
    /// Replaces the base route's suspend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspend: Option<bool>,
}

/// A Provider override: the fields given replace the base Provider's; a Provider not in
/// `spec.providers` is added and then needs a `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProviderOverride {
    /// Name of the Provider to override or add.
    pub name: String,
    /// Flux Provider type.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<ProviderType>,
    /// Destination channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 2048))]
    pub channel: Option<String>,
    /// Name under which events are posted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 2048))]
    pub username: Option<String>,
    /// Endpoint; never credentials (use `secretRef`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 2048))]
    pub address: Option<String>,
    /// Secret holding the credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<SecretRef>,
    /// Secret holding TLS certificates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_secret_ref: Option<SecretRef>,
    /// Secret holding the proxy configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy_secret_ref: Option<SecretRef>,
    /// ServiceAccount for workload identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<String>,
    /// Timeout for sending alerts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// Generate the Provider suspended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspend: Option<bool>,
    /// CEL expression for the commit status (git provider types only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit_status_expr: Option<String>,
}

/// Placement fields an environment overrides.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlacementOverride {
    /// Namespace of the Alerts; `""` returns to the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Placement mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<PlacementMode>,
}

impl PlacementOverride {
    /// True when the override changes nothing.
    pub fn is_empty(&self) -> bool {
        self.namespace.is_none() && self.mode.is_none()
    }
}
