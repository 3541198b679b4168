#!/usr/bin/env bash
# tsan.sh — the threaded tests under ThreadSanitizer, from one clang build in build-tsan/ (CMake preset
# 'tsan'). CI runs it after the ordinary suite (.ci/run).
#
#   scripts/tsan.sh [--no-build]
#
# 1. installs clang-14, libclang-rt-14-dev (the TSan runtime) and llvm-14 (symbolizer) with apt-get when
#    missing, as scripts/sanitize.sh does;
# 2. configures build-tsan/ with the 'tsan' preset (clang, -fsanitize=thread, -O1 -g, no tcmalloc, no fuzz
#    targets) and builds only what the threaded tests need: `cartelier`, its GDAL module and the test
#    binaries test_pipeline, test_e2e_pipeline, test_style, test_data, test_render and test_serve;
# 3. runs, two tests at a time: every pipeline test (label 'pipeline', unit and e2e: build, layer store,
#    watch, incremental, shard, prepared cache, seed maps…), the style tests named Concurren|Thread|Parallel,
#    the data LayerReader tests, the render tests named Thread and the preview session's tests (label
#    'unit-serve': its rendering thread, the readers of its snapshots, the bands drawn on several threads). Every TSan report of every process — the
#    test binaries and the sanitized `cartelier` processes they spawn — goes to build-tsan/tsan-reports/;
#    halt_on_error makes the reporting process exit with status 66 at its first report; any report fails
#    the run, even one a test did not notice. A failed test is run once more, alone (timing under TSan's
#    slowdown); a failure again, or a report from either run, fails the run. The last lines name them.
# Suppressions (tests/sanitizers/tsan.supp) cover uninstrumented system libraries only.
# Exits non-zero on a failed test or a TSan report. Needs what `scripts/setup.sh --tests` installs.
# Environment: BUILD_JOBS (ninja -j, default 2), CTEST_JOBS (tests run at once, default 2).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
source "$root/scripts/packages.sh"
begin=$(date +%s)
build_it=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build_it=0 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "tsan.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

log() { printf 'tsan: %s\n' "$*"; }
seconds_since() { echo $(( $(date +%s) - $1 )); }

# ---- 1. the compiler and runtime -------------------------------------------------------------------
ensure_packages tsan clang clang-14 libclang-rt-14-dev llvm-14
symbolizer=""
if ! command -v llvm-symbolizer >/dev/null && [ -x /usr/lib/llvm-14/bin/llvm-symbolizer ]; then
  symbolizer=":external_symbolizer_path=/usr/lib/llvm-14/bin/llvm-symbolizer"
fi
[ -d layers/cache ] || log "warning: layers/cache/ is empty: run scripts/setup.sh --tests first (tests that need the layers skip)"

# ---- 2. the ThreadSanitizer build ------------------------------------------------------------------
build=$root/build-tsan
targets=(cartelier cartelier_gdal test_pipeline test_e2e_pipeline test_style test_data test_render test_serve)
if [ "$build_it" = 1 ]; then
  start=$(date +%s)
  log "configuring and building $build/ (preset tsan): ${targets[*]}"
  cmake --preset tsan >/dev/null
  ninja -C "$build" -j "${BUILD_JOBS:-2}" "${targets[@]}"
  log "built in $(seconds_since "$start") s"
fi

# ---- 3. the threaded tests -------------------------------------------------------------------------
reports=$build/tsan-reports
rm -rf "$reports"
mkdir -p "$reports"
# The spawned `cartelier` processes are the build-tsan ones (the tests' CARTELIER_BINARY) and inherit these.
# halt_on_error + exitcode: the first report ends the process with status 66, which no test expects
# (`cartelier` ends with 0, 1, 2 or 128+N). log_path: each reporting process writes $reports/report.PID.
export TSAN_OPTIONS="halt_on_error=1:exitcode=66:second_deadlock_stack=1:log_path=$reports/report:suppressions=$root/tests/sanitizers/tsan.supp:print_suppressions=0${symbolizer}${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
start=$(date +%s)
status=0
failed_tests=()
retried_tests=()
run_ctest() {  # DESCRIPTION CTEST-ARGS...
  local what=$1; shift
  log "running $what"
  rm -f "$build/Testing/Temporary/LastTestsFailed.log"
  set +e
  ctest --test-dir "$build" --output-on-failure --no-tests=ignore -j "${CTEST_JOBS:-2}" "$@"
  local rc=$?
  set -e
  [ $rc -eq 0 ] && return 0
  # A test that failed is run once more, alone: TSan slows the processes ten-fold, and a test that waits
  # on a build (watch, interrupted builds) can lose a race against time on a loaded machine. A data race
  # is not hidden by the retry: every report of every run stays in $reports and fails the run below.
  local failed
  failed=$(sed -n 's/^[0-9]*:\(.*\)$/\1/p' "$build/Testing/Temporary/LastTestsFailed.log" 2>/dev/null | sort -u)
  for t in $failed; do
    log "retrying $t alone"
    set +e
    ctest --test-dir "$build" --output-on-failure -R "^${t}\$"
    local again=$?
    set -e
    if [ $again -eq 0 ]; then retried_tests+=("$t"); else failed_tests+=("$t"); status=1; fi
  done
  [ -n "$failed" ] || { status=1; failed_tests+=("ctest ($what) exited with $rc"); }
}
# The seed maps as PDF/X-3: three national builds plus Ghostscript, the slowest test under TSan, and no thread the other
# print tests (PrintPdf.*) do not already run.
run_ctest "the pipeline tests (unit and e2e)" -L pipeline -E "TheThreeSeedMapsBuildAsPdfX3"
run_ctest "the style concurrency tests" -L style -R 'Concurren|Thread|Parallel'
run_ctest "the data LayerReader tests" -L data -R 'LayerReader'
run_ctest "the render thread tests" -L render -R 'Thread'
run_ctest "the preview session tests" -L unit-serve
log "threaded tests ran in $(seconds_since "$start") s"

found=$(find "$reports" -type f -size +0 | sort)
if [ -n "$found" ]; then
  status=1
  log "FAILED: $(echo "$found" | wc -l) process(es) wrote a ThreadSanitizer report:"
  for f in $found; do
    echo "---- $f"
    head -n 80 "$f"
  done
else
  log "no ThreadSanitizer report"
fi

[ ${#retried_tests[@]} -eq 0 ] || log "passed when run again alone (timing under TSan): ${retried_tests[*]}"
[ ${#failed_tests[@]} -eq 0 ] || log "FAILED tests: ${failed_tests[*]}"
log "took $(seconds_since "$begin") s in all"
if [ $status -eq 0 ]; then log "OK: no test failure, no ThreadSanitizer report"; else log "FAILED"; fi
exit $status
