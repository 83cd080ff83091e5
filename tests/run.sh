#!/usr/bin/env bash
# The one command that runs every test, on a fresh machine as on a developer's.
# It installs what the tests need first, so a green run never depends on what a machine
# happened to have; apt packages without their recommends (chromium alone would pull in about
# 115, udev and avahi among them).
#
# Needs on the machine (README "What the tests need"): Rust (rustup), kubectl v1.27+, kpt
# v1.0.0-beta.56, Node.js 20+ with npm, Python 3 with pip, and apt-get run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

# PyYAML is the tests' second opinion on YAML 1.1 (the reading Go and the API server use);
# jsonschema validates every generated object against Flux's CRDs.
python3 -c 'import yaml' 2>/dev/null || python3 -m pip install -q pyyaml
python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install -q jsonschema

# End-to-end tests run the real hosts (kubectl kustomize, kpt — preinstalled on these machines)
# and the container image, built and run offline with Debian's buildah from the static musl
# binary. They fail, never skip, when any of these is missing.
rustup target add x86_64-unknown-linux-musl
command -v buildah >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends buildah >/dev/null
}

# --- playground (tests/playground.rs): Debian's Chromium, driven by playwright-core from
# wasm/package.json (it downloads no browser). The test fails, never skips, without it.
[ -x /usr/bin/chromium ] || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
}
# --- end playground

# The WebAssembly package (tests/wasm_differential.rs compares it with the native binary, the
# playground loads it): Rust's wasm targets, wasm-bindgen-cli at the version the crate pins
# (installed from crates.io once, ~4 min), binaryen and playwright-core from npm. Node.js is
# preinstalled on these machines.
bash wasm/build.sh

cargo build --release --locked --bin app-notifications
cargo test --locked --workspace --all-targets
