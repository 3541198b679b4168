#include "pipeline/state.hpp"

#include <algorithm>
#include <ctime>
#include <array>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <dlfcn.h>
#include <strings.h>
#include <unistd.h>

#include <fontconfig/fontconfig.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/paths.hpp"
#include "pipeline/georeference.hpp"
#include "pipeline/output.hpp"
#include "core/diagnostic.hpp"
#include "core/document.hpp"
#include "core/file_io.hpp"
#include "render/page_surface.hpp"
#include "render/text.hpp"

namespace cartelier::pipeline {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// 2: paths inside the project folder recorded relative to it (1 recorded them absolute).
constexpr int kStateVersion = 2;

/// Input kinds whose name is a file path (the others name project nodes, fonts, the program, a setting).
bool name_is_path(const std::string& kind) {
    return kind == "style" || kind == "data" || kind == "asset" || kind == "icon" || kind == "profile";
}

std::int64_t seconds_of(const FileStamp& s) { return s.mtime_ns / 1000000000; }

json stamp_json(const FileStamp& s) { return json{{"size", s.size}, {"mtime_ns", s.mtime_ns}, {"inode", s.inode}}; }

FileStamp stamp_from(const json& j) {
    return FileStamp{j.at("size").get<std::uintmax_t>(), j.at("mtime_ns").get<std::int64_t>(),
                     j.at("inode").get<std::uint64_t>()};
}

std::string program_path() {
    std::error_code ec;
    fs::path p = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : p.string();
}

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

/// "DejaVu Sans Bold Oblique" → "DejaVu Sans:weight=bold:slant=oblique" (fontconfig's name syntax).
std::string fontconfig_pattern(const PangoFontDescription* desc) {
    std::string family = pango_font_description_get_family(desc);
    int w = pango_font_description_get_weight(desc);
    const char* weight = w <= 150 ? "thin" : w <= 250 ? "extralight" : w <= 350 ? "light" : w <= 450 ? "regular"
                       : w <= 550 ? "medium" : w <= 650 ? "demibold" : w <= 750 ? "bold" : w <= 850 ? "extrabold"
                                                                                                 : "black";
    std::string pattern;
    for (char c : family) {
        if (c == '-' || c == ':' || c == '\\') pattern += '\\';
        pattern += c;
    }
    pattern += fmt::format(":weight={}", weight);
    PangoStyle style = pango_font_description_get_style(desc);
    if (style == PANGO_STYLE_ITALIC) pattern += ":slant=italic";
    else if (style == PANGO_STYLE_OBLIQUE) pattern += ":slant=oblique";
    return pattern;
}

}  // namespace

std::string state_dir(const std::string& out_dir) { return (fs::path(out_dir) / ".cartelier").string(); }

std::optional<MapState> load_map_state(const std::string& out_dir, const std::string& map_id, const fs::path& root,
                                       std::string* problem) {
    fs::path file = fs::path(state_dir(out_dir)) / (map_id + ".json");
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        if (problem) *problem = "no recorded state";
        return std::nullopt;
    }
    try {
        json j = json::parse(in);
        if (const int version = j.at("state_version").get<int>(); version != kStateVersion) {
            if (problem)
                *problem = fmt::format("its recorded state has format {}, this Cartelier reads format {}{}", version,
                                       kStateVersion, version == 1 ? " (which records paths relative to the project)" : "");
            return std::nullopt;
        }
        MapState s;
        s.map = j.at("map").get<std::string>();
        s.date = j.at("date").get<std::int64_t>();
        s.source_layers = j.at("source_layers").get<std::vector<std::string>>();
        s.fonts = j.at("fonts").get<std::vector<std::string>>();
        s.icons = j.value("icons", std::vector<std::string>{});
        s.warnings = j.value("warnings", std::size_t{0});
        for (auto& icon : s.icons) icon = path_against(root, icon);
        for (const auto& i : j.at("inputs")) {
            InputRecord r;
            r.kind = i.at("kind").get<std::string>();
            r.name = i.at("name").get<std::string>();
            if (name_is_path(r.kind)) r.name = path_against(root, r.name);
            r.hash = i.at("hash").get<std::string>();
            r.content_time = i.value("content_time", std::int64_t{0});
            r.file = path_against(root, i.value("file", std::string()));
            if (i.contains("stamp")) r.stamp = stamp_from(i.at("stamp"));
            s.inputs.push_back(std::move(r));
        }
        for (const auto& o : j.at("outputs")) {
            s.outputs.push_back(OutputRecord{o.at("file").get<std::string>(), o.at("bytes").get<std::uintmax_t>(),
                                             o.at("sha256").get<std::string>(), stamp_from(o.at("stamp"))});
        }
        if (s.map != map_id) {
            if (problem) *problem = fmt::format("{} records map '{}'", file.string(), s.map);
            return std::nullopt;
        }
        return s;
    } catch (const std::exception& e) {
        if (problem) *problem = fmt::format("unreadable state {} ({})", file.string(), e.what());
        return std::nullopt;
    }
}

