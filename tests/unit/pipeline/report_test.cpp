// The build report's page section for a built map: each frame's scale, and where the page furniture
// went with the land it hides (per element and in all, mm²).
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "pipeline/hashing.hpp"
#include "pipeline/report.hpp"
#include "test_paths.hpp"

using namespace cartelier;

TEST(Report, StatesEachFramesScaleAndTheLandTheFurnitureHides) {
    pipeline::MapOutcome map;
    map.id = "m";
    map.status = pipeline::MapStatus::Built;
    map.scale_denominator = 6'672'953;
    map.frame_scales = {{"", 6'672'953}, {"Guadeloupe", 2'541'399}};
    layout::FurnitureChoice legend;
    legend.owner = "legend";
    legend.preferred = "bottom-left";
    legend.position = "left";
    layout::FurnitureChoice bar;
    bar.owner = "inset scale bar Guadeloupe";
    bar.preferred = bar.position = "bottom-right";
    bar.land_pt2 = 100;  // 12.45 mm²
    map.furniture = {legend, bar};
    map.land_hidden_mm2 = 100 * layout::kMm2PerPt2;
    pipeline::BuildOutcome outcome;
    outcome.maps.push_back(map);
    pipeline::Project project;
    const nlohmann::json entry = pipeline::report_json(project, pipeline::BuildOptions{}, outcome)["maps"][0];
    ASSERT_EQ(entry["frames"].size(), 2u);
    EXPECT_EQ(entry["frames"][1]["name"], "Guadeloupe");
    EXPECT_EQ(entry["frames"][1]["scale_denominator"], 2'541'399);
    EXPECT_EQ(entry["frames"][0]["scale_denominator"], entry["scale_denominator"]);
    const auto& furniture = entry["furniture"];
    EXPECT_NEAR(furniture["land_hidden_mm2"].get<double>(), 12.45, 0.006);
    ASSERT_EQ(furniture["elements"].size(), 2u);
    EXPECT_EQ(furniture["elements"][0]["element"], "legend");
    EXPECT_EQ(furniture["elements"][0]["position"], "left");
    EXPECT_EQ(furniture["elements"][0]["preferred"], "bottom-left");
    EXPECT_EQ(furniture["elements"][0]["land_hidden_mm2"], 0);
    EXPECT_NEAR(furniture["elements"][1]["land_hidden_mm2"].get<double>(), 12.45, 0.006);
}

// The outputs' SHA-256 (the report's "sha256", and the check that an output was not edited): the
// standard's test vectors (FIPS 180-2), one of them over a million bytes.
TEST(Report, OutputsAreHashedWithTheStandardSha256) {
    EXPECT_EQ(pipeline::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(pipeline::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(pipeline::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(pipeline::sha256_hex(std::string(1000000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// The text without its "finished" time (the two are written a moment apart).
std::string without_finish_time(const std::string& text) {
    return std::regex_replace(text, std::regex("\"finished\": \"[^\"]*\""), "\"finished\": \"\"");
}

}  // namespace

// The report is written one map at a time (an atlas of 35,000 pages held its whole document and text
// in memory at once): the file has the bytes of the document's dump, whatever the maps hold — several
// maps, an empty list, texts with line breaks, quotes and accents.
TEST(Report, TheFileWrittenMapByMapIsTheWholeDocumentsText) {
    pipeline::BuildOutcome outcome;
    pipeline::MapOutcome built;
    built.id = "atlas/62";
    built.status = pipeline::MapStatus::Built;
    built.reasons = {"style atlas.json changed"};
    built.inputs.push_back(pipeline::InputRecord{"data", "/d/communes.geojson", "abc", 0, "/d/c.geojson", std::nullopt});
    built.outputs.push_back({"out/atlas/62.pdf", 1234, "ff00"});
    built.labels.placed = 3;
    built.labels.unplaced_labels.push_back({"labels", "62001", "Ablain-\nSaint-\"Nazaire\" \u00e9"});
    built.frame_scales = {{"", 250000}};
    built.stages = {{"render", 0.5}};
    built.diagnostics.warning(SourceLocation{"style.json", 3, 7, "layers[2]"}, "a warning\nin two lines", "a hint");
    pipeline::MapOutcome up;
    up.id = "national";
    up.status = pipeline::MapStatus::UpToDate;
    up.date = 1700000000;
    pipeline::MapOutcome failed;
    failed.id = "broken";
    failed.status = pipeline::MapStatus::Failed;
    failed.diagnostics.error(SourceLocation{"cartelier.yaml", 9, 1, {}}, "no such layer 'x'");
    outcome.maps = {built, up, failed};
    outcome.warnings.warning(SourceLocation{"sites.csv", 4, 0, {}}, "a shared warning");
    outcome.jobs = 2;
    outcome.seconds = 1.25;

    pipeline::Project project;
    project.file = "cartelier.yaml";
    pipeline::BuildOptions options;
    options.out_dir = test::temp_dir("report-streamed");
    for (std::size_t maps : {3u, 1u, 0u}) {
        SCOPED_TRACE(maps);
        outcome.maps.resize(maps);
        const std::string path = pipeline::write_report(project, options, outcome);
        const std::string written = read_text(path);
        const std::string whole = pipeline::report_json(project, options, outcome).dump(2) + "\n";
        EXPECT_EQ(without_finish_time(written), without_finish_time(whole));
        EXPECT_EQ(nlohmann::json::parse(written)["maps"].size(), maps);
    }
}
