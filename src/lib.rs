//! app-notifications: a KRM function that generates application-aware Flux notifications.
//!
//! Data flows one way, each layer using only those below it (`docs/architecture.md`):
//!
//! bytes → [`resource_list`] (item spans + the fields read) → [`config`] → app instances →
//! generated objects → spliced output + results → bytes.
//!
//! The entry points are [`run_krm`] (a ResourceList in, a ResourceList out),
//! [`run_legacy_plugin`] (kustomize's exec plugin protocol), [`Package`] with [`render`] (a
//! package on disk, as `app-notifications render` reads it), [`check_list`],
//! [`check_built`], [`explain_list`] and [`report::report_list`]. [`dispatch`] is the model of
//! notification-controller that `check` and `explain` run events through. [`resource_list`]
//! and [`yaml`] are byte-exact KRM I/O that knows nothing of this product.
#![forbid(unsafe_code)]

/// The engine's version: what `--version` prints, and the npm package's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

mod audit;
pub mod check_format;
pub mod config;
pub mod dispatch;
mod flux;
mod function;
mod generate;
pub mod import;
pub mod init;
pub mod limits;
mod package;
mod reach;
pub mod report;
pub mod resource_list;
pub mod results;
pub mod yaml;

pub use audit::{
    audit, AlertView, Audit, EventQuery, Explanation, NotSent, ObjectId, Overlap, Sent, Wildcard,
};
pub use flux::{EVENT_SOURCE_KINDS, OPERATOR_EVENT_KINDS};
pub use function::{
    built_hint, built_notes, check_built, check_list, event_subjects, exit, explain_list,
    field_problems, process, run_krm, run_krm_with, run_legacy_plugin, try_run_krm, Outcome,
    StderrResults,
};
pub use generate::{generate, reader, Generated, Generation, READ_SPEC};
pub use limits::Limits;
pub use package::{
    built as built_list, document_text, read as read_package, render, root_dir as package_root,
    Package, PackageError, RenderedPackage, SourceFile,
};