void save_map_state(const std::string& out_dir, const MapState& s, const fs::path& root) {
    json inputs = json::array();
    for (const auto& r : s.inputs) {
        json i{{"kind", r.kind},
               {"name", name_is_path(r.kind) ? path_inside(root, r.name) : r.name},
               {"hash", r.hash},
               {"content_time", r.content_time}};
        if (!r.file.empty()) i["file"] = path_inside(root, r.file);
        if (r.stamp) i["stamp"] = stamp_json(*r.stamp);
        inputs.push_back(std::move(i));
    }
    json outputs = json::array();
    for (const auto& o : s.outputs)
        outputs.push_back(json{{"file", o.file}, {"bytes", o.bytes}, {"sha256", o.sha256}, {"stamp", stamp_json(o.stamp)}});
    std::vector<std::string> icons;
    for (const auto& icon : s.icons) icons.push_back(path_inside(root, icon));
    json j{{"state_version", kStateVersion}, {"map", s.map},     {"date", s.date},   {"source_layers", s.source_layers},
           {"fonts", s.fonts},               {"icons", icons},   {"inputs", inputs}, {"outputs", outputs},
           {"warnings", s.warnings}};
    const fs::path file = fs::path(state_dir(out_dir)) / (s.map + ".json");
    create_folder(file.parent_path());  // an atlas page's state is in a folder of its atlas
    write_atomically(file, j.dump(1) + "\n");
}

namespace {

/// fontconfig, as already loaded by Cairo and Pango. Looked up at run time: the program is not linked
/// to it directly (src/CMakeLists.txt); without it, `fc-match` answers.
struct Fontconfig {
    decltype(&FcNameParse) name_parse = nullptr;
    decltype(&FcConfigSubstitute) config_substitute = nullptr;
    decltype(&FcDefaultSubstitute) default_substitute = nullptr;
    decltype(&FcFontMatch) font_match = nullptr;
    decltype(&FcPatternGetString) get_string = nullptr;
    decltype(&FcPatternDestroy) destroy = nullptr;

    Fontconfig() {
        name_parse = reinterpret_cast<decltype(name_parse)>(::dlsym(RTLD_DEFAULT, "FcNameParse"));
        config_substitute = reinterpret_cast<decltype(config_substitute)>(::dlsym(RTLD_DEFAULT, "FcConfigSubstitute"));
        default_substitute = reinterpret_cast<decltype(default_substitute)>(::dlsym(RTLD_DEFAULT, "FcDefaultSubstitute"));
        font_match = reinterpret_cast<decltype(font_match)>(::dlsym(RTLD_DEFAULT, "FcFontMatch"));
        get_string = reinterpret_cast<decltype(get_string)>(::dlsym(RTLD_DEFAULT, "FcPatternGetString"));
        destroy = reinterpret_cast<decltype(destroy)>(::dlsym(RTLD_DEFAULT, "FcPatternDestroy"));
    }
    bool usable() const {
        return name_parse && config_substitute && default_substitute && font_match && get_string && destroy;
    }
    /// The file fontconfig matches for a pattern and its families (what `fc-match -f '%{file}\n%{family}'`
    /// prints).
    void match(const std::string& pattern_text, FontResolver::Match& out) const {
        FcPattern* pattern = name_parse(reinterpret_cast<const FcChar8*>(pattern_text.c_str()));
        if (!pattern) return;
        config_substitute(nullptr, pattern, FcMatchPattern);
        default_substitute(pattern);
        FcResult result = FcResultNoMatch;
        FcPattern* font = font_match(nullptr, pattern, &result);
        FcChar8* value = nullptr;
        if (font && get_string(font, FC_FILE, 0, &value) == FcResultMatch && value)
            out.file = reinterpret_cast<const char*>(value);
        for (int i = 0; font && get_string(font, FC_FAMILY, i, &value) == FcResultMatch && value; ++i)
            out.families.emplace_back(reinterpret_cast<const char*>(value));
        if (font) destroy(font);
        destroy(pattern);
    }
};

}  // namespace

