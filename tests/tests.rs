//! The integration tests, in one binary (as ripgrep does it): the library and the test helpers
//! are linked once, and every area is a module (`cargo test --test tests golden::`).
//!
//! - golden: every behaviour as a case directory (`tests/golden/`), run through the binary;
//! - engine, errors, properties, invariants, fuzz_regressions: the function's guarantees;
//! - config, yaml_emit, crd: the config API, the emitter, validation against Flux's CRDs;
//! - cli, audit: the command line, `check`, `report` and `explain`;
//! - dispatch: the model of notification-controller against its own test cases;
//! - corpus_coverage: the real repositories in `tests/fixtures/corpus`;
//! - e2e: through kubectl kustomize, kpt and the container image;
//! - wasm_differential, playground: the WebAssembly builds against the native binary, and the
//!   browser playground in Chromium.

mod support;

mod architecture;
mod audit;
mod cli;
mod config;
mod corpus_coverage;
mod crd;
mod dispatch;
mod e2e;
mod engine;
mod errors;
mod fuzz_regressions;
mod golden;
mod invariants;
mod playground;
mod properties;
mod wasm_differential;
mod yaml_emit;
