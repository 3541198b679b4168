#include "pipeline/cancel.hpp"

#include <atomic>
#include <csignal>

namespace cartelier::pipeline {

namespace {

std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal flag must be lock-free");

extern "C" void on_signal(int signal_number) {
    g_signal.store(signal_number);
}

}  // namespace

void install_interrupt_handlers() {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    // SA_RESETHAND: a second signal ends the process at once (default action). SA_RESTART: system
    // calls in progress go on; the build notices the flag between stages.
    action.sa_flags = SA_RESETHAND | SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

int interrupt_signal() { return g_signal.load(); }

void request_interrupt(int signal_number) { g_signal.store(signal_number); }

void throw_if_interrupted() {
    if (int s = g_signal.load()) throw Interrupted{s};
}

}  // namespace cartelier::pipeline
