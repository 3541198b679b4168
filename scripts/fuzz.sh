#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in build-fuzz/ and runs each one for SECONDS
# (default 60) from the seed corpora in tests/fuzz/corpus/<target>/. New inputs go to
# build-fuzz/corpus/<target>/ (the committed seeds are never modified); a crash leaves its input in
# build-fuzz/artifacts/<target>/ and makes this script fail, with the command that reproduces it.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     TARGET: csv project style expression (default: all)
# Needs clang and libFuzzer (Debian: clang-14 and libclang-rt-14-dev).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(csv project style expression)
build=${CARTELIER_FUZZ_BUILD:-$root/build-fuzz}
jobs=${CARTELIER_FUZZ_JOBS:-2}

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found (apt-get install clang-14 libclang-rt-14-dev)" >&2
  exit 2
fi
if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCARTELIER_FUZZ=ON -DCARTELIER_TESTS=OFF >/dev/null
fi
ninja -C "$build" -j "$jobs" $(printf 'fuzz_%s ' "${targets[@]}")

# Leaks inside GDAL/PROJ singletons are not ours; every other sanitizer report stops the run.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
summary=()
for t in "${targets[@]}"; do
  seeds=$root/tests/fuzz/corpus/$t
  work=$build/corpus/$t
  artifacts=$build/artifacts/$t/
  mkdir -p "$work" "$artifacts"
  log=$build/fuzz_$t.log
  echo "== fuzz_$t for ${seconds}s (seeds: tests/fuzz/corpus/$t, $(ls "$seeds" | wc -l) files)"
  set +e
  (cd "$build" && "$build/fuzz/fuzz_$t" "$work" "$seeds" -max_total_time="$seconds" -timeout=10 \
     -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 -artifact_prefix="$artifacts") >"$log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
  if [ $rc -ne 0 ]; then
    status=1
    crash=$(ls -t "$artifacts" 2>/dev/null | head -1)
    echo "fuzz_$t FAILED (exit $rc) after ${runs:-?} runs; input: $artifacts$crash" >&2
    grep -m 20 -E 'ERROR|runtime error|SUMMARY|#[0-9]+ 0x' "$log" >&2 || tail -30 "$log" >&2
    echo "reproduce: $build/fuzz/fuzz_$t $artifacts$crash" >&2
    summary+=("fuzz_$t: FAILED after ${runs:-?} runs")
  else
    summary+=("fuzz_$t: ${runs:-?} runs in ${seconds}s, $cov, corpus $(ls "$work" | wc -l) files")
  fi
done
printf '%s\n' "${summary[@]}"
exit $status
