// Writing outputs: always to a temporary file in the same folder, renamed into place only when
// complete, so that a failed or interrupted build never leaves a half-written map.
#pragma once

#include <filesystem>
#include <string>

namespace cartelier::pipeline {

/// Writes `bytes` to `path` atomically (temporary file, fsync, rename). Throws Error on failure.
void write_atomically(const std::filesystem::path& path, const std::string& bytes);

/// Creates the folder `dir` and its parents if missing. Throws Error naming it on failure (a name too
/// long, a file in the way, no permission), never std::filesystem_error.
void create_folder(const std::filesystem::path& dir);

}  // namespace cartelier::pipeline