bool FontResolver::Match::installed() const {
    auto same = [&](const std::string& f) { return ::strcasecmp(f.c_str(), family.c_str()) == 0; };
    static const std::vector<std::string> generic = {"sans-serif", "sans",    "serif",   "monospace",
                                                     "mono",       "cursive", "fantasy", "system-ui"};
    return std::any_of(generic.begin(), generic.end(), same) || std::any_of(families.begin(), families.end(), same);
}

FontResolver::Match FontResolver::match(const std::string& name) {
    std::lock_guard lock(mutex_);
    if (auto it = cache_.find(name); it != cache_.end()) return it->second;
    const render::FontDescriptionPtr desc = render::font_description({name}, 10);
    const std::string pattern = fontconfig_pattern(desc.get());
    Match m;
    m.family = pango_font_description_get_family(desc.get());
    static const Fontconfig fontconfig;
    if (fontconfig.usable()) {
        fontconfig.match(pattern, m);
        return cache_[name] = m;
    }
    std::string command = "fc-match -f '%{file}\\n%{family}' " + shell_quote(pattern) + " 2>/dev/null";
    std::string text;
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
        std::array<char, 512> buffer{};
        while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) text.append(buffer.data(), n);
        if (::pclose(pipe) != 0) text.clear();
    }
    const auto newline = text.find('\n');
    m.file = text.substr(0, newline);
    if (newline != std::string::npos)
        for (std::size_t start = newline + 1; start <= text.size();) {
            const auto comma = std::min(text.find(',', start), text.size());
            if (comma > start) m.families.push_back(text.substr(start, comma - start));
            start = comma + 1;
        }
    return cache_[name] = m;
}

InputContext::InputContext(const Project& project, std::optional<std::int64_t> source_date_epoch)
    : project_(&project), source_date_epoch_(source_date_epoch) {
    root_ = doc::load_file(project.file).root;
    if (auto st = stat_file(project.file)) project_mtime_ = seconds_of(*st);
}

void InputContext::remember(const MapState& previous) {
    for (const auto& r : previous.inputs)
        if (!r.file.empty() && r.stamp && r.hash != "absent") {
            // Fonts record a combined hash; only plain file records seed the cache.
            if (r.kind == "font") continue;
            hasher_.remember(r.file, KnownHash{*r.stamp, r.hash});
        }
}

InputRecord InputContext::file_input(const std::string& kind, const std::string& path, bool optional) {
    InputRecord r;
    r.kind = kind;
    r.name = path;
    r.file = path;
    FileStamp stamp;
    if (auto h = hasher_.hash(path, &stamp)) {
        r.hash = *h;
        r.stamp = stamp;
        r.content_time = seconds_of(stamp);
    } else {
        if (!optional) throw Error(SourceLocation{path, 0, 0, {}}, "file not found");
        r.hash = "absent";
    }
    return r;
}

std::shared_ptr<const StyleFile> InputContext::style_file(const std::string& path) {
    std::lock_guard lock(style_mutex_);
    if (auto it = styles_.find(path); it != styles_.end()) return it->second;
    auto file = std::make_shared<StyleFile>();
    file->path = path;
    file->stamp = stat_file(path);  // before reading: a save after this changes the stamp the state records
    file->bytes = read_file(path);  // throws Error naming the file
    file->hash = content_hash(file->bytes);
    hasher_.remember(path, KnownHash{*file->stamp, file->hash});
    styles_[path] = file;
    return file;
}

