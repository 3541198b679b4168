// The layer store reads a layer on one thread while a second validates and reprojects its chunks.
// When the reader takes its chunks back (a speculative read whose schema guess was wrong), the
// store must end up with what a plain read gives: each feature once, each warning once.
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "pipeline/layer_store.hpp"
#include "pipeline/project.hpp"
#include "layer_assertions.hpp"
#include "test_geojson.hpp"
#include "test_paths.hpp"

using namespace cartelier;

namespace {

constexpr int feature_count = 3000;

/// A project with one layer of squares: feature 7 is a bow tie (repaired, with a warning), and only
/// feature 2500 has a "note", so that a schema guessed from the first 100 features is wrong.
std::string write_project(const std::string& name) {
    const std::string dir = test::temp_dir("layer-store-" + name);
    test::write_squares_geojson(
        dir + "/squares.geojson", feature_count,
        [](int i) { return fmt::format("\"code\":\"{:05}\"{}", i, i == 2500 ? ",\"note\":\"late\"" : ""); }, {},
        [](int i) {
            if (i != 7) return std::string();
            const double x = 2.007, y = 46.0;
            return fmt::format("[[{},{}],[{},{}],[{},{}],[{},{}],[{},{}]]", x, y, x + 0.001, y + 0.001, x + 0.001, y,
                               x, y + 0.001, x, y);
        });
    std::ofstream(dir + "/style.json")
        << R"({"version": 8, "sources": {"c": {"type": "vector"}}, "layers": [)"
        << R"({"id": "f", "type": "fill", "source": "c", "source-layer": "squares", "paint": {"fill-color": "#ccc"}}]})";
    std::ofstream(dir + "/cartelier.yaml") << "version: 1\nlayers:\n  squares:\n    source: squares.geojson\n"
                                              "    id: code\nmaps:\n  m:\n    style: style.json\n"
                                              "    extent: [600000, 6500000, 620000, 6520000]\n";
    return dir + "/cartelier.yaml";
}

int count_of(const std::string& text, const std::string& what) {
    int n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST(LayerStore, ATakenBackReadLeavesEachFeatureAndEachWarningOnce) {
    const pipeline::Project project = pipeline::load_project(write_project("restart"));
    pipeline::LayerStore plain(project, {}, data::ReadOptions{~std::uintmax_t{0}, 100});
    pipeline::LayerStore guessing(project, {}, data::ReadOptions{0, 100});

    const Layer& reference = plain.projected("squares", "EPSG:2154");
    ASSERT_EQ(reference.features.size(), static_cast<std::size_t>(feature_count));
    EXPECT_EQ(reference.crs, "EPSG:2154");
    EXPECT_EQ(count_of(plain.warnings().format(), "invalid polygon"), 1) << plain.warnings().format();

    // Straight into the map's CRS (the reader's restart reaches the reprojecting checker)…
    test::expect_same_layer(guessing.projected("squares", "EPSG:2154"), reference);
    EXPECT_EQ(guessing.warnings().format(), plain.warnings().format());
    // …and as read (validated only).
    test::expect_same_layer(guessing.source("squares"), plain.source("squares"));
    EXPECT_EQ(guessing.warnings().format(), plain.warnings().format());
    const Layer& read = guessing.source("squares");
    EXPECT_EQ(read.get(read.features[2500], "note"), Value(std::string("late")));
}
