#include "pipeline/credits.hpp"
#include "pipeline/steps.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/paths.hpp"
#include "pipeline/state.hpp"

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

/// Spaces, then one of the separators that join an edition to its text, repeatedly, at the end of `s`
/// (`at_end`) or at its start.
void trim_joints(std::string& s, bool at_end) {
    static const char* const joints[] = {"\u00a0", "\u202f", " ", "\t", ":", ",", ";", "/", "|", "\u2013", "\u2014", "-"};
    for (bool trimmed = true; trimmed && !s.empty();) {
        trimmed = false;
        for (const char* j : joints) {
            const std::string_view joint(j);
            if (s.size() < joint.size()) continue;
            if (at_end ? s.compare(s.size() - joint.size(), joint.size(), joint) == 0 : s.compare(0, joint.size(), joint) == 0) {
                s.erase(at_end ? s.size() - joint.size() : 0, joint.size());
                trimmed = true;
                break;
            }
        }
    }
}

void trim_spaces(std::string& s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(0, 1);
}

}  // namespace

std::string without_edition(const std::string& attribution) {
    static const std::string placeholder = "{edition}";
    std::string text = attribution;
    for (auto pos = text.find(placeholder); pos != std::string::npos; pos = text.find(placeholder)) {
        std::string before = text.substr(0, pos);
        std::string after = text.substr(pos + placeholder.size());
        trim_spaces(before);
        trim_spaces(after);
        // Brackets around the placeholder alone go with it.
        if (!before.empty() && !after.empty() && ((before.back() == '(' && after.front() == ')') ||
                                                  (before.back() == '[' && after.front() == ']'))) {
            before.pop_back();
            after.erase(0, 1);
            trim_spaces(before);
            trim_spaces(after);
        }
        if (after.empty() || after.front() == '.' || after.front() == ',' || after.front() == ';' || after.front() == ')') {
            trim_joints(before, true);  // "A : {edition}" → "A"; "A : {edition}, B" → "A, B"
            text = before + after;
        } else if (before.empty()) {
            trim_joints(after, false);  // "{edition} – A" → "A"
            text = after;
        } else {
            text = before + " " + after;  // "A {edition} B" → "A B"
        }
    }
    return text;
}

std::string without_sentence(const std::string& text, const std::string& token) {
    const auto pos = text.find(token);
    if (pos == std::string::npos) return text;
    // The sentence: from after the ". " that ends the one before (or the start) to its own ". " (or the end).
    const auto before = text.rfind(". ", pos);
    const std::size_t start = before == std::string::npos ? 0 : before + 2;
    const auto after = text.find(". ", pos + token.size());
    if (after != std::string::npos) return text.substr(0, start) + text.substr(after + 2);
    // The last sentence: the one before keeps its full stop.
    std::string kept = text.substr(0, start);
    trim_spaces(kept);
    return kept;
}

std::string french_date(std::int64_t seconds) {
    static const char* months[] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                                   "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{} {} {}", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900);
}

std::string credits_text(const Project& project, const MapDecl& map, const std::vector<std::string>& source_layers,
                         std::int64_t date, Diagnostics& warnings) {
    // Each layer's text, and whether it is an attribution whose edition is unknown (placeholder removed).
    std::vector<std::pair<std::string, bool>> texts;
    // A derived layer credits its own sources and those of the layers it is computed from.
    std::vector<std::string> credited;
    for (std::size_t i = 0; i < source_layers.size(); ++i) credited.push_back(source_layers[i]);
    for (const auto& name : source_layers)
        for (const auto& input : project.computed_from(name))
            if (std::find(credited.begin(), credited.end(), input) == credited.end()) credited.push_back(input);
    for (const auto& name : credited) {
        auto it = project.layers.find(name);
        if (it == project.layers.end()) continue;
        const LayerDecl& layer = it->second;
        std::string edition;
        if (layer.derived()) {
            // The edition of the first table its steps read that SOURCES.json records.
            for (const auto& table : step_files(layer))
                if (edition = recorded_edition(table); !edition.empty()) break;
        } else if (!layer.spec.database) {
            edition = recorded_edition(layer.spec.path);
        }
        std::string text = layer.attribution;
        const bool unknown_edition = edition.empty() && text.find("{edition}") != std::string::npos;
        if (!edition.empty()) {
            // The attribution may carry a {edition} placeholder; else the recorded edition replaces it.
            auto pos = text.find("{edition}");
            text = pos != std::string::npos ? text.replace(pos, 9, edition) : edition;
        } else if (unknown_edition) {
            text = without_edition(text);
            warnings.warning(layer.attribution_at,
                             layer.spec.database
                                 ? fmt::format("the edition of layer '{}' is unknown: a database layer records none, so "
                                               "the credits of map '{}' say \"{}\" without an edition",
                                               name, map.id, text)
                                 : fmt::format("the edition of layer '{}' is unknown: no SOURCES.json beside {} records it "
                                               "(scripts/fetch-layers.sh writes one in layers/cache), so the credits of "
                                               "map '{}' say \"{}\" without an edition",
                                               name, path_inside(project.root, layer.spec.path), map.id, text),
                             fmt::format("write the edition in 'attribution', e.g. \"{}\"",
                                         text.empty() ? std::string("Producer, edition 2024") : text + " : <producer, edition, year>"));
        }
        texts.emplace_back(std::move(text), unknown_edition);
    }
    // Each text once; an attribution without its edition is left out when another source begins with it.
    std::vector<std::string> sources;
    for (const auto& entry : texts) {
        const std::string& text = entry.first;  // not a structured binding: clang 14 cannot capture one
        const bool unknown_edition = entry.second;
        if (text.empty() || std::find(sources.begin(), sources.end(), text) != sources.end()) continue;
        const bool covered = unknown_edition && std::any_of(texts.begin(), texts.end(), [&](const auto& other) {
            const std::string& s = other.first;
            return s.size() > text.size() && s.compare(0, text.size(), text) == 0 &&
                   !std::isalnum(static_cast<unsigned char>(s[text.size()]));
        });
        if (!covered) sources.push_back(text);
    }
    std::string out = map.credits_template;
    // No layer of the map names its source: no "Sources : ." on the page, and a warning asks for them.
    if (sources.empty() && out.find("{sources}") != std::string::npos) {
        warnings.warning(map.declared_at,
                         fmt::format("no layer drawn on map '{}' names its source (an 'attribution' in the project file, "
                                     "or a SOURCES.json beside its file): its credits name no source",
                                     map.id),
                         "give each layer an attribution, e.g. attribution: \"Limites administratives : IGN Admin "
                         "Express 2018\" (open data licences ask for it)");
        out = without_sentence(out, "{sources}");
    }
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
