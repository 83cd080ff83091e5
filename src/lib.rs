//! app-notifications: a KRM function that generates application-aware Flux notifications.
//!
//! Data flows one way:
//! bytes → [`resource_list`] (item spans + the fields read) → [`config`] → app instances →
//! generated objects → spliced output + [`results`] → bytes. [`function`] runs that pipeline.
#![forbid(unsafe_code)]

/// The engine's version: what `--version` prints, and the npm package's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub mod audit;
pub mod config;
pub mod function;
pub mod generate;
pub mod limits;
pub mod package;
pub mod playground;
pub mod resource_list;
pub mod results;
pub mod yaml;
