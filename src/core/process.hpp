// Running another program (Ghostscript for the PDF/X output) as a child process: spawned with
// posix_spawn (no shell: the arguments are passed as they are), its standard input and output on
// /dev/null, its standard error captured; stopped (SIGKILL) when it runs past a time limit or when the
// caller's `cancelled` says so (an interrupted build). The child never outlives the call.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cartelier {

/// The absolute path of the program `name` found in PATH (as the shell would), or nullopt. A name with
/// a '/' is taken as a path and returned when it is an executable file.
std::optional<std::string> find_program(const std::string& name);

struct ProcessOptions {
    /// Past this, the child is killed and ProcessResult::timed_out is set.
    std::chrono::milliseconds timeout{std::chrono::minutes(10)};
    /// Polled about ten times a second while the child runs; true: the child is killed and
    /// ProcessResult::cancelled is set.
    std::function<bool()> cancelled;
    /// Added to (or replacing, same name) the parent's environment: "NAME=value".
    std::vector<std::string> environment;
};

struct ProcessResult {
    int exit_code = -1;        ///< the child's exit status; -1 when it was ended by a signal
    int signal = 0;            ///< the signal that ended it, or 0
    bool timed_out = false;    ///< killed at the time limit
    bool cancelled = false;    ///< killed because `cancelled` returned true
    std::string error_output;  ///< what it wrote on standard error (at most the last 64 KiB)
    bool ok() const { return exit_code == 0 && !timed_out && !cancelled; }
};

/// Runs `argv` (argv[0]: the program's path, as find_program gives it) to its end. Throws Error when it
/// cannot be started (no such program, no permission); a program that fails is a result, not a throw.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

}  // namespace cartelier
