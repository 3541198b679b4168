// `cartelier watch`: re-render maps each time a file they depend on is saved (the style, the project
// file, a data file), printing the time taken; a broken style shows its errors and keeps the last
// good output. The cartographer's loop.
#pragma once

#include <atomic>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace cartelier::pipeline {

struct WatchOptions {
    std::string project_path = "cartelier.yaml";
    std::vector<std::string> maps;   ///< empty: every map
    std::string out_dir = "out";
    bool all_formats = false;        ///< default: PNG only, the preview
    int max_rebuilds = -1;           ///< stop after this many rebuilds (tests); -1: until stopped
};

/// Runs until `stop` becomes true (or max_rebuilds is reached). Returns the exit status.
int run_watch(const WatchOptions& options, std::ostream& out, std::ostream& err, const std::atomic<bool>& stop);

/// Files the selected maps of a project depend on (project file, styles, layer sources, join tables).
std::vector<std::string> watched_files(const std::string& project_path, const std::vector<std::string>& maps);

}  // namespace cartelier::pipeline
