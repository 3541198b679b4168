#include <algorithm>
#include <chrono>
#include <cstring>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <proj.h>

#include "core/diagnostic.hpp"
#include "geo/projection.hpp"

using namespace cartelier;
using namespace cartelier::geo;

namespace {

// Lambert Conic Conformal (2SP) as published in IOGP Guidance Note 7-2 (EPSG method 9802), with the
// defining parameters of Lambert-93 (EPSG:2154) on GRS 1980 — an implementation independent of PROJ.
Point lambert93(double lon_deg, double lat_deg) {
    const double pi = 3.14159265358979323846, rad = pi / 180;
    const double a = 6378137.0, f = 1 / 298.257222101, e = std::sqrt(2 * f - f * f);
    const double phi1 = 49 * rad, phi2 = 44 * rad, phiF = 46.5 * rad, lambdaF = 3 * rad;
    const double EF = 700000, NF = 6600000;
    auto m = [&](double phi) { return std::cos(phi) / std::sqrt(1 - e * e * std::sin(phi) * std::sin(phi)); };
    auto t = [&](double phi) {
        return std::tan(pi / 4 - phi / 2) / std::pow((1 - e * std::sin(phi)) / (1 + e * std::sin(phi)), e / 2);
    };
    const double n = (std::log(m(phi1)) - std::log(m(phi2))) / (std::log(t(phi1)) - std::log(t(phi2)));
    const double F = m(phi1) / (n * std::pow(t(phi1), n));
    const double rF = a * F * std::pow(t(phiF), n);
    const double r = a * F * std::pow(t(lat_deg * rad), n);
    const double theta = n * (lon_deg * rad - lambdaF);
    return {EF + r * std::sin(theta), NF + rF - r * std::cos(theta)};
}

}  // namespace

TEST(Projection, TheNaturalOriginOfLambert93IsItsFalseOrigin) {
    Transformation t("EPSG:4326", "EPSG:2154");
    Point p = t.transform(Point{3.0, 46.5});  // longitude first, whatever the CRS axis order
    EXPECT_NEAR(p.x, 700000.0, 0.001);
    EXPECT_NEAR(p.y, 6600000.0, 0.001);
}

TEST(Projection, NotreDameDeParisIntoLambert93WithinOneMetre) {
    // Point zéro des routes de France, parvis de Notre-Dame (WGS 84).
    const double lon = 2.3487910, lat = 48.8534100;
    Point expected = lambert93(lon, lat);
    Transformation t("EPSG:4326", "EPSG:2154");
    Point p = t.transform(Point{lon, lat});
    EXPECT_NEAR(p.x, expected.x, 1.0);
    EXPECT_NEAR(p.y, expected.y, 1.0);
    // And where Paris is on the Lambert-93 grid: about 652 km east, 6 862 km north.
    EXPECT_NEAR(p.x, 652300, 500);
    EXPECT_NEAR(p.y, 6862000, 500);
}

TEST(Projection, BulkTransformMatchesSinglePoints) {
    Transformation t("EPSG:4326", "EPSG:2154");
    std::vector<Point> pts = {{-2.74746, 48.44270}, {5.84781, 43.27579}, {3.30614, 48.79151}};
    std::vector<Point> copy = pts;
    EXPECT_EQ(t.transform(std::span<Point>(copy)).vertices, 0u);
    for (std::size_t i = 0; i < pts.size(); ++i) {
        Point single = t.transform(pts[i]);
        EXPECT_DOUBLE_EQ(copy[i].x, single.x);
        EXPECT_DOUBLE_EQ(copy[i].y, single.y);
        Point closed_form = lambert93(pts[i].x, pts[i].y);
        EXPECT_NEAR(single.x, closed_form.x, 1.0);
        EXPECT_NEAR(single.y, closed_form.y, 1.0);
    }
}

TEST(Projection, ReprojectsALayerAndRecordsItsNewCrs) {
    Layer l;
    l.crs = "EPSG:4326";
    Feature f;
    f.geometry = Geometry::point({3.0, 46.5});
    l.features.push_back(f);
    EXPECT_EQ(reproject(l, "EPSG:2154").vertices, 0u);
    EXPECT_EQ(l.crs, "EPSG:2154");
    EXPECT_NEAR(l.features[0].geometry.points[0].x, 700000, 0.001);
}

