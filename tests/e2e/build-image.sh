#!/usr/bin/env bash
# Builds the function image the end-to-end tests run, as the Dockerfile's `prebuilt` stage:
# the static musl binary first (cargo; a no-op when current), then the image with buildah into
# the tests' private store (target/e2e/buildah, vfs driver). Offline: nothing is pulled.
#
#   bash tests/e2e/build-image.sh [TAG]        (default ghcr.io/example/app-notifications:v0.1.0)
#
# Safe to run from several test processes at once (a lock), and cheap when nothing changed: a
# stamp of the inputs (binary, Dockerfile, .dockerignore, tests/e2e/image/) skips the build.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tag=${1:-ghcr.io/example/app-notifications:v0.1.0}
store=${AN_E2E_BUILDAH_ROOT:-$root/target/e2e/buildah}
target=x86_64-unknown-linux-musl
bin=$root/target/$target/release/app-notifications

mkdir -p "$store"
exec 9>"$store/build.lock"
flock 9

# The Dockerfile's prebuilt stage copies this path, so build into the repository's target/
# whatever CARGO_TARGET_DIR says.
if ! "${CARGO:-cargo}" build --quiet --release --locked --target "$target" \
    --bin app-notifications --target-dir "$root/target"; then
    echo "build-image.sh: building the $target binary failed" \
        "(is the target installed? rustup target add $target)" >&2
    exit 1
fi

bah() {
    buildah --storage-driver vfs --root "$store/root" --runroot "$store/run" "$@"
}

stamp_file=$store/$(printf '%s' "$tag" | tr '/:' '__').stamp
stamp=$( (cd "$root" && printf '%s\n' "$tag" \
    && cat Dockerfile .dockerignore tests/e2e/image/* "$bin") | sha256sum | cut -d' ' -f1)
if [[ -f $stamp_file && $(cat "$stamp_file") == "$stamp" ]] \
    && bah inspect --type image "$tag" >/dev/null 2>&1; then
    exit 0
fi

bah bud --quiet --isolation chroot --target prebuilt --tag "$tag" "$root" >/dev/null
# The image this tag named before, if any, is now dangling.
bah rmi --prune >/dev/null 2>&1 || true
echo "$stamp" >"$stamp_file"
