#!/usr/bin/env bash
# What the composite GitHub Action (action.yml) runs, as a script of its own so it can be run
# and tested anywhere: app-notifications over every path, failing on stale or uncovered
# notifications, with a job summary.
#
# Environment:
#   AN_PATHS     paths to check, separated by whitespace (default: .)
#   AN_COMMAND   check (default): `check` every path, GitHub annotations on each finding;
#                render: `render --write` every path and fail when that changes a file (the
#                committed generated files are stale), then `check` as above
#   AN_BINARY    the app-notifications binary (default: app-notifications on PATH)
#   GITHUB_STEP_SUMMARY  when set (as GitHub sets it), the Markdown report is appended there
set -uo pipefail

bin=${AN_BINARY:-app-notifications}
command=${AN_COMMAND:-check}
paths=${AN_PATHS:-.}
status=0

case "$command" in
  check | render) ;;
  *)
    echo "::error title=app-notifications::unknown command '$command' (expected check or render)"
    exit 2
    ;;
esac

# A fingerprint of every file below a path, to see whether render changed one.
fingerprint() {
  find "$1" -type f -print0 | LC_ALL=C sort -z | xargs -0 cksum
}

for path in $paths; do
  if [ ! -e "$path" ]; then
    echo "::error title=app-notifications::$path does not exist"
    status=1
    continue
  fi
  if [ "$command" = render ]; then
    before=$(fingerprint "$path")
    if ! "$bin" render --write "$path"; then
      echo "::error title=app-notifications render::render failed for $path"
      status=1
      continue
    fi
    after=$(fingerprint "$path")
    if [ "$before" != "$after" ]; then
      echo "::error title=app-notifications render::the generated files in $path are stale: run \`app-notifications render --write $path\` and commit the result"
      status=1
    fi
  fi
  "$bin" check --format github "$path" || status=1
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    "$bin" check --format markdown "$path" >> "$GITHUB_STEP_SUMMARY" || true
    echo >> "$GITHUB_STEP_SUMMARY"
  fi
done
exit "$status"
