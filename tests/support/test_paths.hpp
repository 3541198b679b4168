// One helper to reach test fixtures and the built program, whatever the working directory.
#pragma once

#include <string>

namespace cartelier::test {

/// Absolute path of a file under tests/ (e.g. datapath("fixtures/sites.csv")).
std::string datapath(const std::string& relative);
/// Absolute path under the repository root.
std::string sourcepath(const std::string& relative);
/// Path of the built `cartelier` executable.
std::string cartelier_binary();
/// A fresh empty temporary directory for one test (removed by the OS / next run).
std::string temp_dir(const std::string& name);

struct CommandResult {
    int status = -1;       ///< exit status
    std::string output;    ///< stdout and stderr together
};
/// Runs a shell command, capturing its output.
CommandResult run(const std::string& command);

}  // namespace cartelier::test