TEST(Projection, AnUnknownCrsIsAnErrorNamingIt) {
    try {
        Transformation t("EPSG:4326", "EPSG:999999");
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("'EPSG:999999'"), std::string::npos) << e.what();
    }
}

TEST(Projection, ScaleFactorOfLambert93IsWithinItsPublishedRange) {
    // Lambert-93's linear scale error over France stays within about ±0.3 % (−0.1 % at 46.5°N).
    ScaleFactors at_origin = scale_factors("EPSG:2154", 3.0, 46.5);
    EXPECT_NEAR(at_origin.parallel, 0.99905, 0.0002);
    EXPECT_NEAR(at_origin.parallel, at_origin.meridional, 1e-9);  // conformal
    ScaleFactors dunkerque = scale_factors("EPSG:2154", 2.37, 51.03);
    EXPECT_GT(dunkerque.parallel, 1.002);
    EXPECT_LT(dunkerque.parallel, 1.004);
}

TEST(Projection, ScaleFactorsAreProjsOwnForEachCrsOfTheSeries) {
    // scale_factors keeps each CRS's projection as a classic PROJ operation; the figures are those of
    // proj_factors on the CRS itself (which looks the operation up in PROJ's database at each call).
    struct Case {
        const char* crs;
        double lon, lat;
    };
    const Case cases[] = {{"EPSG:2154", 3.0, 46.5},   {"EPSG:2154", 7.5, 48.6},   {"EPSG:2154", -4.5, 48.4},
                          {"EPSG:5490", -61.5, 16.2}, {"EPSG:5490", -61.0, 14.6}, {"EPSG:2972", -53.0, 4.0},
                          {"EPSG:2975", 55.5, -21.1}, {"EPSG:4471", 45.15, -12.8}, {"EPSG:3857", 2.35, 48.85},
                          {"EPSG:32631", 3.0, 45.0}};
    PJ_CONTEXT* ctx = proj_context_create();
    for (const Case& c : cases) {
        PJ* crs = proj_create(ctx, c.crs);
        ASSERT_NE(crs, nullptr) << c.crs;
        const PJ_FACTORS want = proj_factors(crs, proj_coord(proj_torad(c.lon), proj_torad(c.lat), 0, 0));
        proj_destroy(crs);
        const ScaleFactors got = scale_factors(c.crs, c.lon, c.lat);
        EXPECT_NEAR(got.parallel, want.parallel_scale, 1e-9) << c.crs << " " << c.lon << " " << c.lat;
        EXPECT_NEAR(got.meridional, want.meridional_scale, 1e-9) << c.crs;
        EXPECT_NEAR(got.convergence, want.meridian_convergence, 1e-9) << c.crs;
    }
    proj_context_destroy(ctx);
}

TEST(Projection, ScaleFactorsOfACrsWithNorthingFirstOrFeetAreTheProjections) {
    // PROJ 9.1's proj_factors on these CRSs themselves returns millions; their projections' factors
    // are those of their definitions: 1 at the centre of LAEA Europe, about 1 on Long Island.
    const ScaleFactors laea = scale_factors("EPSG:3035", 10.0, 52.0);
    EXPECT_NEAR(laea.parallel, 1.0, 1e-6);
    EXPECT_NEAR(laea.meridional, 1.0, 1e-6);
    EXPECT_NEAR(laea.convergence, 0.0, 1e-9);
    const ScaleFactors long_island = scale_factors("EPSG:2263", -74.0, 40.7);
    EXPECT_NEAR(long_island.parallel, 1.0, 1e-4);
    EXPECT_NEAR(long_island.parallel, long_island.meridional, 1e-9);  // conformal
}

