#!/usr/bin/env bash
# Runs the libFuzzer targets (clang, ASan + UBSan) for SECONDS each (default 60) from the seed corpora
# in tests/fuzz/corpus/<target>/. They are built in the sanitizer build, build-asan/ (CMake preset
# 'asan', the same build scripts/sanitize.sh runs the test suite in), configured here if missing.
# New inputs go to build-asan/fuzz-corpus/<target>/ (the committed seeds are never modified); a crash,
# leak, timeout or sanitizer report leaves its input in build-asan/fuzz-artifacts/<target>/ and makes
# this script fail, printing the report and the command that reproduces it.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     TARGET: csv geojson project style expression (default: all)
#
# Environment:
#   CARTELIER_FUZZ_PARALLEL  targets run at the same time (default 2, one per core of the CI machine)
#   CARTELIER_FUZZ_JOBS      ninja -j for building the targets (default 2)
#   CARTELIER_FUZZ_BUILD     build folder (default build-asan; configured with the 'asan' preset)
# Needs clang and libFuzzer (Debian: clang-14 and libclang-rt-14-dev; scripts/sanitize.sh installs them).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(csv geojson project style expression)
build=${CARTELIER_FUZZ_BUILD:-$root/build-asan}
jobs=${CARTELIER_FUZZ_JOBS:-2}
parallel=${CARTELIER_FUZZ_PARALLEL:-2}
case "$seconds" in ''|*[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, not '$seconds'" >&2; exit 2 ;; esac
for t in "${targets[@]}"; do
  [ -d "$root/tests/fuzz/corpus/$t" ] || { echo "fuzz.sh: unknown target '$t' (csv geojson project style expression)" >&2; exit 2; }
done

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found (apt-get install clang-14 libclang-rt-14-dev, or run scripts/sanitize.sh)" >&2
  exit 2
fi
if [ ! -f "$build/build.ninja" ]; then
  (cd "$root" && cmake --preset asan -B "$build" >/dev/null)
fi
ninja -C "$build" -j "$jobs" $(printf 'fuzz_%s ' "${targets[@]}")

# The sanitizer defaults (abort on report, the LSan suppressions of tests/sanitizers/lsan.supp) are
# compiled into the targets; libFuzzer also reports leaks of a single input (-detect_leaks=1).
export ASAN_OPTIONS=${ASAN_OPTIONS:-symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

# One target: runs it, leaves its exit status in $build/fuzz_$t.status.
run_one() {
  local t=$1
  local seeds=$root/tests/fuzz/corpus/$t work=$build/fuzz-corpus/$t artifacts=$build/fuzz-artifacts/$t/
  local log=$build/fuzz_$t.log
  mkdir -p "$work" "$artifacts"
  set +e
  (cd "$build" && "$build/fuzz/fuzz_$t" "$work" "$seeds" -max_total_time="$seconds" -timeout=10 \
     -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 -artifact_prefix="$artifacts") >"$log" 2>&1
  echo $? > "$build/fuzz_$t.status"
  set -e
}

echo "fuzz: ${#targets[@]} target(s), ${seconds}s each, $parallel at a time (logs: $build/fuzz_<target>.log)"
running=0
for t in "${targets[@]}"; do
  echo "== fuzz_$t for ${seconds}s (seeds: tests/fuzz/corpus/$t, $(ls "$root/tests/fuzz/corpus/$t" | wc -l) files)"
  rm -f "$build/fuzz_$t.status"
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$parallel" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

status=0
summary=()
for t in "${targets[@]}"; do
  log=$build/fuzz_$t.log
  artifacts=$build/fuzz-artifacts/$t/
  rc=$(cat "$build/fuzz_$t.status" 2>/dev/null || echo "?")
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
  if [ "$rc" != 0 ]; then
    status=1
    crash=$(ls -t "$artifacts" 2>/dev/null | head -1)
    echo "fuzz_$t FAILED (exit $rc) after ${runs:-?} runs; input: $artifacts$crash" >&2
    grep -m 40 -E 'ERROR|runtime error|SUMMARY|#[0-9]+ 0x|Test unit written' "$log" >&2 || tail -30 "$log" >&2
    echo "reproduce: $build/fuzz/fuzz_$t $artifacts$crash" >&2
    summary+=("fuzz_$t: FAILED after ${runs:-?} runs")
  else
    summary+=("fuzz_$t: ${runs:-?} runs in ${seconds}s, ${cov:-cov: ?}, corpus $(ls "$build/fuzz-corpus/$t" | wc -l) files")
  fi
done
printf '%s\n' "${summary[@]}"
exit $status
