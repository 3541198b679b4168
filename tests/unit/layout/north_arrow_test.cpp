// The north arrow's angle: PROJ's meridian convergence, checked against the direction of a short step
// north along the meridian, projected.
#include <cmath>

#include <gtest/gtest.h>

#include "geo/projection.hpp"
#include "layout/page_layout.hpp"

using namespace cartelier;

namespace {

/// Clockwise angle from page-up to the projected meridian through (lon, lat), by finite difference.
double meridian_deg(const std::string& crs, double lon, double lat) {
    geo::Transformation t("EPSG:4326", crs);
    Point a = t.transform({lon, lat}), b = t.transform({lon, lat + 0.001});
    return std::atan2(b.x - a.x, b.y - a.y) * 180.0 / 3.14159265358979323846;
}

}  // namespace

TEST(NorthArrow, TurnedByTheMeridianConvergence) {
    struct Case { const char* crs; double lon, lat; };
    for (const Case& c : {Case{"EPSG:2154", 7.5, 48.5}, Case{"EPSG:2154", -4.0, 48.0}, Case{"EPSG:2154", 3.0, 46.5},
                          Case{"EPSG:2975", 55.7, -21.1}, Case{"EPSG:2972", -52.0, 4.0}}) {
        const double expected = meridian_deg(c.crs, c.lon, c.lat);
        EXPECT_NEAR(layout::true_north_deg(c.crs, c.lon, c.lat), expected, 0.01) << c.crs << " " << c.lon;
    }
    // East of Lambert-93's central meridian (3° E), true north leans left (counter-clockwise): about −3.5°.
    EXPECT_LT(layout::true_north_deg("EPSG:2154", 7.5, 48.5), -3);
    EXPECT_NEAR(layout::true_north_deg("EPSG:2154", 3.0, 46.5), 0, 1e-6);
}
