//! Checks and input generators shared by the fuzz targets. `checks` is also compiled into
//! `tests/fuzz_regressions.rs` of the main crate, which replays the saved findings on stable.
pub mod checks;
pub mod gen;
