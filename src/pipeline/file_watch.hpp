// What `cartelier watch` and `cartelier serve` watch: the files each map depends on (the build state's
// inputs, pipeline/dependencies.hpp) and the kernel's notice that one was saved (inotify).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "pipeline/project.hpp"

namespace cartelier::pipeline {

/// `path` made absolute and canonical (symbolic links resolved where the file exists).
std::string canonical_path(const std::string& path);

/// Per map id (the `maps` asked for; all when empty): the canonical paths of the files it depends on —
/// the project file, the style, the icon folder (a path ending in '/' stands for every icon under it),
/// the logo, the print profile and every data file of the layers its style draws. A style that does not
/// parse depends on every layer. An atlas is listed under its own id: its pages share its files; a page
/// asked for (ATLAS/PAGE) is listed under that id, with its atlas's files. An id of no map is left out.
std::map<std::string, std::set<std::string>> map_dependency_files(const Project& project,
                                                                  const std::string& project_path,
                                                                  const std::vector<std::string>& maps);

/// The canonical paths of every data file the project's layers read (a change means loading them again).
std::set<std::string> project_data_files(const Project& project);

/// The local time of day, "14:03:27", that the lines `watch` and `serve` print begin with.
std::string clock_time();

/// True when `path` (canonical) is one of `files`, or an icon (.svg or .png, any case) under one of its
/// folders (entries ending in '/'): an editor's swap or backup file beside the icons is no change.
bool depends_on(const std::set<std::string>& files, const std::string& path);

/// The folders of saved files, watched through inotify. Editors save in several steps (a temporary file
/// renamed over the original): changes() reports the paths written, created, moved in or deleted.
class FileWatch {
public:
    FileWatch();  ///< throws Error when inotify is not available
    ~FileWatch();
    FileWatch(const FileWatch&) = delete;
    FileWatch& operator=(const FileWatch&) = delete;

    /// Watches the folder (once; a folder that does not exist is skipped).
    void watch_directory(const std::string& dir);
    /// Watches the folder of each file (for a folder entry ending in '/': that folder).
    void watch_files(const std::set<std::string>& files);
    /// Waits up to `timeout_ms` for a change, then lets an editor's save finish; returns the paths
    /// changed (empty when none in `timeout_ms`). A save is over when `quiet_ms` pass with no new change
    /// and every path changed was last written and closed, moved in or deleted; while one was created
    /// and not yet closed (an editor writing a new file in its place), until `settle_ms` pass with no new
    /// change.
    std::set<std::string> changes(int timeout_ms, int settle_ms = 40, int quiet_ms = 2);

private:
    /// The paths changed by the events that arrive within `timeout_ms` (none: nothing); each with whether
    /// its last event ends a save (closed after writing, moved in, deleted) rather than begins one
    /// (created).
    std::map<std::string, bool> read_events(int timeout_ms);
    int fd_;
    std::set<std::string> dirs_;
    std::map<int, std::string> by_wd_;
};

}  // namespace cartelier::pipeline
