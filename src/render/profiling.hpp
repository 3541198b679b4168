// CARTELIER_PROFILE=1: the renderer prints the time of each of its stages to stderr
// ("stage render raster layer communes-outline (arcs once) 0.615 s"), for scripts/bench.sh.
#pragma once

#include <chrono>
#include <cstdlib>
#include <cstring>

namespace cartelier::render {

/// Whether CARTELIER_PROFILE is set (and not "0"), read once per process.
inline bool profiling() {
    static const bool on = [] {
        const char* v = std::getenv("CARTELIER_PROFILE");
        return v && *v && std::strcmp(v, "0") != 0;
    }();
    return on;
}

/// Seconds since `start`.
inline double since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace cartelier::render