TEST(Projection, FailuresOutsideTheTargetsAreaOfUseAreToldApart) {
    // Mayotte's UTM zone (EPSG:4471, RGM04 / UTM 38S) asked to take points of Guyane (97° of longitude away),
    // as an inset of Mayotte does with the layers of the whole of France: those fail, and are expected.
    Transformation t("EPSG:4326", "EPSG:4471");
    std::vector<Point> pts = {{45.15, -12.8}, {-52.0, 4.0}, {-52.0, 3.0}, {45.2, -12.9}};  // Guyane fails
    const ProjectionFailures failed = t.transform(std::span<Point>(pts));
    EXPECT_EQ(failed.vertices, 2u);
    EXPECT_EQ(failed.outside_area, failed.vertices);
    EXPECT_EQ(failed.inside_area(), 0u);
    EXPECT_TRUE(std::isfinite(pts[0].x) && std::isfinite(pts[3].x));  // Mayotte itself
    EXPECT_NEAR(pts[0].x, 516000, 5000);

    // Counts add up, chunk by chunk.
    ProjectionFailures sum;
    sum += failed;
    sum += failed;
    EXPECT_EQ(sum.vertices, 2 * failed.vertices);
    EXPECT_EQ(sum.outside_area, 2 * failed.outside_area);
}

TEST(Projection, APointIsWithinTheAreaOfUseOfTheTargetOrNot) {
    const Transformation lambert93("EPSG:4326", "EPSG:2154");
    EXPECT_EQ(lambert93.within_area_of_use({2.35, 48.85}, 0), true);  // Paris
    ASSERT_TRUE(lambert93.area_of_use());
    const Box area = *lambert93.area_of_use();
    EXPECT_LT(area.min_x, -9);  // metropolitan France and its waters: about 9.9°W to 10.4°E, 41.2°N to 51.6°N
    EXPECT_GT(area.max_x, 10);
    EXPECT_EQ(lambert93.within_area_of_use({-61.53, 16.24}, 0), false);  // Pointe-à-Pitre
    EXPECT_EQ(lambert93.within_area_of_use({-61.53, 16.24}, 5), false);
    EXPECT_EQ(lambert93.within_area_of_use({area.min_x - 0.5, 45}, 0), false);  // half a degree west of it
    EXPECT_EQ(lambert93.within_area_of_use({area.min_x - 0.5, 45}, 1), true);   // within a margin of 1°
    EXPECT_EQ(lambert93.within_area_of_use({2.35 + 360, 48.85}, 0), true);     // longitudes modulo 360°
    // An area across the antimeridian: the Pacific (WGS 84 / PDC Mercator, about 98.7°E to 70°W).
    const Transformation pacific("EPSG:4326", "EPSG:3832");
    EXPECT_EQ(pacific.within_area_of_use({179.5, -17}, 0), true);   // Fiji
    EXPECT_EQ(pacific.within_area_of_use({-149.5, -17.5}, 0), true);  // Tahiti
    EXPECT_EQ(pacific.within_area_of_use({2.35, 48.85}, 0), false);   // Paris
    // Not said from a projected source.
    EXPECT_EQ(Transformation("EPSG:2154", "EPSG:4326").within_area_of_use({652000, 6862000}, 0), std::nullopt);
    EXPECT_FALSE(Transformation("EPSG:2154", "EPSG:4326").area_of_use());
}

TEST(CrsIdentity, GivesTheEpsgCodeTheKindAndTheGeographicCrsOfTheDatum) {
    const geo::CrsIdentity lambert93 = geo::crs_identity("EPSG:2154");
    EXPECT_EQ(lambert93.epsg, 2154);
    EXPECT_FALSE(lambert93.geographic);
    EXPECT_EQ(lambert93.geographic_crs, "EPSG:4171");  // RGF93 v1, not WGS 84
    EXPECT_EQ(lambert93.wkt, geo::crs_wkt("EPSG:2154"));
    const geo::CrsIdentity guyane = geo::crs_identity("EPSG:2972");
    EXPECT_EQ(guyane.epsg, 2972);
    EXPECT_EQ(guyane.geographic_crs, "EPSG:4624");  // RGFG95
    const geo::CrsIdentity wgs84 = geo::crs_identity("EPSG:4326");
    EXPECT_EQ(wgs84.epsg, 4326);
    EXPECT_TRUE(wgs84.geographic);
    EXPECT_EQ(wgs84.geographic_crs, "EPSG:4326");
    // A CRS with no code: only its WKT says what it is.
    const geo::CrsIdentity custom = geo::crs_identity("+proj=lcc +lat_1=49 +lat_2=44 +lat_0=46.5 +lon_0=3 +x_0=700000 "
                                                      "+y_0=6600000 +ellps=GRS80 +units=m +type=crs");
    EXPECT_EQ(custom.epsg, 0);
    EXPECT_FALSE(custom.geographic);
    EXPECT_NE(custom.wkt.find("PROJCS["), std::string::npos) << custom.wkt;
    EXPECT_THROW(geo::crs_identity("EPSG:999999"), Error);
}

