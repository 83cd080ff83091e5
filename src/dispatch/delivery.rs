//! Whether a matching Alert's Provider gets the event (`getNotificationParams`, NC v1.9.3
//! `internal/server/event_handlers.go` l.296-375, with `provider_commit_status.go` and
//! `provider_change_request.go`), checked in NC's order.

use super::matching::ERROR;
use super::metadata::{has_change_request_key, has_commit_key, is_commit_status_update};
use super::model::{Alert, Event, Options, Provider};

/// `isCommitStatusProvider`: the git hosts that set commit statuses.
pub const COMMIT_STATUS_TYPES: &[&str] = &[
    "github",
    "gitlab",
    "gitea",
    "bitbucketserver",
    "bitbucket",
    "azuredevops",
];

/// `isChangeRequestProvider`: the types that comment on pull or merge requests.
pub const CHANGE_REQUEST_TYPES: &[&str] = &[
    "githubpullrequestcomment",
    "gitlabmergerequestcomment",
    "giteapullrequestcomment",
];

/// `isGenericProvider`: webhooks that get every event as it is.
pub const GENERIC_TYPES: &[&str] = &["generic", "generic-hmac"];

pub fn is_commit_status_type(type_: &str) -> bool {
    COMMIT_STATUS_TYPES.contains(&type_)
}

pub fn is_change_request_type(type_: &str) -> bool {
    CHANGE_REQUEST_TYPES.contains(&type_)
}

pub fn is_generic_type(type_: &str) -> bool {
    GENERIC_TYPES.contains(&type_)
}

/// Why a matching Alert sends nothing, in the order NC checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undelivered {
    /// `--no-cross-namespace-refs` and the object is in another namespace than the Alert: an
    /// error (`NotificationDispatchFailed` on the Alert).
    CrossNamespace,
    /// No Provider of that name in the Alert's namespace: an error
    /// (`NotificationDispatchFailed`).
    ProviderMissing,
    /// The Provider is suspended: skipped silently.
    ProviderSuspended,
    /// A commit-status update (`<group>/commit_status: update`) to a Provider that is neither
    /// a commit-status nor a generic type: skipped silently.
    CommitStatusUpdate,
    /// A commit-status Provider and an event with no `event.toolkit.fluxcd.io/commit`, not a
    /// commit-status update and not an error: dropped (an aggregated info log).
    CommitStatusDropped,
    /// A change-request Provider and an event without
    /// `event.toolkit.fluxcd.io/change_request`: dropped (an aggregated info log).
    ChangeRequestDropped,
}

/// `getNotificationParams` up to the metadata merge: `Ok` with the Provider if it gets the
/// event. `event` is the event after clean-up; `provider` is the Provider named by the Alert
/// in its namespace, if there is one.
pub fn deliver<'p>(
    event: &Event,
    alert: &Alert,
    provider: Option<&'p Provider>,
    options: &Options,
) -> Result<&'p Provider, Undelivered> {
    if options.no_cross_namespace_refs && event.involved_object.namespace != alert.namespace {
        return Err(Undelivered::CrossNamespace);
    }
    let provider = provider.ok_or(Undelivered::ProviderMissing)?;
    if provider.suspend {
        return Err(Undelivered::ProviderSuspended);
    }
    let type_ = provider.type_.as_str();
    let update = is_commit_status_update(event);
    if !is_commit_status_type(type_) && !is_generic_type(type_) && update {
        return Err(Undelivered::CommitStatusUpdate);
    }
    if is_commit_status_type(type_) && !has_commit_key(event) && !update && event.severity != ERROR
    {
        return Err(Undelivered::CommitStatusDropped);
    }
    if is_change_request_type(type_) && !has_change_request_key(event) {
        return Err(Undelivered::ChangeRequestDropped);
    }
    Ok(provider)
}
