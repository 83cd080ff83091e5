//! A model of how notification-controller dispatches an event: which Alerts take it, whether
//! their Providers get it, and with which metadata. Pure: values in, values out; it knows
//! nothing of configs, generation or reports.
//!
//! It follows notification-controller v1.9.3 function by function (docs/flux.md "How
//! notification-controller dispatches an event" has the steps and the upstream lines):
//!
//! - [`metadata`]: `cleanupMetadata`, `excludeInternalMetadata`, `combineEventMetadata`;
//! - [`matching`]: `filterAlertsForEvent`, `eventMatchesAlertSource(s)`,
//!   `messageIsIncluded`/`messageIsExcluded`;
//! - [`delivery`]: `getNotificationParams` up to the metadata merge;
//! - [`cluster`]: `handleEvent`, every Alert on its own (no dedupe across Alerts);
//! - [`emitted`]: what the controllers send (fluxcd/pkg's recorder, and a representative event
//!   per kind and outcome);
//! - [`build`]: the inputs from the objects of a build.
//!
//! Left out: rate limiting (`eventKeyFunc`), Secrets and addresses (whether a send succeeds),
//! the notifiers' own filters (the git notifiers ignore `Progressing` events), and time: labels
//! are those of the build, read when the event is dispatched.

pub mod build;
pub mod cluster;
pub mod delivery;
pub mod emitted;
pub mod matching;
pub mod metadata;
pub mod model;

pub use cluster::{Cluster, Dispatch, Notification, Scope, Skip, Verdict};
pub use delivery::Undelivered;
pub use matching::{Filtered, SourceMiss, ERROR, INFO};
pub use metadata::{Conflict, MetadataSource};
pub use model::{Alert, Event, EventSource, Object, ObjectRef, Options, Provider, Strings};