namespace {

// Boxes of every size up to 10°, over the whole globe, by a fixed-seed generator.
std::vector<Box> boxes_over_the_globe(std::size_t count) {
    std::vector<Box> out;
    std::uint64_t state = 0x9e3779b97f4a7c15ull;
    auto uniform = [&state](double lo, double hi) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return lo + (hi - lo) * double(state >> 11) / double(1ull << 53);
    };
    for (std::size_t i = 0; i < count; ++i) {
        const double w = std::pow(10.0, uniform(-4, 1)), h = std::pow(10.0, uniform(-4, 1));
        const double x = uniform(-180, 180 - w), y = uniform(-84, 84 - h);
        out.push_back(Box{x, y, x + w, y + h});
    }
    return out;
}

}  // namespace

TEST(Projection, TheImageBoundsOfABoxHoldTheImageOfEveryPointOfIt) {
    // Every family the atlas and the seed maps use, and others: Lambert conformal conic, the overseas
    // UTM zones (north and south), Web Mercator, Lambert azimuthal, polar stereographic, Albers.
    std::size_t answered = 0, refused = 0;
    for (const char* crs : {"EPSG:2154", "EPSG:5490", "EPSG:2972", "EPSG:2975", "EPSG:4471", "EPSG:3857",
                            "EPSG:3035", "EPSG:3413", "EPSG:5070"}) {
        Transformation t("EPSG:4326", crs);
        std::vector<Box> boxes = boxes_over_the_globe(1500);
        // And boxes around the singular points of the UTM zones, 90° from their central meridians, and
        // across the whole side of each zone's meridian, where the transverse Mercator rule answers
        // (up to 70° of arc from the meridian's great circle) and just beyond it.
        for (const double meridian : {-63.0, -51.0, 57.0, 45.0}) {
            for (const double side : {-90.0, 90.0}) {
                const double x = meridian + side > 180 ? meridian + side - 360 : meridian + side;
                boxes.push_back(Box{x - 5, -5, x + 5, 5});
                boxes.push_back(Box{x - 1, -1, x + 3, 3});
                boxes.push_back(Box{x - 9, -2, x + 1, 8});
            }
            for (double offset = -88; offset <= 80; offset += 11)
                for (double lat = -80; lat <= 70; lat += 15)
                    for (const double size : {0.3, 3.0, 10.0}) {
                        double x = meridian + offset;
                        if (x < -180) x += 360;
                        if (x + size > 180) x -= 360;
                        boxes.push_back(Box{x, lat, x + size, lat + size});
                    }
        }
        for (const Box& box : boxes) {
            const std::optional<Box> image = t.image_bounds(box);
            if (!image) {
                ++refused;
                continue;
            }
            ++answered;
            constexpr int n = 24;  // a grid far finer than the samples image_bounds takes
            std::vector<Point> grid;
            for (int i = 0; i <= n; ++i)
                for (int j = 0; j <= n; ++j)
                    grid.push_back({box.min_x + box.width() * i / n, box.min_y + box.height() * j / n});
            t.transform(std::span<Point>(grid));
            for (const Point& p : grid) {
                // A point that fails would give a feature infinite bounds, which meet every window.
                ASSERT_TRUE(image->contains(p)) << crs << ": box " << box.min_x << " " << box.min_y << " "
                                                << box.max_x << " " << box.max_y << " maps " << p.x << " "
                                                << p.y << " outside its image bounds";
            }
        }
    }
    EXPECT_GT(answered, 3000u);  // the cheap answer is the common one
    EXPECT_GT(refused, 0u);
}

