#!/usr/bin/env bash
# sanitize.sh — the whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer, then a short
# run of each libFuzzer target, from one clang build in build-asan/ (CMake preset 'asan').
#
#   scripts/sanitize.sh [--fuzz-seconds N] [--no-fuzz] [--no-tests]
#
# 1. installs clang-14, libclang-rt-14-dev (libFuzzer, sanitizer runtimes) and llvm-14 (symbolizer) with
#    apt-get when missing, as scripts/setup.sh does for the rest;
# 2. configures build-asan/ with the 'asan' preset (clang, ASan+UBSan, -O1, tests and fuzz targets) and
#    builds it with ninja -j2;
# 3. runs ctest there, two tests at a time, but for the tests labelled e2e-scripts (shell scripts that
#    run no program of this build: the ordinary suite runs them). Every sanitizer report of every process — the test binaries and the `cartelier`
#    processes they spawn — is also written to build-asan/sanitizer-reports/; any report fails the run,
#    even one a test did not notice;
# 4. runs scripts/fuzz.sh: each fuzz target for N seconds (default 60), two at a time.
# Exits non-zero on a failed test, a sanitizer report or a fuzzer finding. Needs what
# `scripts/setup.sh --tests` installs (Debian packages, npm packages, layers/cache): run that first.
# Environment: FUZZ_SECONDS (default 60), BUILD_JOBS (ninja -j, default 2), CTEST_JOBS (tests run at
# once, default 2: one per core of the CI machine), CTEST_ARGS (extra ctest arguments, e.g. "-R Golden").
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
source "$root/scripts/packages.sh"
fuzz_seconds=${FUZZ_SECONDS:-60}
begin=$(date +%s)
tests=1 fuzz=1
while [ $# -gt 0 ]; do
  case "$1" in
    --fuzz-seconds) [ $# -ge 2 ] || { echo "sanitize.sh: --fuzz-seconds needs a value" >&2; exit 2; }
                    fuzz_seconds=$2; shift ;;
    --fuzz-seconds=*) fuzz_seconds=${1#--fuzz-seconds=} ;;
    --no-fuzz) fuzz=0 ;;
    --no-tests) tests=0 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "sanitize.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

log() { printf 'sanitize: %s\n' "$*"; }
seconds_since() { echo $(( $(date +%s) - $1 )); }

# ---- 1. the compiler and runtimes ----------------------------------------------------------------
packages=(clang clang-14 libclang-rt-14-dev llvm-14)
ensure_packages sanitize "${packages[@]}"
if ! command -v llvm-symbolizer >/dev/null && [ -x /usr/lib/llvm-14/bin/llvm-symbolizer ]; then
  export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
fi
[ -d layers/cache ] || log "warning: layers/cache/ is empty: run scripts/setup.sh --tests first (tests that need the layers skip)"

# ---- 2. the sanitizer build ----------------------------------------------------------------------
build=$root/build-asan
start=$(date +%s)
log "configuring and building $build/ (preset asan: clang, ASan+UBSan, tests and fuzz targets)"
cmake --preset asan >/dev/null
ninja -C "$build" -j "${BUILD_JOBS:-2}"
log "built in $(seconds_since "$start") s"

status=0
# ---- 3. the test suite -----------------------------------------------------------------------------
if [ "$tests" = 1 ]; then
  reports=$build/sanitizer-reports
  rm -rf "$reports"
  mkdir -p "$reports"
  start=$(date +%s)
  log "running the test suite under ASan+UBSan (reports also go to $reports/)"
  set +e
  # log_path: each process that reports writes $reports/report.PID. The compiled-in defaults
  # (tests/sanitizers/sanitizer_options.cpp: abort on report, LSan suppressions) still apply.
  ASAN_OPTIONS="log_path=$reports/report:print_suppressions=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
  LSAN_OPTIONS="log_path=$reports/report:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}" \
  UBSAN_OPTIONS="log_path=$reports/report:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}" \
    ctest --test-dir "$build" --output-on-failure -j "${CTEST_JOBS:-2}" -LE e2e-scripts ${CTEST_ARGS:-}
  rc=$?
  set -e
  log "test suite ran in $(seconds_since "$start") s"
  [ $rc -eq 0 ] || { status=1; log "FAILED: ctest exited with $rc"; }
  found=$(find "$reports" -type f -size +0 | sort)
  if [ -n "$found" ]; then
    status=1
    log "FAILED: $(echo "$found" | wc -l) process(es) wrote a sanitizer report:"
    for f in $found; do
      echo "---- $f"
      head -n 60 "$f"
    done
  else
    log "no sanitizer report"
  fi
fi

# ---- 4. the fuzzers ----------------------------------------------------------------------------------
if [ "$fuzz" = 1 ]; then
  start=$(date +%s)
  log "fuzzing each target for ${fuzz_seconds} s"
  CARTELIER_FUZZ_BUILD=$build CARTELIER_FUZZ_JOBS=${BUILD_JOBS:-2} scripts/fuzz.sh "$fuzz_seconds" || status=1
  log "fuzzing took $(seconds_since "$start") s"
fi

log "took $(seconds_since "$begin") s in all"
if [ $status -eq 0 ]; then log "OK: no test failure, no sanitizer report, no fuzzer finding"; else log "FAILED"; fi
exit $status
