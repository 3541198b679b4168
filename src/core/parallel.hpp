// Work on the indices 0 … n-1 spread over threads: the loops of a build that run side by side (the layer
// store's loads, an atlas plan's pages).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace cartelier {

/// Calls `work(i)` for every i in [0, n) on up to `threads` threads (the caller's among them), each
/// taking the next index when it is done with one. Returns what each call threw (null when nothing), by
/// index: the caller says which it rethrows (the first in index order is what a loop making the calls
/// one after another would have met).
template <typename Work>
std::vector<std::exception_ptr> for_each_index(std::size_t n, unsigned threads, Work&& work) {
    std::vector<std::exception_ptr> errors(n);
    std::atomic<std::size_t> next{0};
    auto run = [&] {
        for (std::size_t i; (i = next++) < n;) {
            try {
                work(i);
            } catch (...) {
                errors[i] = std::current_exception();
            }
        }
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < std::min<std::size_t>(std::max(1u, threads), n); ++t) pool.emplace_back(run);
    run();
    for (std::thread& thread : pool) thread.join();
    return errors;
}

}  // namespace cartelier