TEST(Projection, TheImageBoundsAreNotGivenWhereTheyCannotBeCheap) {
    Transformation to_utm("EPSG:4326", "EPSG:5490");  // Guadeloupe's UTM zone 20N
    EXPECT_TRUE(to_utm.image_bounds(Box{-61.8, 15.8, -61.0, 16.5}));         // Guadeloupe
    EXPECT_TRUE(to_utm.image_bounds(Box{2.2, 48.8, 2.5, 48.9}));             // Paris, 65° away
    EXPECT_FALSE(to_utm.image_bounds(Box{55.2, -21.4, 55.8, -20.8}));        // La Réunion, 118° away
    EXPECT_FALSE(to_utm.image_bounds(Box{20.0, 5.0, 21.0, 6.0}));            // 83° from the zone's meridian
    // France from La Réunion's zone (UTM 40S, meridian 57°E): 84° from the zone's area, past the
    // generic rule, but 38° from the meridian's great circle.
    Transformation to_reunion("EPSG:4326", "EPSG:2975");
    EXPECT_TRUE(to_reunion.image_bounds(Box{2.2, 48.8, 2.5, 48.9}));
    EXPECT_FALSE(to_reunion.image_bounds(Box{-40.0, 0.0, -39.0, 1.0}));    // 97° from the meridian
    EXPECT_FALSE(to_utm.image_bounds(Box{-75.0, 10.0, -60.0, 12.0}));        // 15° wide
    EXPECT_FALSE(to_utm.image_bounds(Box{}));                                 // empty
    EXPECT_FALSE(to_utm.image_bounds(Box{-61.8, 15.8, NAN, 16.5}));
    Transformation projected("EPSG:2154", "EPSG:5490");  // a projected source
    EXPECT_FALSE(projected.image_bounds(Box{650000, 6860000, 651000, 6861000}));
}

