// Time budgets of the scale tests, for the build they run in.
#pragma once

namespace cartelier::test {

/// Whether this build is instrumented by AddressSanitizer (scripts/sanitize.sh: ASan + UBSan).
constexpr bool instrumented_build() {
#if defined(__SANITIZE_ADDRESS__)
    return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return true;
#else
    return false;
#endif
#else
    return false;
#endif
}

/// A CPU-time budget stated for an optimised build. The sanitizer build runs the same code at -O1
/// with every memory access checked, two to three times slower (and its suite runs two tests at a
/// time), so it gets four times the budget: it is there to find memory errors, not to time the code.
constexpr double cpu_budget(double optimised_seconds) {
    return instrumented_build() ? 4 * optimised_seconds : optimised_seconds;
}

}  // namespace cartelier::test
