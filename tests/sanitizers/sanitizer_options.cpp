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

// intercept_tls_get_addr=0: up to LLVM 16 the runtime's __tls_get_addr interceptor takes a dynamic TLS
// block for one with glibc 2.19's header whenever its address modulo 4096 happens to equal that header's
// size, and reads a bogus range before it; LeakSanitizer's tracer then segfaults at exit ("Tracer caught
// signal 11 … LeakSanitizer has encountered a fatal error"), reporting no leak. Where malloc puts the
// block decides it: here, `cartelier check` on one bad-input case, every time, once cpp-httplib's
// libraries changed the process's layout. The blocks are still found through the threads' TLS.
const char* __asan_default_options() { return "abort_on_error=1:intercept_tls_get_addr=0"; }

// print_suppressions=0: no "Suppressions used" table after every run (lsan.supp says what is suppressed).
const char* __lsan_default_options() {
    return "print_suppressions=0:suppressions=" CARTELIER_SANITIZERS_DIR "/lsan.supp";
}

// -fno-sanitize-recover=undefined already makes every UBSan report fatal.
const char* __ubsan_default_options() { return "print_stacktrace=1"; }

}
