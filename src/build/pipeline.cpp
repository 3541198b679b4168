#include "build/pipeline.hpp"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "build/output.hpp"
#include "data/table.hpp"
#include "geo/projection.hpp"
#include "layout/page_layout.hpp"
#include "render/page_surface.hpp"
#include "style/style.hpp"

namespace cartelier::build {

namespace fs = std::filesystem;

int BuildOutcome::exit_code() const {
    for (const auto& m : maps)
        if (!m.ok) return 1;
    return 0;
}

namespace {

std::int64_t default_date() {
    if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) {
        char* end = nullptr;
        long long v = std::strtoll(epoch, &end, 10);
        if (end && *end == '\0') return v;
    }
    return static_cast<std::int64_t>(std::time(nullptr));
}

render::OutputFormat to_render(Format f) {
    switch (f) {
        case Format::Pdf: return render::OutputFormat::Pdf;
        case Format::Png: return render::OutputFormat::Png;
        case Format::Svg: return render::OutputFormat::Svg;
    }
    return render::OutputFormat::Pdf;
}

/// Edition recorded by scripts/fetch-layers.sh in SOURCES.json beside the file, if any.
std::string recorded_edition(const std::string& path) {
    fs::path sources = fs::path(path).parent_path() / "SOURCES.json";
    std::ifstream in(sources);
    if (!in) return {};
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return {};
    const std::string stem = fs::path(path).stem().string();
    if (j.contains(stem) && j[stem].is_object() && j[stem].contains("edition") && j[stem]["edition"].is_string())
        return j[stem]["edition"].get<std::string>();
    return {};
}

void build_one(const Project& project, const MapDecl& map, LayerStore& store, const BuildOptions& options,
               std::int64_t date, MapOutcome& outcome) {
    Diagnostics style_warnings;
    style::Style style = style::load_style(map.style, &style_warnings);
    outcome.diagnostics.append(style_warnings);

    render::LayerSet layers;
    Diagnostics missing;
    for (const auto& name : style.source_layers()) {
        if (!project.layers.count(name)) {
            std::vector<std::string> names;
            for (const auto& [n, _] : project.layers) names.push_back(n);
            auto near = nearest_name(name, names);
            missing.error(SourceLocation{map.style, 0, 0, "source-layer"},
                          fmt::format("the style draws layer '{}', which the project ({}) does not declare", name,
                                      project.file),
                          near.empty() ? fmt::format("declared layers: {}", fmt::join(names, ", "))
                                       : fmt::format("did you mean '{}'?", near));
            continue;
        }
        layers.add(store.projected(name, map.crs));
    }
    if (missing.has_errors()) throw Error(missing);

    layout::PageLayout page = map.page;
    page.credits = credits_text(project, map, style.source_layers(), date);
    layout::MapContent content{&style, &layers, map.crs, map.extent};

    // Render every format in memory first: nothing is written unless all of them succeed.
    std::vector<std::pair<fs::path, std::string>> files;
    for (Format f : map.formats) {
        render::PageSpec spec;
        spec.width_pt = page.width_pt();
        spec.height_pt = page.height_pt();
        spec.dpi = map.dpi;
        spec.title = page.title;
        spec.creator = fmt::format("Cartelier {}", CARTELIER_VERSION_STRING);
        spec.date = date;
        render::PageSurface surface(to_render(f), spec);
        layout::PageReport report = layout::compose_page(surface.cr(), page, content);
        if (f == map.formats.front()) {
            for (const auto& l : report.labels) {
                if (l.status == render::LabelStatus::Placed) ++outcome.labels.placed;
                else if (l.status == render::LabelStatus::Displaced) ++outcome.labels.displaced;
                else {
                    ++outcome.labels.unplaced;
                    outcome.diagnostics.warning(SourceLocation{map.style, 0, 0, l.request.layer_id},
                                                fmt::format("label '{}' of feature {} could not be placed",
                                                            l.request.text, l.request.feature_id));
                }
            }
            for (const auto& e : report.evaluation_errors)
                outcome.diagnostics.warning(SourceLocation{map.style, 0, 0, {}}, "style evaluation: " + e);
            outcome.scale_denominator = report.scale_denominator;
            outcome.zoom = report.zoom;
        }
        fs::path target = fs::path(options.out_dir) / fmt::format("{}.{}", map.id, render::extension(to_render(f)));
        files.emplace_back(target, surface.finish());
    }
    fs::create_directories(options.out_dir);
    for (const auto& [path, bytes] : files) {
        write_atomically(path, bytes);
        outcome.outputs.push_back({path.string(), bytes.size()});
    }
}

}  // namespace

