#!/usr/bin/env bash
# Builds the npm package in wasm/pkg/ (gitignored), on a fresh machine as on a developer's:
#
#   app_notifications.js, .d.ts, _bg.wasm   the engine through wasm-bindgen (--target web),
#                                           shrunk by binaryen's wasm-opt
#   node.mjs, node.d.mts                    the Node entry (instantiated, ready to call)
#   cli.mjs                                 the KRM function for Node (`npx app-notifications`)
#   app-notifications.wasm, wasi.mjs        the whole command line as wasm32-wasip1, run with
#                                           Node's WASI (render, check, report, schema, --help)
#   package.json, README.md, LICENSE
#
# Idempotent; every tool it needs comes from the registries this project uses: the Rust
# targets through rustup, wasm-bindgen-cli from crates.io at exactly the version wasm/Cargo.toml
# pins (the JS glue and the crate must match), binaryen from npm (wasm/package-lock.json; it
# ships wasm-opt compiled to WebAssembly, nothing is downloaded at install time).
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\([^"]*\)".*/\1/p' wasm/Cargo.toml)
[ -n "$WASM_BINDGEN_VERSION" ] || { echo "wasm/build.sh: no pinned wasm-bindgen in wasm/Cargo.toml" >&2; exit 1; }
VERSION=$(sed -n 's/^version = "\([^"]*\)".*/\1/p' wasm/Cargo.toml | head -n 1)
TARGET_DIR=${CARGO_TARGET_DIR:-target}
# Built in a staging directory of its own and moved into place at the end: wasm/pkg/ is never
# half-built (the playground and the tests load it), also when two builds overlap.
mkdir -p "$TARGET_DIR"
OUT=$(mktemp -d "$TARGET_DIR/wasm-pkg-staging.XXXXXX")
trap 'rm -rf "$OUT"' EXIT

rustup target add wasm32-unknown-unknown wasm32-wasip1

wasm_bindgen=$(command -v wasm-bindgen || echo "${CARGO_HOME:-$HOME/.cargo}/bin/wasm-bindgen")
if [ "$("$wasm_bindgen" --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  # Not --locked: wasm-bindgen-cli's lock file pins a webpki-roots release the registry no
  # longer offers, so a locked install fails on a fresh machine.
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
  wasm_bindgen="${CARGO_HOME:-$HOME/.cargo}/bin/wasm-bindgen"
fi

(cd wasm && npm ci --no-audit --no-fund --loglevel=error)
wasm_opt=wasm/node_modules/.bin/wasm-opt

# The release profile, with the symbols section kept for wasm-bindgen and wasm-opt (they read
# `target_features` from it; wasm-opt strips what is left). See wasm/README.md ("Size and speed")
# for why opt-level 3.
export CARGO_PROFILE_RELEASE_STRIP=false

cargo build --release --locked --target wasm32-unknown-unknown -p app-notifications-wasm
"$wasm_bindgen" --target web --out-dir "$OUT" --out-name app_notifications \
  "$TARGET_DIR/wasm32-unknown-unknown/release/app_notifications_wasm.wasm"
# -O3, but without merging a large function into its only caller: V8 compiles a 100 KB function
# slowly (200 ms here), and a process exits only after its last compilation ends. With that
# merging (plain -O3 or -Os), the 15 MB benchmark ran 25% slower; the module is as small
# (wasm/README.md, "Size and speed").
WASM_OPT_FLAGS=(-O3 --one-caller-inline-max-function-size=200 --strip-debug --strip-producers --strip-target-features)
"$wasm_opt" "${WASM_OPT_FLAGS[@]}" "$OUT/app_notifications_bg.wasm" -o "$OUT/app_notifications_bg.wasm"

cargo build --release --locked --target wasm32-wasip1 --bin app-notifications
"$wasm_opt" "${WASM_OPT_FLAGS[@]}" \
  "$TARGET_DIR/wasm32-wasip1/release/app-notifications.wasm" -o "$OUT/app-notifications.wasm"

cp wasm/pkg-template/node.mjs wasm/pkg-template/node.d.mts wasm/cli.mjs wasm/wasi.mjs "$OUT/"
cp wasm/README.md "$OUT/README.md"
cp LICENSE "$OUT/LICENSE"
chmod +x "$OUT/cli.mjs" "$OUT/wasi.mjs"
node -e '
  const fs = require("node:fs");
  const [template, out, version] = process.argv.slice(1);
  const pkg = JSON.parse(fs.readFileSync(template, "utf8"));
  pkg.version = version;
  fs.writeFileSync(out, JSON.stringify(pkg, null, 2) + "\n");
' wasm/pkg-template/package.json "$OUT/package.json" "$VERSION"

chmod 755 "$OUT"   # mktemp made it private
old=$(mktemp -d "$TARGET_DIR/wasm-pkg-old.XXXXXX")
if [ -d wasm/pkg ]; then mv wasm/pkg "$old/"; fi
mv "$OUT" wasm/pkg
rm -rf "$old"

echo "wasm/build.sh: built wasm/pkg (app-notifications $VERSION):" >&2
(cd wasm/pkg && ls -l app_notifications_bg.wasm app-notifications.wasm >&2)
