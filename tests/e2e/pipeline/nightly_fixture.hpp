// Helpers for the incremental/parallel/deterministic build tests: a three-map, two-style project made
// from the fixture tests/fixtures/mini, and small file utilities.
//   alpha, beta: style a.json (départements and the sites, labelled) — they read sites.csv/sessions.csv
//   gamma:       style b.json (départements only)
#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pipeline/hashing.hpp"
#include "test_paths.hpp"

namespace cartelier::test::nightly {

namespace fs = std::filesystem;

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_file(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

inline std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) s.replace(pos, from.size(), to);
    return s;
}

/// Writes the project: `maps` is id → style file; `extra` goes into each map (e.g. "formats: [pdf, png, svg]").
inline void write_project(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& maps,
                          const std::string& extra = "", int dpi = 72) {
    std::string text = read_file(test::datapath("fixtures/mini/cartelier.yaml"));
    text = text.substr(0, text.find("maps:"));
    text += "maps:\n";
    for (const auto& [id, style] : maps) {
        text += fmt::format("  {}:\n    title: Map {}\n    subtitle: Fixture\n    style: {}\n    crs: EPSG:2154\n"
                            "    extent: [600000, 6480000, 860000, 6720000]\n    dpi: {}\n",
                            id, id, style, dpi);
        if (!extra.empty()) text += "    " + extra + "\n";
    }
    write_file(dir + "/cartelier.yaml", text);
}

/// A fresh copy of the fixture project, as it is, in a temporary folder named after `name`; returns it.
inline std::string copy_mini(const std::string& name) {
    std::string dir = test::temp_dir(name);
    fs::copy(test::datapath("fixtures/mini"), dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    return dir;
}

/// A copy of the fixture with the three maps; returns its folder.
inline std::string make_project(const std::string& name, const std::string& extra = "", int dpi = 72) {
    std::string dir = copy_mini(name);
    fs::rename(dir + "/style.json", dir + "/a.json");
    // Style b: the départements only (no sites, no labels).
    nlohmann::json b = nlohmann::json::parse(read_file(dir + "/a.json"));
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& l : b["layers"])
        if (!l.contains("source-layer") || l["source-layer"] == "departements") layers.push_back(l);
    b["layers"] = layers;
    b["name"] = "b";
    write_file(dir + "/b.json", b.dump(2));
    write_project(dir, {{"alpha", "a.json"}, {"beta", "a.json"}, {"gamma", "b.json"}}, extra, dpi);
    return dir;
}

/// `cartelier build` of the project in `dir`. A build that does not succeed has its output written to the
/// test's log (stderr), whatever the test then asserts: a failure the test did not expect (seen once in
/// CI under TSan) then says why.
inline test::CommandResult run_cartelier(const std::string& dir, const std::string& args = "", const std::string& env = "") {
    test::CommandResult r = test::run(fmt::format("cd {} && {} {} build -p {}/cartelier.yaml -o {}/out {}", dir, env,
                                                  test::cartelier_binary(), dir, dir, args));
    if (r.status != 0) fmt::print(stderr, "cartelier build in {} ended with {}:\n{}\n", dir, r.status, r.output);
    return r;
}

inline nlohmann::json report(const std::string& dir, const std::string& name = "build-report.json") {
    return nlohmann::json::parse(read_file(dir + "/out/" + name));
}

/// id → status, from the report.
inline std::map<std::string, std::string> statuses(const nlohmann::json& report) {
    std::map<std::string, std::string> out;
    for (const auto& m : report["maps"]) out[m["id"].get<std::string>()] = m["status"].get<std::string>();
    return out;
}

/// file name → mtime of every regular, non-hidden file of DIR/out but the build reports.
inline std::map<std::string, fs::file_time_type> output_times(const std::string& dir) {
    std::map<std::string, fs::file_time_type> out;
    for (const auto& e : fs::directory_iterator(dir + "/out"))
        if (e.is_regular_file() && e.path().filename().string()[0] != '.' &&
            e.path().filename().string().rfind("build-report", 0) != 0)
            out[e.path().filename().string()] = e.last_write_time();
    return out;
}

/// file name → SHA-256 of every regular, non-hidden file of a folder.
inline std::map<std::string, std::string> digests(const std::string& folder) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::directory_iterator(folder)) {
        std::string name = e.path().filename().string();
        if (!e.is_regular_file() || name[0] == '.' || name.rfind("build-report", 0) == 0) continue;
        out[name] = pipeline::sha256_hex(read_file(e.path().string()));
    }
    return out;
}

/// Hidden temporary files (".x.tmp-PID") of the build in an output folder and its state folder.
inline std::vector<std::string> temp_files(const std::string& folder) {
    std::vector<std::string> out;
    for (const std::string& dir : {folder, folder + "/.cartelier"}) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(dir, ec))
            if (e.path().filename().string().find(".tmp-") != std::string::npos) out.push_back(e.path().string());
    }
    return out;
}

/// Sets the mtime of every file of the project folder (not out/) to `seconds` since the epoch.
inline void set_mtimes(const std::string& dir, std::int64_t seconds) {
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file())
            test::run(fmt::format("touch -d @{} {}", seconds, e.path().string()));
}

}  // namespace cartelier::test::nightly
