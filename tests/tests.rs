//! The integration tests, in one binary (as ripgrep does it): the library and the test helpers
//! are linked once, and every area is a module (`cargo test --test tests golden::`).
//!
//! - golden: every behaviour as a case directory (`tests/golden/`), run through the binary;
//! - engine, errors, properties, invariants, fuzz_regressions: the function's guarantees;
//! - config, yaml_emit, crd: the config API, the emitter, validation against Flux's CRDs;
//! - cli, audit: the command line, `check`, `report` and `explain`;
//! - dispatch: the model of notification-controller against its own test cases;
//! - adopt, ci_files: `init`, `import`, `check --format`, completions and the man page; the
//!   action, the pre-commit hooks, the release workflow and the CI examples;
//! - corpus_coverage: the real repositories in `tests/fixtures/corpus`;
//! - e2e: through kubectl kustomize, kpt and the container image (`init` on a real repository);
//! - examples_in_docs, docs_figures: every example of `--help` and README.md runs; every
//!   figure quoted from BENCHMARKS.md is the one there;
//! - wasm_differential, playground: the WebAssembly builds against the native binary, and the
//!   browser playground in Chromium.

mod support;

mod adopt;
mod architecture;
mod audit;
mod ci_files;
mod cli;
mod config;
mod corpus_coverage;
mod crd;
mod dispatch;
mod docs_figures;
mod e2e;
mod engine;
mod errors;
mod examples_in_docs;
mod fuzz_regressions;
mod golden;
mod invariants;
mod playground;
mod properties;
mod wasm_differential;
mod yaml_emit;
