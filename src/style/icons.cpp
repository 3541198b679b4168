// Icon names (icon-image) to files: `NAME` is `icons/NAME.svg`, else `icons/NAME.png`, beside the style
// file; never a file outside the icons folder or, symbolic links resolved, outside the project folder.
#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "style/style.hpp"

namespace cartelier::style {

namespace fs = std::filesystem;

namespace {

/// True when `p` is `dir` or lies under it (both absolute and normalised).
bool inside(const fs::path& p, const fs::path& dir) {
    auto [d, q] = std::mismatch(dir.begin(), dir.end(), p.begin(), p.end());
    // A trailing separator of `dir` shows as an empty last element.
    return d == dir.end() || (std::next(d) == dir.end() && d->empty());
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

/// Names of the icons in the folder (relative paths without extension), for "did you mean".
std::vector<std::string> icon_names(const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return names;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
    for (std::size_t n = 0; !ec && it != end && n < 2000; it.increment(ec), ++n) {
        const std::string ext = lower(it->path().extension().string());
        if (ext != ".svg" && ext != ".png") continue;
        fs::path rel = it->path().lexically_relative(dir);
        rel.replace_extension();
        names.push_back(rel.generic_string());
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

}  // namespace

IconResolution resolve_icon(const Style& style, const std::string& name) {
    IconResolution r;
    const fs::path dir = style.icon_dir;
    const fs::path root = style.icon_root;
    const std::string expected = fmt::format("expected the name of an icon of {} (its file name without .svg or .png)",
                                             dir.string());
    if (name.empty()) {
        r.error = fmt::format("{}, found an empty name", expected);
        return r;
    }
    if (name.find('\0') != std::string::npos) {
        r.error = fmt::format("{}, found a name with a NUL character", expected);
        return r;
    }
    if (fs::path(name).is_absolute() || name[0] == '~') {
        r.error = fmt::format("{}, found the absolute path \"{}\", outside the project's icons", expected, name);
        r.hint = fmt::format("copy the file into {} and give its name without extension", dir.string());
        return r;
    }
    const fs::path lexical = (dir / name).lexically_normal();
    if (!inside(lexical, dir) || lexical == dir) {
        r.error = fmt::format("{}, found \"{}\", which resolves to {}: outside the icons folder{}", expected, name,
                              lexical.string(), inside(lexical, root) ? "" : " and outside the project folder");
        r.hint = fmt::format("an icon name is a file of {} without extension, never a path out of it", dir.string());
        return r;
    }
    for (const char* ext : {".svg", ".png"}) r.candidates.push_back(lexical.string() + ext);
    std::error_code ec;
    auto found = std::find_if(r.candidates.begin(), r.candidates.end(),
                              [&](const std::string& c) { return fs::exists(fs::symlink_status(c, ec)); });
    if (found == r.candidates.end()) {
        r.error = fmt::format("icon \"{}\" not found: expected {} or {}, found neither", name, r.candidates[0],
                              r.candidates[1]);
        const std::string ext = lower(fs::path(name).extension().string());
        if (ext == ".svg" || ext == ".png") {
            r.hint = fmt::format("give the name without its extension: \"{}\"",
                                 fs::path(name).replace_extension().generic_string());
        } else {
            r.hint = suggest_name(name, icon_names(dir), {}, Quote::Double);
            if (r.hint.empty() && !fs::is_directory(dir, ec))
                r.hint = fmt::format("there is no icons folder {} beside the style", dir.string());
        }
        return r;
    }
    // Symbolic links resolved, the file must still be inside the project folder.
    const fs::path real = fs::weakly_canonical(*found, ec);
    const fs::path real_root = fs::weakly_canonical(root, ec);
    if (!fs::exists(*found, ec)) {
        r.error = fmt::format("icon \"{}\": expected an SVG or PNG file, found {}, a broken symbolic link", name, *found);
        return r;
    }
    if (!inside(real, real_root)) {
        r.error = fmt::format("icon \"{}\": expected a file inside the project folder {}, found {}, which is a "
                              "symbolic link to {}, outside it",
                              name, real_root.string(), *found, real.string());
        r.hint = "copy the icon into the icons folder instead of linking to it";
        return r;
    }
    if (!fs::is_regular_file(real, ec)) {
        r.error = fmt::format("icon \"{}\": expected an SVG or PNG file, found {}, which is not a regular file", name,
                              *found);
        return r;
    }
    r.path = *found;
    return r;
}

}  // namespace cartelier::style
