// Default options of the sanitizer runtimes, compiled into every executable of a sanitizer build
// (CARTELIER_SANITIZE or CARTELIER_FUZZ): `cartelier`, the test binaries and the fuzz targets. So ctest,
// GoogleTest's test discovery at build time, the `cartelier` processes the tests spawn and a developer's
// own runs all use the committed suppressions (lsan.supp, beside this file) without any environment.
// ASAN_OPTIONS, LSAN_OPTIONS and UBSAN_OPTIONS are read after these and add to or override them
// (scripts/sanitize.sh adds log_path to collect every report).
//
// abort_on_error: a report ends the process with SIGABRT rather than exit status 1, which `cartelier`
// also uses for "a map failed": a test that expects status 1 cannot mistake a report for it.

#ifndef CARTELIER_SANITIZERS_DIR
#error "CARTELIER_SANITIZERS_DIR must name tests/sanitizers (set by CMakeLists.txt)"
#endif

extern "C" {

const char* __asan_default_options() { return "abort_on_error=1"; }

// print_suppressions=0: no "Suppressions used" table after every run (lsan.supp says what is suppressed).
const char* __lsan_default_options() {
    return "print_suppressions=0:suppressions=" CARTELIER_SANITIZERS_DIR "/lsan.supp";
}

// -fno-sanitize-recover=undefined already makes every UBSan report fatal.
const char* __ubsan_default_options() { return "print_stacktrace=1"; }

}