std::string french_date(std::int64_t seconds) {
    static const char* months[] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                                   "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{} {} {}", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900);
}

std::string credits_text(const Project& project, const MapDecl& map, const std::vector<std::string>& source_layers,
                         std::int64_t date) {
    std::vector<std::string> sources;
    for (const auto& name : source_layers) {
        auto it = project.layers.find(name);
        if (it == project.layers.end()) continue;
        std::string edition = recorded_edition(it->second.spec.path);
        std::string text = it->second.attribution;
        if (!edition.empty()) {
            // The attribution may carry a {edition} placeholder; else the recorded edition replaces it.
            auto pos = text.find("{edition}");
            text = pos != std::string::npos ? text.replace(pos, 9, edition) : edition;
        } else if (auto pos = text.find("{edition}"); pos != std::string::npos) {
            text.replace(pos, 9, "édition inconnue");
        }
        if (!text.empty() && std::find(sources.begin(), sources.end(), text) == sources.end()) sources.push_back(text);
    }
    std::string out = map.credits_template;
    auto replace = [&](const std::string& key, const std::string& value) {
        for (auto pos = out.find(key); pos != std::string::npos; pos = out.find(key, pos + value.size()))
            out.replace(pos, key.size(), value);
    };
    replace("{sources}", fmt::format("{}", fmt::join(sources, " ; ")));
    replace("{producer}", project.producer);
    replace("{date}", french_date(date));
    return out;
}

BuildOutcome run_build(const Project& project, const BuildOptions& options) {
    std::vector<const MapDecl*> selected;
    if (options.maps.empty()) {
        for (const auto& m : project.maps) selected.push_back(&m);
    } else {
        Diagnostics unknown;
        for (const auto& id : options.maps) {
            if (const MapDecl* m = project.find_map(id)) {
                selected.push_back(m);
                continue;
            }
            std::vector<std::string> ids;
            for (const auto& m : project.maps) ids.push_back(m.id);
            auto near = nearest_name(id, ids);
            unknown.error(SourceLocation{project.file, 0, 0, {}}, fmt::format("no map '{}' in the project", id),
                          near.empty() ? fmt::format("maps: {}", fmt::join(ids, ", "))
                                       : fmt::format("did you mean '{}'?", near));
        }
        if (unknown.has_errors()) throw Error(unknown);
    }
    const std::int64_t date = options.date ? *options.date : default_date();
    LayerStore store(project);
    BuildOutcome outcome;
    for (const MapDecl* map : selected) {
        MapOutcome m;
        m.id = map->id;
        auto start = std::chrono::steady_clock::now();
        try {
            build_one(project, *map, store, options, date, m);
            m.ok = true;
        } catch (const Error& e) {
            m.diagnostics.append(e.diagnostics());
        } catch (const std::exception& e) {
            m.diagnostics.error(SourceLocation{project.file, 0, 0, fmt::format("maps.{}", map->id)},
                                fmt::format("internal error: {}", e.what()));
        }
        m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        outcome.maps.push_back(std::move(m));
    }
    if (!store.warnings().empty() && !outcome.maps.empty()) outcome.maps.front().diagnostics.append(store.warnings());
    return outcome;
}

}  // namespace cartelier::build
