//! Flux's Provider `type` enum, with the facts the config checks need about each value.
//!
//! The list is the `spec.type` enum of `notification.toolkit.fluxcd.io_providers.yaml`
//! (notification-controller `main`, see `flux-crds/SOURCES.md`), in the CRD's order.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

macro_rules! provider_types {
    ($($variant:ident = $text:literal,)*) => {
        /// Flux Provider type (`notification.toolkit.fluxcd.io/v1beta3` `spec.type`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[derive(Serialize, Deserialize, JsonSchema)]
        pub enum ProviderType {
            $(#[serde(rename = $text)] $variant,)*
        }

        impl ProviderType {
            /// Every value, in the CRD's order.
            pub const ALL: &'static [ProviderType] = &[$(ProviderType::$variant,)*];

            /// The value as Flux spells it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ProviderType::$variant => $text,)*
                }
            }
        }
    };
}

provider_types! {
    Slack = "slack",
    Discord = "discord",
    Msteams = "msteams",
    Rocket = "rocket",
    Generic = "generic",
    GenericHmac = "generic-hmac",
    Github = "github",
    Gitlab = "gitlab",
    Gitea = "gitea",
    GiteaPullRequestComment = "giteapullrequestcomment",
    BitbucketServer = "bitbucketserver",
    Bitbucket = "bitbucket",
    AzureDevops = "azuredevops",
    GoogleChat = "googlechat",
    GooglePubSub = "googlepubsub",
    Webex = "webex",
    Sentry = "sentry",
    AzureEventHub = "azureeventhub",
    Telegram = "telegram",
    Lark = "lark",
    Matrix = "matrix",
    Opsgenie = "opsgenie",
    Alertmanager = "alertmanager",
    Grafana = "grafana",
    GithubDispatch = "githubdispatch",
    GithubPullRequestComment = "githubpullrequestcomment",
    GitlabMergeRequestComment = "gitlabmergerequestcomment",
    PagerDuty = "pagerduty",
    Datadog = "datadog",
    Nats = "nats",
    Zulip = "zulip",
    Otel = "otel",
    Zoom = "zoom",
    IncidentIo = "incident.io",
}

/// The types the CRD's CEL rule allows `commitStatusExpr` on, in the rule's order.
pub const COMMIT_STATUS_TYPES: &[ProviderType] = &[
    ProviderType::Github,
    ProviderType::Gitlab,
    ProviderType::Gitea,
    ProviderType::BitbucketServer,
    ProviderType::Bitbucket,
    ProviderType::AzureDevops,
];

/// The types whose `serviceAccountName` Flux uses (the CRD's field description).
pub const WORKLOAD_IDENTITY_TYPES: &[ProviderType] = &[
    ProviderType::AzureEventHub,
    ProviderType::AzureDevops,
    ProviderType::GooglePubSub,
];

/// What a Provider's `address` holds for a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AddressKind {
    /// An http/https URL.
    Http,
    /// NATS server URLs (`nats://`, `tls://`, `ws://`, `wss://`), comma separated.
    Nats,
    /// A plain identifier: the GCP project ID (googlepubsub), the Event Hub name
    /// (azureeventhub).
    Identifier,
}

impl ProviderType {
    /// Whether notification-controller v1.9.3 (Flux v2.9.4, the newest release) accepts it.
    /// `zoom` and `incident.io` are only on `main` so far.
    pub fn is_released(self) -> bool {
        !matches!(self, ProviderType::Zoom | ProviderType::IncidentIo)
    }

    /// Whether Flux's CEL rule allows `commitStatusExpr` with this type.
    pub fn supports_commit_status(self) -> bool {
        COMMIT_STATUS_TYPES.contains(&self)
    }

    /// Whether Flux uses `serviceAccountName` with this type.
    pub fn supports_workload_identity(self) -> bool {
        WORKLOAD_IDENTITY_TYPES.contains(&self)
    }

    pub(crate) fn address_kind(self) -> AddressKind {
        match self {
            ProviderType::Nats => AddressKind::Nats,
            ProviderType::GooglePubSub | ProviderType::AzureEventHub => AddressKind::Identifier,
            _ => AddressKind::Http,
        }
    }
}

impl fmt::Display for ProviderType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
