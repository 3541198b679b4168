#include "pipeline/report.hpp"

#include <cmath>
#include <ctime>

#include <fmt/format.h>

#include "pipeline/output.hpp"

namespace cartelier::pipeline {

namespace fs = std::filesystem;
using nlohmann::json;

std::string iso_date(std::int64_t seconds) {
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

std::string report_path(const BuildOptions& options) {
    std::string name = options.shard ? fmt::format("build-report.shard-{}-of-{}.json", options.shard->index,
                                                   options.shard->count)
                                     : std::string("build-report.json");
    return (fs::path(options.out_dir) / name).string();
}

json diagnostic_json(const Diagnostic& d) {
    json j{{"severity", d.severity == Severity::Error ? "error" : "warning"}, {"message", d.message}};
    j["file"] = d.where.file.empty() ? json(nullptr) : json(d.where.file);
    j["line"] = d.where.line > 0 ? json(d.where.line) : json(nullptr);
    j["column"] = d.where.column > 0 ? json(d.where.column) : json(nullptr);
    j["path"] = d.where.path.empty() ? json(nullptr) : json(d.where.path);
    j["hint"] = d.hint.empty() ? json(nullptr) : json(d.hint);
    return j;
}

namespace {

/// One map's entry of the report ("maps" holds them in the build's order).
json map_json(const MapOutcome& m) {
    json inputs = json::array();
    for (const auto& i : m.inputs) {
        json in{{"kind", i.kind}, {"name", i.name}, {"hash", i.hash}};
        if (!i.file.empty() && i.file != i.name) in["file"] = i.file;
        inputs.push_back(std::move(in));
    }
    json outputs = json::array();
    for (const auto& o : m.outputs)
        outputs.push_back(json{{"file", o.path}, {"bytes", o.bytes}, {"sha256", o.sha256}});
    json warnings = json::array(), errors = json::array();
    for (const auto& d : m.diagnostics.items())
        (d.severity == Severity::Error ? errors : warnings).push_back(diagnostic_json(d));
    json stages = json::object();
    for (const char* s : {"load", "validate", "join", "reproject", "write-cache", "check", "prepare", "render", "write"})
        stages[s] = m.stages.count(s) ? m.stages.at(s) : 0.0;
    // Members moved in, not listed in an initializer list (which copies them: a page's hundreds of
    // warnings, then the whole entry again).
    json entry = json::object();
    entry["id"] = m.id;
    entry["status"] = status_name(m.status);
    entry["reasons"] = m.reasons;
    entry["date"] = m.date ? json(iso_date(m.date)) : json(nullptr);
    entry["seconds"] = m.seconds;
    entry["stages"] = std::move(stages);
    entry["inputs"] = std::move(inputs);
    entry["outputs"] = std::move(outputs);
    entry["removed"] = m.removed;
    entry["warnings"] = std::move(warnings);
    entry["errors"] = std::move(errors);
    if (m.status == MapStatus::Built) {
        const LabelCounts& l = m.labels;
        entry["labels"] = json{{"placed", l.placed},
                               {"displaced", l.displaced},
                               {"numbered", l.numbered},
                               {"unplaced", l.unplaced},
                               {"leader_crossings", l.leader_crossings},
                               {"symbol_overlaps", l.symbol_overlaps},
                               {"mean_displacement_mm", std::round(l.mean_displacement_mm * 100) / 100},
                               {"max_displacement_mm", std::round(l.max_displacement_mm * 100) / 100},
                               {"lines_hidden_mm2", std::round(l.lines_hidden_mm2 * 100) / 100}};
        json unplaced = json::array();
        for (const auto& u : l.unplaced_labels)
            unplaced.push_back(json{{"layer", u.layer}, {"feature", u.feature}, {"text", u.text}});
        entry["labels"]["unplaced_labels"] = std::move(unplaced);
        entry["scale_denominator"] = m.scale_denominator;
        json frames = json::array();
        for (const auto& [name, denominator] : m.frame_scales)
            frames.push_back(json{{"name", name}, {"scale_denominator", denominator}});
        entry["frames"] = std::move(frames);
        json placed = json::array();
        for (const auto& f : m.furniture)
            placed.push_back(json{{"element", f.owner},
                                  {"position", f.position},
                                  {"preferred", f.preferred},
                                  {"land_hidden_mm2", std::round(f.land_pt2 * layout::kMm2PerPt2 * 100) / 100}});
        entry["furniture"] = json::object();
        entry["furniture"]["land_hidden_mm2"] = std::round(m.land_hidden_mm2 * 100) / 100;
        entry["furniture"]["elements"] = std::move(placed);
    } else {
        entry["labels"] = nullptr;  // not rendered in this build
    }
    return entry;
}

/// The report without its maps ("maps" an empty array).
json report_without_maps(const Project& project, const BuildOptions& options, const BuildOutcome& outcome) {
    std::size_t counts[4] = {0, 0, 0, 0};
    for (const auto& m : outcome.maps) ++counts[static_cast<int>(m.status)];
    json warnings = json::array();
    for (const auto& d : outcome.warnings.items()) warnings.push_back(diagnostic_json(d));
    auto sde = options.date;
    json report{{"cartelier", CARTELIER_VERSION_STRING},
                {"project", project.file},
                {"out", options.out_dir},
                {"finished", iso_date(static_cast<std::int64_t>(std::time(nullptr)))},
                {"seconds", outcome.seconds},
                {"jobs", outcome.jobs},
                {"force", options.force},
                {"shard", options.shard ? json(fmt::format("{}/{}", options.shard->index, options.shard->count)) : json(nullptr)},
                {"source_date_epoch", sde ? json(*sde) : json(nullptr)},
                {"exit_status", outcome.exit_code()},
                {"interrupted_by_signal", outcome.interrupted_by ? json(outcome.interrupted_by) : json(nullptr)},
                {"stale_temp_files_removed", outcome.stale_temp_files_removed},
                {"summary", json{{"maps", outcome.maps.size()},
                                 {"built", counts[static_cast<int>(MapStatus::Built)]},
                                 {"up_to_date", counts[static_cast<int>(MapStatus::UpToDate)]},
                                 {"failed", counts[static_cast<int>(MapStatus::Failed)]},
                                 {"interrupted", counts[static_cast<int>(MapStatus::Interrupted)]}}}};
    report["warnings"] = std::move(warnings);
    report["maps"] = json::array();
    return report;
}

/// Buffered writes to an AtomicFile.
class BufferedWriter {
public:
    explicit BufferedWriter(AtomicFile& file) : file_(file) {}
    void write(std::string_view text) {
        buffer_ += text;
        if (buffer_.size() >= kFlushAt) flush();
    }
    void flush() {
        file_.write(buffer_.data(), buffer_.size());
        buffer_.clear();
    }

private:
    static constexpr std::size_t kFlushAt = std::size_t{1} << 20;
    AtomicFile& file_;
    std::string buffer_;
};

}  // namespace

json report_json(const Project& project, const BuildOptions& options, const BuildOutcome& outcome) {
    json report = report_without_maps(project, options, outcome);
    for (const auto& m : outcome.maps) report["maps"].push_back(map_json(m));
    return report;
}

std::string write_report(const Project& project, const BuildOptions& options, const BuildOutcome& outcome) {
    std::string path = report_path(options);
    create_folder(options.out_dir);
    // The bytes of report_json(…).dump(2), written one map's entry at a time: the whole document of an
    // atlas of 35,000 pages, and its text, took twice the memory of the build's own outcomes.
    const std::string outer = report_without_maps(project, options, outcome).dump(2);
    constexpr std::string_view kMaps = "\n  \"maps\": []";  // a top-level key: its line indented once
    const std::size_t at = outer.find(kMaps);
    if (at == std::string::npos) throw Error(SourceLocation{path, 0, 0, {}}, "writing the build report failed: no list of maps");
    AtomicFile file(path);
    BufferedWriter out(file);
    out.write(std::string_view(outer).substr(0, at));
    if (outcome.maps.empty()) {
        out.write(kMaps);
    } else {
        out.write("\n  \"maps\": [");
        bool first = true;
        for (const auto& m : outcome.maps) {
            const std::string entry = map_json(m).dump(2);
            out.write(first ? "\n    " : ",\n    ");
            first = false;
            // Each line of the entry indented by two levels (a line break inside a string is escaped).
            std::size_t begin = 0;
            for (std::size_t nl; (nl = entry.find('\n', begin)) != std::string::npos; begin = nl + 1) {
                out.write(std::string_view(entry).substr(begin, nl + 1 - begin));
                out.write("    ");
            }
            out.write(std::string_view(entry).substr(begin));
        }
        out.write("\n  ]");
    }
    out.write(std::string_view(outer).substr(at + kMaps.size()));
    out.write("\n");
    out.flush();
    file.commit();
    return path;
}

std::string summary_line(const BuildOutcome& outcome) {
    std::size_t counts[4] = {0, 0, 0, 0};
    for (const auto& m : outcome.maps) ++counts[static_cast<int>(m.status)];
    std::string text = fmt::format("{} map(s): {} built, {} up to date, {} failed", outcome.maps.size(),
                                   counts[static_cast<int>(MapStatus::Built)], counts[static_cast<int>(MapStatus::UpToDate)],
                                   counts[static_cast<int>(MapStatus::Failed)]);
    if (counts[static_cast<int>(MapStatus::Interrupted)])
        text += fmt::format(", {} interrupted", counts[static_cast<int>(MapStatus::Interrupted)]);
    text += fmt::format(" in {:.2f} s ({} thread(s))", outcome.seconds, outcome.jobs);
    return text;
}

}  // namespace cartelier::pipeline
