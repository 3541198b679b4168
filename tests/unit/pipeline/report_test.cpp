// The build report's page section for a built map: each frame's scale, and where the page furniture
// went with the land it hides (per element and in all, mm²).
#include <gtest/gtest.h>

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
