#!/usr/bin/env bash
# nightly.sh — the scheduled build: fetch the layers (only what changed), check the project, build the
# maps that are not up to date, and keep a dated log and the build report. Exits non-zero on failure so
# that the scheduler (cron, systemd, CI) can alert.
#
# Usage: scripts/nightly.sh [--offline] [--force] [--jobs N] [--shard K/N] [--skip-fetch]
#   --offline     pass --offline to fetch-layers.sh (never use the network)
#   --skip-fetch  do not run fetch-layers.sh at all
#   --force       rebuild every map (default: only those whose inputs changed)
#   --jobs N      parallel renders (default: number of cores)
#   --shard K/N   build only the K-th of N shares of the maps (job arrays)
# Environment:
#   CARTELIER      the program (default: $BUILD_DIR/cartelier, BUILD_DIR default build)
#   PROJECT        project file (default: cartelier.yaml at the repository root)
#   OUT            output folder (default: out); logs go to $OUT/logs/YYYY-MM-DD/
#   KEEP_LOG_DAYS  dated log folders older than this are removed (default 30; 0 keeps all)
#   SOURCE_DATE_EPOCH  if set, the date the maps carry (default: their newest input)
# Exit status: 0 every map built or up to date; 1 a map failed or check found errors; 2 the project is
# unusable or fetching the layers failed; 128+N interrupted by signal N (the build's own statuses).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

offline=() force=() jobs=() shard=() fetch=1
while [ $# -gt 0 ]; do
  case "$1" in
    --offline) offline=(--offline) ;;
    --skip-fetch) fetch=0 ;;
    --force) force=(--force) ;;
    --jobs|-j) [ $# -ge 2 ] || { echo "nightly: $1 needs a value" >&2; exit 2; }; jobs=(-j "$2"); shift ;;
    --shard) [ $# -ge 2 ] || { echo "nightly: --shard needs K/N" >&2; exit 2; }; shard=(--shard "$2"); shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "nightly: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

cartelier=${CARTELIER:-$root/${BUILD_DIR:-build}/cartelier}
project=${PROJECT:-$root/cartelier.yaml}
out=${OUT:-$root/out}
[ -x "$cartelier" ] || { echo "nightly: $cartelier not found: build it first (scripts/setup.sh)" >&2; exit 2; }

day=$(date -u +%Y-%m-%d)
stamp=$(date -u +%H%M%SZ)
suffix=""
[ ${#shard[@]} -gt 0 ] && suffix="-shard-${shard[1]/\//-of-}"
logdir=$out/logs/$day
mkdir -p "$logdir"
log=$logdir/nightly-$stamp$suffix.log
# Everything below goes to the terminal (or the scheduler's journal) and to the dated log.
exec > >(tee -a "$log") 2>&1

echo "nightly: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname), $("$cartelier" --version), project $project, out $out"
status=0
step() { echo "nightly: ---- $* ----"; }

if [ "$fetch" = 1 ]; then
  step "fetch layers"
  if ! "$root/scripts/fetch-layers.sh" "${offline[@]}"; then
    echo "nightly: fetching the layers failed" >&2
    exit 2
  fi
fi

step "check"
set +e
"$cartelier" check --project "$project" --out "$out" "${shard[@]}"
check_status=$?
set -e
if [ "$check_status" = 2 ]; then
  echo "nightly: the project is unusable; nothing built" >&2
  exit 2
fi
# A failed check does not stop the build: maps that are fine still build, failed ones keep their
# previous outputs, and the build's status reports the failure.

step "build"
set +e
"$cartelier" build --project "$project" --out "$out" "${force[@]}" "${jobs[@]}" "${shard[@]}"
status=$?
set -e

report=$out/build-report.json
[ ${#shard[@]} -gt 0 ] && report=$out/build-report.shard${suffix#-shard}.json
[ -f "$report" ] && cp "$report" "$logdir/$(basename "${report%.json}")-$stamp.json"

if [ "${KEEP_LOG_DAYS:-30}" != 0 ]; then
  find "$out/logs" -mindepth 1 -maxdepth 1 -type d -name '????-??-??' -mtime +"${KEEP_LOG_DAYS:-30}" \
    -exec rm -rf {} + 2>/dev/null || true
fi

if [ "$status" = 0 ] && [ "$check_status" != 0 ]; then status=$check_status; fi
echo "nightly: finished with status $status; log $log"
exit "$status"
