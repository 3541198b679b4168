// Layers and their copies held in a window (core/layer.hpp): field statistics and the walk of copies
// feature by feature in the order of the whole layer.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/layer.hpp"

namespace cartelier {
namespace {

Layer numbered(std::size_t n) {
    Layer l;
    l.schema->add("v");
    for (std::size_t i = 0; i < n; ++i) {
        Feature& f = l.features.emplace_back();
        f.id = std::to_string(i);
        if (i % 4 == 1) f.values = {Value(static_cast<double>(i))};
        else if (i % 4 == 2) f.values = {Value(std::string("t"))};
        else if (i % 4 == 3) f.values = {Value(true)};
        // i % 4 == 0: no value (shorter than the schema)
    }
    return l;
}

/// The features of `whole` at `positions` (ascending), as a copy held in a window.
Layer held(const Layer& whole, const std::vector<std::uint32_t>& positions) {
    Layer out = whole;
    out.features.clear();
    for (std::uint32_t p : positions) out.features.push_back(whole.features[p]);
    auto subset = std::make_shared<LayerSubset>();
    subset->whole_size = whole.features.size();
    subset->index = positions;
    subset->fields = field_stats(whole);
    out.subset = std::move(subset);
    return out;
}

TEST(Layer, FieldStatsCountTheValuesSetAndTheirKinds) {
    const Layer l = numbered(10);  // 1, 5, 9 numbers; 2, 6 text; 3, 7 booleans
    const std::vector<FieldStats> stats = field_stats(l);
    ASSERT_EQ(stats.size(), 1u);
    EXPECT_EQ(stats[0].set, 7u);
    EXPECT_EQ(stats[0].kinds, FieldStats::Number | FieldStats::Text | FieldStats::Boolean);
    EXPECT_EQ(field_stats(numbered(2))[0], (FieldStats{1, FieldStats::Number}));
    EXPECT_EQ(field_stats(numbered(0))[0], FieldStats{});
}

TEST(Layer, CopiesAreWalkedFeatureByFeatureInTheOrderOfTheWholeLayer) {
    const Layer whole = numbered(8);
    const Layer a = held(whole, {1, 2, 6}), b = held(whole, {0, 2, 7}), none = held(whole, {});
    EXPECT_EQ(a.whole_size(), 8u);
    EXPECT_EQ(a.whole_index(2), 6u);
    EXPECT_EQ(whole.whole_size(), 8u);
    EXPECT_EQ(whole.whole_index(5), 5u);
    std::vector<std::vector<std::size_t>> seen;
    for_each_held({&a, &b, &none}, [&](const std::vector<std::size_t>& h) { seen.push_back(h); });
    const std::size_t x = kNotHeld;
    EXPECT_EQ(seen, (std::vector<std::vector<std::size_t>>{{x, 0, x}, {0, x, x}, {1, 1, x}, {2, x, x}, {x, 2, x}}));
    seen.clear();
    for_each_held({&whole, &a}, [&](const std::vector<std::size_t>& h) { seen.push_back(h); });
    ASSERT_EQ(seen.size(), 8u);
    EXPECT_EQ(seen[6], (std::vector<std::size_t>{6, 2}));
    EXPECT_EQ(seen[3], (std::vector<std::size_t>{3, x}));
    seen.clear();
    for_each_held({&none}, [&](const std::vector<std::size_t>& h) { seen.push_back(h); });
    EXPECT_TRUE(seen.empty());
}

}  // namespace
}  // namespace cartelier
