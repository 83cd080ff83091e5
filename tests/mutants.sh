#!/usr/bin/env bash
# Mutation testing (docs/contributing.md, "Mutation testing"):
#   bash tests/mutants.sh                 the core modules below
#   bash tests/mutants.sh FILE…           these files (globs as cargo-mutants takes them)
#   bash tests/mutants.sh --in-diff BASE  the mutants in lines changed since BASE (a git ref)
# Extra cargo-mutants options go after `--` (e.g. `-- -j 2`).
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=27.1.0
# Where a wrong answer costs users most: generation, coverage findings (not the drawing), the
# splicer, the config rules and environments, the dispatch model, the command line's entry
# points.
CORE=(
  'src/generate/**'
  'src/audit/**'
  'src/dispatch/**'
  src/resource_list/splice.rs
  src/resource_list/edit.rs
  src/config/rules.rs
  src/config/effective.rs
  src/bin/app-notifications/package.rs
  src/bin/app-notifications/main.rs
  src/bin/app-notifications/check_format.rs
  src/bin/app-notifications/explain.rs
  src/check_format.rs
)

if ! cargo mutants --version 2>/dev/null | grep -q "$VERSION"; then
  cargo install --locked cargo-mutants --version "$VERSION"
fi

args=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --in-diff)
      base=${2:?--in-diff needs a base, e.g. main}
      shift 2
      mkdir -p target
      git diff "$base" -- '*.rs' > target/mutants.diff
      args+=(--in-diff target/mutants.diff)
      ;;
    --) shift; extra=("$@"); break ;;
    *) args+=(--file "$1"); shift ;;
  esac
done
if [ ${#args[@]} -eq 0 ]; then
  for f in "${CORE[@]}"; do args+=(--file "$f"); done
fi

# Each mutant is built in a copy of the tree: on a RAM disk when there is one.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
  export TMPDIR=/dev/shm
fi

cargo mutants "${args[@]}" --output target/mutants "${extra[@]}"