TEST(Projection, AWindowedCopyHoldsTheFeaturesOfTheWholeCopyThatMeetTheWindowAndSaysWhereEachIs) {
    // Small squares of 41 vertices (more than the samples of image_bounds) from Brest to Strasbourg and
    // around Guadeloupe, projected into Guadeloupe's UTM zone and kept where their bounds meet a window
    // around Basse-Terre: what reproject_within keeps is, vertex for vertex, what the whole projection keeps,
    // and the copy says where each feature is in the whole layer and what the whole layer's fields hold.
    Layer layer;
    layer.crs = "EPSG:4326";
    layer.schema = std::make_shared<Schema>(std::vector<std::string>{"name", "n", "flag"});
    auto square = [&](double x, double y, double size) {
        Feature& f = layer.features.emplace_back();
        f.id = std::to_string(layer.features.size());
        // name: always text; n: a number, but text in the first feature, null in every third; flag: unset.
        const std::size_t k = layer.features.size() - 1;
        f.values = {Value(f.id), k == 0 ? Value(std::string("x")) : k % 3 == 0 ? Value() : Value(double(k))};
        f.geometry.type = GeometryType::Polygon;
        f.geometry.begin_part();
        for (int i = 0; i < 10; ++i) f.geometry.points.push_back({x + size * i / 10, y});
        for (int i = 0; i < 10; ++i) f.geometry.points.push_back({x + size, y + size * i / 10});
        for (int i = 0; i < 10; ++i) f.geometry.points.push_back({x + size - size * i / 10, y + size});
        for (int i = 0; i < 10; ++i) f.geometry.points.push_back({x, y + size - size * i / 10});
        f.geometry.points.push_back({x, y});
        f.geometry.end_ring();
    };
    for (double x = -5; x < 8; x += 0.37)
        for (double y = 42; y < 51; y += 0.41) square(x, y, 0.05);
    for (double x = -62.2; x < -60.8; x += 0.011)
        for (double y = 15.6; y < 16.7; y += 0.013) square(x, y, 0.008);
    Layer whole = layer;
    reproject(whole, "EPSG:5490");
    const Box window{630000, 1760000, 660000, 1790000};
    ProjectionFailures failed;
    const Layer cut = reproject_within(layer, "EPSG:5490", window, failed);
    EXPECT_EQ(failed.vertices, 0u);
    ASSERT_TRUE(cut.subset);
    EXPECT_EQ(cut.whole_size(), whole.features.size());
    EXPECT_EQ(cut.subset->fields, field_stats(layer));
    ASSERT_EQ(cut.subset->fields.size(), 3u);
    EXPECT_EQ(cut.subset->fields[0], (FieldStats{static_cast<std::uint32_t>(layer.features.size()), FieldStats::Text}));
    EXPECT_EQ(cut.subset->fields[1].kinds, FieldStats::Text | FieldStats::Number);
    EXPECT_EQ(cut.subset->fields[1].set, layer.features.size() - (layer.features.size() + 2) / 3 + 1);
    EXPECT_EQ(cut.subset->fields[2], FieldStats{});
    std::size_t kept = 0, straddling = 0;
    for (std::size_t i = 0; i < whole.features.size(); ++i) {
        const Box bounds = whole.features[i].geometry.bounds();
        if (!window.intersects(bounds)) {
            ASSERT_TRUE(kept == cut.features.size() || cut.whole_index(kept) > i) << "feature " << i << " is not drawn";
            continue;
        }
        ASSERT_LT(kept, cut.features.size()) << "feature " << i << " is drawn";
        ASSERT_EQ(cut.whole_index(kept), i);
        const Feature& held = cut.features[kept++];
        EXPECT_EQ(held.id, whole.features[i].id);
        EXPECT_EQ(held.values, whole.features[i].values);
        if (bounds.min_x < window.min_x || bounds.max_x > window.max_x || bounds.min_y < window.min_y ||
            bounds.max_y > window.max_y)
            ++straddling;
        ASSERT_EQ(held.geometry.points.size(), whole.features[i].geometry.points.size());
        for (std::size_t k = 0; k < whole.features[i].geometry.points.size(); ++k) {
            EXPECT_EQ(held.geometry.points[k].x, whole.features[i].geometry.points[k].x);
            EXPECT_EQ(held.geometry.points[k].y, whole.features[i].geometry.points[k].y);
        }
        EXPECT_EQ(held.geometry.rings, whole.features[i].geometry.rings);
        EXPECT_EQ(held.geometry.parts, whole.features[i].geometry.parts);
    }
    EXPECT_EQ(kept, cut.features.size());
    EXPECT_GT(kept, 300u);
    EXPECT_GT(straddling, 20u);  // the window's edges cut through squares
    // A copy of the copy: the positions and fields of the whole layer still.
    const Layer again = reproject_within(cut, "EPSG:5490", Box{640000, 1770000, 650000, 1780000}, failed);
    ASSERT_TRUE(again.subset);
    EXPECT_EQ(again.whole_size(), whole.features.size());
    EXPECT_EQ(again.subset->fields, cut.subset->fields);
    ASSERT_GT(again.features.size(), 0u);
    ASSERT_LT(again.features.size(), cut.features.size());
    for (std::size_t k = 0; k < again.features.size(); ++k)
        EXPECT_EQ(whole.features[again.whole_index(k)].id, again.features[k].id);
    // A window holding every feature: a whole copy, no subset.
    const Layer all = reproject_within(layer, "EPSG:5490", Box{-1e8, -1e8, 1e8, 1e8}, failed);
    EXPECT_FALSE(all.subset);
    EXPECT_EQ(all.features.size(), layer.features.size());
}