InputRecord InputContext::style_input(const std::string& path) {
    InputRecord r{"style", path, "absent", 0, path, std::nullopt};
    std::shared_ptr<const StyleFile> file;
    {
        std::lock_guard lock(style_mutex_);
        if (auto it = styles_.find(path); it != styles_.end()) file = it->second;
    }
    if (!file) {
        auto stamp = stat_file(path);
        if (!stamp) return r;
        if (auto known = hasher_.known(path, *stamp)) {
            r.hash = *known;
            r.stamp = stamp;
            r.content_time = seconds_of(*stamp);
            return r;
        }
        file = style_file(path);
    }
    r.hash = file->hash;
    r.stamp = file->stamp;
    if (file->stamp) r.content_time = seconds_of(*file->stamp);
    return r;
}

std::vector<InputRecord> InputContext::collect(const MapDecl& map, const std::vector<std::string>& source_layers,
                                               const std::vector<std::string>& fonts,
                                               const std::vector<std::string>& icons, const MapState* previous) {
    std::lock_guard lock(mutex_);
    const YAML::Node& root = root_;  // const access only: never inserts into the shared document
    std::vector<InputRecord> inputs;

    // The program: its version and the executable's content.
    {
        std::string exe = program_path();
        InputRecord r = exe.empty() ? InputRecord{} : file_input("program", exe, true);
        r.kind = "program";
        r.name = fmt::format("cartelier {}", CARTELIER_VERSION_STRING);
        r.content_time = 0;
        if (r.hash.empty()) r.hash = "unknown";
        inputs.push_back(std::move(r));
    }
    inputs.push_back(InputRecord{"settings", "date",
                                 source_date_epoch_ ? fmt::format("SOURCE_DATE_EPOCH={}", *source_date_epoch_)
                                                    : std::string("newest input"),
                                 0, {}, std::nullopt});

    const MapDependencies deps = map_dependencies(*project_, map, source_layers, icons);

    // Project-file nodes, each hashed once per build (an atlas's pages share its node and its layers').
    auto node_input = [&](const std::string& path, auto&& node_of) {
        auto known = node_hashes_.find(path);
        if (known == node_hashes_.end()) {
            const YAML::Node node = node_of();
            known = node_hashes_.emplace(path, node.IsDefined() ? content_hash(doc::to_json(node, 0)) : "absent").first;
        }
        inputs.push_back(InputRecord{"project", path, known->second, project_mtime_, {}, std::nullopt});
    };
    node_input("version", [&] { return root["version"]; });
    node_input("producer", [&] { return root["producer"]; });
    node_input("defaults", [&] { return root["defaults"]; });
    // A page of an atlas: the atlas's node, and its own feature (pipeline/atlas.hpp).
    const std::string& node_id = map.page_of ? map.page_of->atlas : map.id;
    node_input(fmt::format("maps.{}", node_id), [&] { return root["maps"][node_id]; });
    if (map.page_of) {
        inputs.push_back(InputRecord{"feature", fmt::format("{}:{}", map.page_of->layer, map.page_of->feature_id),
                                     map.page_of->feature_digest, project_mtime_, {}, std::nullopt});
        inputs.push_back(InputRecord{"page", "its texts, extent and place in the series", map.page_of->page_digest,
                                     project_mtime_, {}, std::nullopt});
    }
    for (const auto& name : deps.layers)
        node_input(fmt::format("layers.{}", name), [&] { return root["layers"][name]; });

    inputs.push_back(style_input(deps.style));
    // Pictures on the page.
    if (deps.logo) inputs.push_back(file_input("asset", *deps.logo, true));
    // The printer's profile of the print PDF: not dated (it changes the print PDF, not the map's date).
    if (deps.print_profile) inputs.push_back(file_input("profile", *deps.print_profile, true));
    // Icons: the files that decide each icon name (either may be absent).
    for (const auto& file : deps.icons) inputs.push_back(file_input("icon", file, true));
    // Data files. An atlas page records instead what it draws of each layer (pipeline/atlas.hpp), dated
    // by the newest of those files; the SOURCES.json files stay (their editions are in the credits).
    if (map.page_of && !map.page_of->drawn.empty()) {
        std::int64_t newest = 0;
        for (const auto& f : deps.data) {
            InputRecord r = file_input("data", f, true);
            if (fs::path(f).filename() == "SOURCES.json") inputs.push_back(std::move(r));
            else newest = std::max(newest, r.content_time);
        }
        for (const auto& [layer, frame, digest] : map.page_of->drawn)
            inputs.push_back(InputRecord{"drawn", frame.empty() ? layer : fmt::format("{} in inset {}", layer, frame),
                                         digest, newest, {}, std::nullopt});
    } else {
        for (const auto& f : deps.data) inputs.push_back(file_input("data", f, true));
    }
    // Database layers: the digest of their rows (dated when first seen: a database has no mtime).
    for (const auto& name : deps.databases)
        inputs.push_back(InputRecord{"database", name, content_hash(digests_.current(project_->layers.at(name).spec)),
                                     static_cast<std::int64_t>(std::time(nullptr)), {}, std::nullopt});

    // Fonts: the file fontconfig picks, and its content.
    for (const auto& name : fonts) {
        InputRecord r{"font", name, "unresolved", 0, {}, std::nullopt};
        std::string file = fonts_.resolve(name);
        if (!file.empty()) {
            FileStamp stamp;
            auto h = hasher_.hash(file, &stamp);
            r.file = file;
            r.stamp = stamp;
            r.hash = content_hash(file + "\n" + h.value_or("absent"));
        }
        inputs.push_back(std::move(r));
    }

    std::sort(inputs.begin(), inputs.end(),
              [](const InputRecord& a, const InputRecord& b) { return std::tie(a.kind, a.name) < std::tie(b.kind, b.name); });
    // Content times: kept from the previous build while the content is the same.
    if (previous)
        for (auto& r : inputs)
            for (const auto& p : previous->inputs)
                if (p.kind == r.kind && p.name == r.name) {
                    if (p.hash == r.hash) r.content_time = p.content_time;
                    break;
                }
    return inputs;
}

