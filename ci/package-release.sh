#!/usr/bin/env bash
# Packs one release archive: the binary with its shell completions, man page, README and
# LICENSE, as .github/workflows/release.yml publishes it, plus the archive's SHA-256.
#
#   bash ci/package-release.sh BINARY TARGET OUTDIR
#
# Writes OUTDIR/app-notifications-<version>-<target>.tar.gz and .tar.gz.sha256 (the version is
# the binary's own). The binary must run on this machine: it writes its completions and page.
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 BINARY TARGET OUTDIR" >&2
  exit 2
fi
binary=$1 target=$2 outdir=$3
root=$(cd "$(dirname "$0")/.." && pwd)

version=v$("$binary" --version | awk '{print $2}')
name="app-notifications-$version-$target"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage="$work/$name"
mkdir -p "$stage/completions" "$stage/man"

install -m 0755 "$binary" "$stage/app-notifications"
"$binary" completions bash > "$stage/completions/app-notifications.bash"
"$binary" completions zsh > "$stage/completions/_app-notifications"
"$binary" completions fish > "$stage/completions/app-notifications.fish"
"$binary" man > "$stage/man/app-notifications.1"
cp "$root/README.md" "$root/LICENSE" "$stage/"

mkdir -p "$outdir"
# Same bytes for the same inputs: sorted names, fixed owner and time.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2000-01-01 00:00Z' \
  -C "$work" -czf "$outdir/$name.tar.gz" "$name" 2>/dev/null \
  || tar -C "$work" -czf "$outdir/$name.tar.gz" "$name"   # BSD tar (macOS) lacks those flags
(cd "$outdir" && { sha256sum "$name.tar.gz" 2>/dev/null || shasum -a 256 "$name.tar.gz"; } > "$name.tar.gz.sha256")
echo "$outdir/$name.tar.gz"
