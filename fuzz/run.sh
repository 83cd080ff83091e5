#!/usr/bin/env bash
# Runs one fuzz target for a bounded time, growing work/<target> from the committed corpus
# (corpus/<target>) and the generated seeds (seeds/<target>, from make_seeds.py, if present).
#   bash fuzz/run.sh <target> [seconds] [extra libFuzzer flags...]
# FUZZ_SKIP (comma-separated) steps over known findings so a run can find new ones; it
# defaults to all the open findings of README.md (set FUZZ_SKIP= to check them too). Memory
# and per-input time are bounded; the machine has 2 cores, so run one target at a time.
set -euo pipefail
export FUZZ_SKIP=${FUZZ_SKIP-}
cd "$(dirname "$0")"
target=$1
seconds=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))
dict=dicts/yaml.dict
[[ $target == config_loader ]] && dict=dicts/config.dict
mkdir -p "work/$target" "corpus/$target"
dirs=("work/$target" "corpus/$target")
[[ -d seeds/$target ]] && dirs+=("seeds/$target")
exec cargo +nightly fuzz run -s none "$target" "${dirs[@]}" -- \
  -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -dict="$dict" \
  -print_final_stats=1 "$@"
