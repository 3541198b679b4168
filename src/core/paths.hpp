// Paths as Cartelier records and shows them: relative to a folder they lie in (the project's, for a
// state that survives moving the project; the current directory, for messages), absolute otherwise.
// Lexical only: no file system access, no links followed.
#pragma once

#include <filesystem>
#include <string>

namespace cartelier {

/// `path` relative to `root` when it is an absolute path inside the absolute folder `root` (after
/// normalisation: `/a/b/./c/../d` lies in `/a/b`); otherwise — relative, outside, `root` itself, or
/// either empty — `path` unchanged.
std::string path_inside(const std::filesystem::path& root, const std::string& path);

/// The inverse: a relative `path` made absolute against `root` (normalised); an absolute or empty one
/// unchanged.
std::string path_against(const std::filesystem::path& root, const std::string& path);

/// `file` as messages show it: path_inside(`cwd`, file) — `layers/sites.csv` rather than
/// `/home/ana/atlas/layers/sites.csv` when cartelier runs in `/home/ana/atlas`.
std::string display_path(const std::string& file, const std::string& cwd);

}  // namespace cartelier
