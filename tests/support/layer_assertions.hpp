// Comparing whole layers in tests: the same CRS, schema, and features (ids, values, every coordinate).
#pragma once

#include <gtest/gtest.h>

#include "core/layer.hpp"

namespace cartelier::test {

/// Expects `a` and `b` to hold the same layer, feature for feature and bit for bit.
inline void expect_same_layer(const Layer& a, const Layer& b) {
    EXPECT_EQ(a.crs, b.crs);
    EXPECT_EQ(a.schema->fields(), b.schema->fields());
    ASSERT_EQ(a.features.size(), b.features.size());
    for (std::size_t i = 0; i < a.features.size(); ++i) {
        const Feature& fa = a.features[i];
        const Feature& fb = b.features[i];
        ASSERT_EQ(fa.id, fb.id) << "feature " << i;
        ASSERT_EQ(fa.values, fb.values) << "feature " << fa.id;
        ASSERT_EQ(fa.geometry.points.size(), fb.geometry.points.size()) << "feature " << fa.id;
        for (std::size_t k = 0; k < fa.geometry.points.size(); ++k) {
            ASSERT_EQ(fa.geometry.points[k].x, fb.geometry.points[k].x) << "feature " << fa.id << ", vertex " << k;
            ASSERT_EQ(fa.geometry.points[k].y, fb.geometry.points[k].y) << "feature " << fa.id << ", vertex " << k;
        }
    }
}

}  // namespace cartelier::test
