#!/usr/bin/env bash
# The one command that runs every test, on a fresh machine as on a developer's.
# It installs what the tests need first, so a green run never depends on what a machine
# happened to have.
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
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah >/dev/null
}

cargo build --release --locked --bin app-notifications
cargo test --locked --all-targets
