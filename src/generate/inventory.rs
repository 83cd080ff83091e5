//! What the input holds, from the generator's point of view: Flux appliers, Flux sources,
//! Providers already present, configs, and objects an earlier run generated.

use crate::config;
use crate::flux::{
    self, applier_group, is_source_group, is_source_kind, operator_applier_group,
    NOTIFICATION_GROUP,
};
use crate::limits::Limits;
use crate::resource_list::{Item, ItemFields, ReadSpec, Reader};

/// What the function reads of every item: configs whole, and Flux source references.
pub const READ_SPEC: ReadSpec = ReadSpec {
    whole_kinds: &[config::KIND],
    references: flux::SOURCE_REFERENCES,
};

/// The reader every mode uses: [`READ_SPEC`] within `limits`.
pub fn reader(limits: &Limits) -> Reader<'static> {
    Reader::new(*limits, &READ_SPEC)
}

/// The annotation that marks an object as generated, naming the config that owns it.
pub const GENERATED_BY: &str = "app-notifications.dev/generated-by";
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
pub const MANAGED_BY: &str = "app-notifications";
pub const ENVIRONMENT_LABEL: &str = "app-notifications.dev/environment";

/// Whether an item is a Flux applier of one of `kinds`.
pub fn is_applier(fields: &ItemFields<'_>, kinds: &[&str]) -> bool {
    kinds.contains(&fields.kind.as_ref())
        && (applier_group(&fields.kind).or_else(|| operator_applier_group(&fields.kind))
            == Some(fields.group()))
}

/// Flux source kinds an Alert can name (the Alert CRD's eventSources kind enum, less the
/// appliers and the image automation kinds, which are not sources).
pub fn is_source(fields: &ItemFields<'_>) -> bool {
    is_source_group(fields.group()) && is_source_kind(&fields.kind)
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
