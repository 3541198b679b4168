// The build report's page section for a built map: each frame's scale, and where the page furniture
// went with the land it hides (per element and in all, mm²).
#include <gtest/gtest.h>

#include "pipeline/hashing.hpp"
#include "pipeline/report.hpp"

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
