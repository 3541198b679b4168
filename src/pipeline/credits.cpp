#include "pipeline/credits.hpp"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace cartelier::pipeline {

namespace fs = std::filesystem;

std::optional<std::int64_t> source_date_epoch() {
    if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) {
        char* end = nullptr;
        long long v = std::strtoll(epoch, &end, 10);
        if (end && end != epoch && *end == '\0') return v;
    }
    return std::nullopt;
}

namespace {

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

}  // namespace cartelier::pipeline
