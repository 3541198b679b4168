#include "core/paths.hpp"

namespace cartelier {

namespace fs = std::filesystem;

std::string path_inside(const fs::path& root, const std::string& path) {
    if (path.empty() || root.empty()) return path;
    const fs::path p = fs::path(path).lexically_normal();
    fs::path r = root.lexically_normal();
    if (!r.has_filename() && r.has_parent_path() && r != r.root_path()) r = r.parent_path();  // "/a/b/" → "/a/b"
    if (!p.is_absolute() || !r.is_absolute()) return path;
    const fs::path rel = p.lexically_relative(r);
    if (rel.empty() || rel == "." || *rel.begin() == "..") return path;
    return rel.string();
}

std::string path_against(const fs::path& root, const std::string& path) {
    if (path.empty() || fs::path(path).is_absolute()) return path;
    return (root / path).lexically_normal().string();
}

std::string display_path(const std::string& file, const std::string& cwd) { return path_inside(cwd, file); }

}  // namespace cartelier