// The warm-up of a build's planning transformations: pairs no other test of this file makes (UTM 31N,
// the LAEA Europe grid), so that the count of operations made is this test's alone.
TEST(TransformationWarmup, MakesEachPairOnceIntoThePoolAndLeavesAnUnknownCrsToItsTransformation) {
    const std::size_t before = geo::Transformation::operations_made();
    {
        geo::TransformationWarmup warmup({{"EPSG:4326", "EPSG:32631"},
                                          {"EPSG:32631", "EPSG:4326"},
                                          {"EPSG:4326", "EPSG:32631"},  // twice: made once
                                          {"EPSG:4326", "EPSG:99999999"}},
                                         2);
        warmup.finish();
    }
    EXPECT_EQ(geo::Transformation::operations_made() - before, 2u) << "the duplicate made once, the unknown CRS none";
    {
        // Taken from the pool, not made again; the same coordinates as ever (Notre-Dame in UTM 31N).
        const geo::Transformation forward("EPSG:4326", "EPSG:32631"), back("EPSG:32631", "EPSG:4326");
        EXPECT_EQ(geo::Transformation::operations_made() - before, 2u);
        const Point p = forward.transform(Point{2.349902, 48.852968});
        EXPECT_NEAR(p.x, 452310.5, 1);  // zone 31's central meridian is 3°E: Paris lies 148 km west of it
        EXPECT_GT(p.y, 5.40e6);
        EXPECT_LT(p.y, 5.42e6);
        const Point q = back.transform(p);
        EXPECT_NEAR(q.x, 2.349902, 1e-9);
        EXPECT_NEAR(q.y, 48.852968, 1e-9);
        // A second operation of a pair whose only one is borrowed is made anew.
        const geo::Transformation again("EPSG:4326", "EPSG:32631");
        EXPECT_EQ(geo::Transformation::operations_made() - before, 3u);
    }
    {
        geo::TransformationWarmup warmup({{"EPSG:4326", "EPSG:32631"}}, 1);  // already made: skipped
        warmup.finish();
    }
    EXPECT_EQ(geo::Transformation::operations_made() - before, 3u);
    // The unknown CRS: the Transformation that asks for it is told in full.
    try {
        geo::Transformation bad("EPSG:4326", "EPSG:99999999");
        ADD_FAILURE() << "an unknown CRS was accepted";
    } catch (const Error& e) {
        EXPECT_NE(e.diagnostics().format().find("EPSG:99999999"), std::string::npos) << e.diagnostics().format();
    }
}

TEST(TransformationWarmup, TransformationsAskedForWhileItRunsWaitOrMakeTheirOwnAndAgree) {
    // Four threads ask for the pairs being warmed (LAEA Europe both ways) while the warm-up runs; every
    // one gets an operation that transforms as a plain one does (ThreadSanitizer in CI watches the pool).
    const geo::Transformation plain("EPSG:4326", "EPSG:3035");
    const Point expected = plain.transform(Point{2.349902, 48.852968});
    std::vector<Point> got(4), round_trip(4);
    {
        geo::TransformationWarmup warmup({{"EPSG:3035", "EPSG:4326"}, {"EPSG:4326", "EPSG:3035"}}, 2);
        std::vector<std::thread> threads;
        for (std::size_t i = 0; i < got.size(); ++i)
            threads.emplace_back([&got, &round_trip, i] {
                const geo::Transformation t("EPSG:4326", "EPSG:3035");
                const geo::Transformation back("EPSG:3035", "EPSG:4326");
                got[i] = t.transform(Point{2.349902, 48.852968});
                round_trip[i] = back.transform(got[i]);
            });
        for (auto& t : threads) t.join();
    }
    // Destroyed at once, a warm-up makes at most the pairs it has started (here: none is left unmade
    // that a Transformation would wait for, and nothing is made after the destructor returns).
    const std::size_t made = geo::Transformation::operations_made();
    { geo::TransformationWarmup dropped({{"EPSG:4326", "EPSG:3857"}, {"EPSG:3857", "EPSG:4326"}}, 1); }
    const std::size_t after = geo::Transformation::operations_made();
    EXPECT_LE(after - made, 1u) << "a stopped warm-up took a second pair";
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(geo::Transformation::operations_made(), after) << "a warm-up made a pair after its destructor";
    for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].x, expected.x);
        EXPECT_EQ(got[i].y, expected.y);
        EXPECT_NEAR(round_trip[i].x, 2.349902, 1e-8);
        EXPECT_NEAR(round_trip[i].y, 48.852968, 1e-8);
    }
}

