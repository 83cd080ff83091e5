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

cargo build --release --locked --bin app-notifications
cargo test --locked --all-targets
