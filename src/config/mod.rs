//! The `AppNotifications` config: its model, how it is read and checked, how an environment
//! sees it, and its published schemas.
//!
//! Input is an already parsed `serde_json::Value` (YAML 1.2 core schema scalars).

mod address;
mod config_map;
mod effective;
mod error;
mod load;
mod model;
mod names;
pub(crate) mod postbuild;

/// Names the generator builds from input values (environment label values) follow the same
/// rules as names in the config.
pub(crate) use names::dns_label;
mod provider_ref;
mod provider_type;
mod rules;
mod schema;
mod selector;
mod structure;
mod suggest;
mod values;

pub use config_map::{from_config_map, Mode, CONFIG_MAP_KEYS, MODE_KEY};
pub use effective::{Effective, APP_NAME_LABEL};
pub use error::{ConfigError, Loaded};
pub use load::{load, load_function_config};
pub use model::{
    AppNotifications, ApplierKind, EnvironmentOverride, EventSeverity, EventSources, LabelSelector,
    LabelSelectorRequirement, ObjectMeta, Placement, PlacementMode, PlacementOverride, Provider,
    ProviderOverride, Route, RouteOverride, SecretRef, SelectorOperator, Sources, Spec,
    DEFAULT_ROUTE,
};
pub use provider_ref::ProviderRef;
pub use provider_type::{ProviderType, COMMIT_STATUS_TYPES, WORKLOAD_IDENTITY_TYPES};
pub use schema::{json_schema, openapi_v3};
pub use values::TIMEOUT_PATTERN;

/// `apiVersion` of the config.
pub const API_VERSION: &str = "app-notifications.dev/v1alpha1";
/// `kind` of the config.
pub const KIND: &str = "AppNotifications";