TEST(Projection, ReprojectingReusesTheFeaturesWhoseGeometryIsUnchangedAndGivesWhatAWholeProjectionGives) {
    // A layer of triangles over France and Guadeloupe (and one past the pole, which PROJ cannot
    // transform), projected, then edited: one feature moved, one renamed (same geometry), one deleted,
    // one added, two swapped in order, one given the id of another. reproject_reusing from the earlier
    // state gives, bit for bit and failure for failure, what reproject gives; it transforms only the
    // features without an earlier one of the same id and geometry (moved, added, renamed, the id taken
    // from another) and the one whose earlier projection failed.
    auto triangle = [](Layer& l, const std::string& id, double x, double y) {
        Feature& f = l.features.emplace_back();
        f.id = id;
        f.geometry.type = GeometryType::Polygon;
        f.geometry.begin_part();
        f.geometry.points = {{x, y}, {x + 0.1, y}, {x, y + 0.1}, {x, y}};
        f.geometry.end_ring();
    };
    for (const std::string crs : {"EPSG:2154", "EPSG:5490"}) {
        SCOPED_TRACE(crs);
        Layer before;
        before.crs = "EPSG:4326";
        for (int i = 0; i < 40; ++i) triangle(before, "f" + std::to_string(i), -4 + i * 0.25, 43 + (i % 7));
        for (int i = 0; i < 10; ++i) triangle(before, "g" + std::to_string(i), -61.8 + i * 0.05, 16 + i * 0.03);
        triangle(before, "past the pole", 2, 95);
        Layer before_projected = before;
        EXPECT_GT(reproject(before_projected, crs).vertices, 0u);

        Layer after = before;
        after.features[3].geometry.points[1].x += 0.001;                   // moved
        after.features[5].id = "renamed";                                  // same geometry, another id
        after.features.erase(after.features.begin() + 8);                  // deleted: the rest shift
        triangle(after, "new", 2.5, 47.5);                                 // added
        std::swap(after.features[10], after.features[11]);                 // reordered
        after.features[12].id = after.features[20].id;                     // an id twice
        Layer expected = after;
        const ProjectionFailures whole = reproject(expected, crs);
        EXPECT_GT(whole.vertices, 0u);
        // From the earlier state as read, or from the digests of its features as read (what a copy kept
        // on disk remembers of them): the same.
        const std::vector<geo::SourceDigest> before_sources = geo::source_digests(before);
        for (const bool by_digest : {false, true}) {
            SCOPED_TRACE(by_digest ? "by digest" : "by the state as read");
            Layer edited = after;
            std::size_t transformed = 0;
            const ProjectionFailures reused =
                by_digest ? reproject_reusing(edited, crs, geo::source_digests(edited), before_projected, before_sources,
                                              &transformed)
                          : reproject_reusing(edited, crs, before, before_projected, &transformed);
            EXPECT_EQ(edited.crs, crs);
            EXPECT_EQ(reused.vertices, whole.vertices);
            EXPECT_EQ(reused.outside_area, whole.outside_area);
            ASSERT_EQ(edited.features.size(), expected.features.size());
            for (std::size_t i = 0; i < edited.features.size(); ++i) {
                const auto& a = edited.features[i].geometry.points;
                const auto& e = expected.features[i].geometry.points;
                ASSERT_EQ(a.size(), e.size()) << i;
                EXPECT_EQ(std::memcmp(a.data(), e.data(), a.size() * sizeof(Point)), 0) << "feature " << i;
            }
            EXPECT_EQ(transformed, 5u);
        }
        // Digests that are not one per feature of the earlier copy are none: every feature transformed.
        Layer edited = after;
        std::size_t transformed = 0;
        reproject_reusing(edited, crs, geo::source_digests(edited), before_projected,
                          std::span(before_sources).first(before_sources.size() - 1), &transformed);
        EXPECT_EQ(transformed, edited.features.size());
    }
    // An earlier state that does not match (another CRS as read) is not used: every feature is transformed.
    Layer a, b;
    a.crs = "EPSG:4326";
    triangle(a, "x", 2, 47);
    b = a;
    b.crs = "EPSG:3857";
    Layer b_projected = b;
    reproject(b_projected, "EPSG:2154");
    std::size_t transformed = 0;
    reproject_reusing(a, "EPSG:2154", b, b_projected, &transformed);
    EXPECT_EQ(transformed, 1u);
}