std::int64_t InputContext::date_of(const std::vector<InputRecord>& inputs) const {
    if (source_date_epoch_) return *source_date_epoch_;
    std::int64_t newest = 0;
    for (const auto& r : inputs)
        if (r.kind == "project" || r.kind == "style" || r.kind == "data" || r.kind == "asset" || r.kind == "icon" ||
            r.kind == "database")
            newest = std::max(newest, r.content_time);
    return newest > 0 ? newest : project_mtime_;
}

std::vector<std::string> fonts_of(const MapDecl& map, const style::Style& style) {
    std::vector<std::string> fonts;
    auto add = [&](const std::string& f) {
        if (std::find(fonts.begin(), fonts.end(), f) == fonts.end()) fonts.push_back(f);
    };
    // Page text (layout/page_layout.cpp): title in bold, the rest in book.
    add(map.page.font + " Bold");
    add(map.page.font + " Book");
    for (const auto& f : style.fonts) add(f);
    if (style.uses_default_text_font) add(render::TextStyle{}.fonts.front());
    return fonts;
}

namespace {

/// Whether the output file holds the bytes the record says (its SHA-256), whatever stat() says; or, for
/// the CRS file of a PNG, the file Cartelier wrote as GDAL rewrites it with statistics (pam_keeps_crs).
bool same_content(const fs::path& file, const OutputRecord& o) {
    const bool extensible = o.file.size() > 12 && o.file.compare(o.file.size() - 12, 12, ".png.aux.xml") == 0;
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec || (size != o.bytes && !extensible)) return false;
    try {
        const std::string bytes = read_file(file.string());
        return (size == o.bytes && sha256_hex(bytes) == o.sha256) || (extensible && pam_keeps_crs(bytes, o.sha256));
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace

bool output_unchanged(const std::string& out_dir, const OutputRecord& o) {
    const fs::path file = fs::path(out_dir) / o.file;
    auto st = stat_file(file);
    return st && (o.stamp == *st || same_content(file, o));
}

std::vector<std::string> staleness(const MapState* previous, const std::vector<InputRecord>& current,
                                   const MapDecl& map, const std::string& out_dir) {
    std::vector<std::string> why;
    if (!previous) return {"never built"};
    auto label = [](const InputRecord& r) {
        if (r.kind == "project") return fmt::format("project node '{}'", r.name);
        if (r.kind == "settings") return std::string("the date rule (SOURCE_DATE_EPOCH)");
        if (r.kind == "database") return fmt::format("the rows of database layer '{}'", r.name);
        if (r.kind == "drawn") return fmt::format("what it draws of layer {}", r.name);  // an atlas page
        if (r.kind == "feature") return fmt::format("its feature {}", r.name);
        if (r.kind == "page") return r.name;
        return fmt::format("{} {}", r.kind, r.name);
    };
    for (const auto& r : current) {
        auto p = std::find_if(previous->inputs.begin(), previous->inputs.end(),
                              [&](const InputRecord& x) { return x.kind == r.kind && x.name == r.name; });
        if (r.kind == "program" && p == previous->inputs.end()) {
            auto old = std::find_if(previous->inputs.begin(), previous->inputs.end(),
                                    [](const InputRecord& x) { return x.kind == "program"; });
            why.push_back(fmt::format("program changed ({} → {})",
                                      old == previous->inputs.end() ? "?" : old->name, r.name));
        } else if (p == previous->inputs.end()) {
            why.push_back(fmt::format("new input: {}", label(r)));
        } else if (p->hash != r.hash) {
            if (r.hash == "absent") why.push_back(fmt::format("{} was removed", label(r)));
            else if (p->hash == "absent") why.push_back(fmt::format("{} appeared", label(r)));
            else if (r.kind == "settings") why.push_back(fmt::format("the date rule changed ({} → {})", p->hash, r.hash));
            else why.push_back(fmt::format("{} changed", label(r)));
        }
    }
    for (const auto& p : previous->inputs) {
        if (p.kind == "program") continue;
        bool still = std::any_of(current.begin(), current.end(),
                                 [&](const InputRecord& x) { return x.kind == p.kind && x.name == p.name; });
        if (!still) why.push_back(fmt::format("no longer an input: {}", label(p)));
    }
    std::vector<std::string> files;
    for (Format f : map.formats) {
        files.push_back(fmt::format("{}.{}", map.id, render::extension(f)));
        if (f == Format::Png && map.georeference)
            for (std::string& g : png_georeference_files(map.id)) files.push_back(std::move(g));
    }
    for (const std::string& file : files) {
        auto o = std::find_if(previous->outputs.begin(), previous->outputs.end(),
                              [&](const OutputRecord& x) { return x.file == file; });
        auto st = stat_file(fs::path(out_dir) / file);
        if (!st) why.push_back(fmt::format("output {} is missing", file));
        else if (o == previous->outputs.end()) why.push_back(fmt::format("output {} was not built by the last build", file));
        else if (!output_unchanged(out_dir, *o))
            why.push_back(fmt::format("output {} was modified since the last build", file));
    }
    return why;
}

std::optional<MapState> restamped(const MapState& previous, const std::vector<InputRecord>& current,
                                  const std::string& out_dir) {
    MapState s = previous;
    bool moved = false;
    for (auto& r : s.inputs) {
        auto c = std::find_if(current.begin(), current.end(),
                              [&](const InputRecord& x) { return x.kind == r.kind && x.name == r.name; });
        if (c == current.end() || c->hash != r.hash) return std::nullopt;  // not up to date: not for this
        if (c->stamp && !(r.stamp && *r.stamp == *c->stamp)) {
            r.stamp = c->stamp;
            r.file = c->file;
            moved = true;
        }
    }
    for (auto& o : s.outputs) {
        auto st = stat_file(fs::path(out_dir) / o.file);
        if (!st) return std::nullopt;
        if (!(*st == o.stamp)) {
            if (!same_content(fs::path(out_dir) / o.file, o)) return std::nullopt;
            o.stamp = *st;
            moved = true;
        }
    }
    if (!moved) return std::nullopt;
    return s;
}

}  // namespace cartelier::pipeline
