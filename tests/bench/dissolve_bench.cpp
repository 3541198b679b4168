// Dissolve benchmark (issue 14), not a test: the communes dissolved into their EPCI perimeters.
//
//   bench_dissolve MEMBERSHIP.csv [--communes FILE] [--runs N] [--threads N]
//
// MEMBERSHIP.csv: one row per commune with (at least) the columns `commune` (INSEE code) and `epci`
// (SIREN), found by name (layers/cache/epci-2019.csv has more). The communes (default
// layers/cache/communes.geojson) are read with the project's reader, joined to the table by code
// (communes without a row are left out of the dissolve, as nulls), then:
//   1. geo::dissolve by `epci` is timed (median of N runs, the default number of threads, then one);
//   2. as a peer, GEOS's general union (GEOSUnaryUnion) of each group's polygons, one group after the
//      other on one thread, is timed once;
//   3. the output is checked: GEOSisValid on every perimeter; its area equal to the sum of its members'
//      areas within 1e-9 relative; its holes: an enclave (a point inside lies in a commune of another
//      group, or of none), else a hole of the communes' coverage itself (listed: the Étang de Berre, a
//      foreign enclave such as Llívia), which must not be a sliver (a crack left between members).
// Prints one JSON line with the figures; exits 1 when a check fails. Run by scripts/bench.sh.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <geos_c.h>

#include "data/join.hpp"
#include "data/layer_reader.hpp"
#include "data/table.hpp"
#include "geo/code_text.hpp"
#include "geo/dissolve.hpp"
#include "geo/geos.hpp"
#include "test_paths.hpp"

using namespace cartelier;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

double area(const geo::GeosContext& ctx, const GEOSGeometry* g) {
    double a = 0;
    GEOSArea_r(ctx.get(), g, &a);
    return a;
}

}  // namespace

int main(int argc, char** argv) {
    std::string membership, communes_path = test::sourcepath("layers/cache/communes.geojson");
    int runs = 3;
    unsigned threads = 0;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = static_cast<unsigned>(std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--communes") && i + 1 < argc) communes_path = argv[++i];
        else if (argv[i][0] != '-' && membership.empty()) membership = argv[i];
        else {
            std::fprintf(stderr, "usage: bench_dissolve MEMBERSHIP.csv [--communes FILE] [--runs N] [--threads N]\n");
            return 2;
        }
    }
    if (membership.empty()) {
        std::fprintf(stderr, "usage: bench_dissolve MEMBERSHIP.csv [--communes FILE] [--runs N] [--threads N]\n");
        return 2;
    }

    // ---- read and join (not the dissolve's time) ----
    Diagnostics d;
    auto t0 = Clock::now();
    data::LayerSpec spec;
    spec.name = "communes";
    spec.path = communes_path;
    spec.id_field = "code";
    Layer communes = data::read_layer(spec, d);
    const double read_s = seconds_since(t0);
    data::Table table = data::read_csv(membership, d);
    if (d.has_errors() || communes.features.empty()) {
        std::fprintf(stderr, "%s", d.format().c_str());
        return 1;
    }
    for (const char* column : {"commune", "epci"})
        if (!table.column(column)) {
            std::fprintf(stderr, "bench_dissolve: %s has no column '%s' (columns: %s)\n", membership.c_str(), column,
                         fmt::format("{}", fmt::join(table.columns, ", ")).c_str());
            return 1;
        }
    data::JoinSpec join;
    join.left_field = "code";
    join.right_field = "commune";
    join.fields = {"epci"};
    join.required = false;
    join.max_messages = 0;
    join.types = {{"epci", data::ColumnType::String, {}}};  // a SIREN is a code, not a number
    Diagnostics join_diagnostics;
    data::JoinStats joined = data::join(communes, table, join, join_diagnostics);
    if (join_diagnostics.has_errors()) {
        std::fprintf(stderr, "%s", join_diagnostics.format().c_str());
        return 1;
    }

    // ---- geo::dissolve ----
    geo::DissolveSpec dissolve_spec;
    dissolve_spec.by = "epci";
    dissolve_spec.aggregates = {{"communes", "", geo::Aggregation::Count, {}}};
    dissolve_spec.threads = threads;
    Layer epci;
    geo::DissolveStats stats;
    std::vector<double> times, times_one;
    for (int r = 0; r < runs; ++r) {
        Diagnostics dd;
        auto t = Clock::now();
        epci = geo::dissolve(communes, dissolve_spec, dd, &stats);
        times.push_back(seconds_since(t));
        if (dd.has_errors()) {
            std::fprintf(stderr, "%s", dd.format().c_str());
            return 1;
        }
    }
    geo::DissolveSpec one_thread = dissolve_spec;
    one_thread.threads = 1;
    for (int r = 0; r < runs; ++r) {
        Diagnostics dd;
        auto t = Clock::now();
        geo::dissolve(communes, one_thread, dd);
        times_one.push_back(seconds_since(t));
    }

    // ---- peer: GEOS's unary union per group, one thread ----
    geo::GeosContext ctx;
    auto h = ctx.get();
    const auto epci_index = communes.schema->index("epci");
    std::unordered_map<std::string, std::size_t> group_of;
    for (std::size_t g = 0; g < epci.features.size(); ++g) group_of.emplace(epci.features[g].id, g);
    std::vector<std::vector<std::size_t>> members(epci.features.size());
    std::vector<int> group_of_commune(communes.features.size(), -1);
    for (std::size_t i = 0; i < communes.features.size(); ++i) {
        const Value& v = communes.features[i].value(*epci_index);
        if (!is_null(v)) {
            auto it = group_of.find(geo::code_text(v));
            if (it == group_of.end()) continue;
            members[it->second].push_back(i);
            group_of_commune[i] = static_cast<int>(it->second);
        }
    }
    auto t_peer = Clock::now();
    std::size_t peer_failures = 0;
    for (const auto& group : members) {
        std::vector<geo::GeosGeometry> polygons;
        for (std::size_t i : group) geo::to_geos_parts(ctx, communes.features[i].geometry, polygons);
        geo::GeosGeometry all = geo::make_collection(ctx, GEOS_MULTIPOLYGON, polygons);
        geo::GeosGeometry u(ctx, GEOSUnaryUnion_r(h, all.get()));
        if (!u) ++peer_failures;
    }
    const double peer_s = seconds_since(t_peer);

    // ---- checks ----
    std::size_t invalid = 0, area_mismatch = 0, holes = 0, with_holes = 0, enclave_holes = 0, uncovered_holes = 0, sliver_holes = 0;
    double max_rel = 0;
    std::vector<std::string> uncovered;  // holes in no commune: the group, a point inside, area, compactness
    std::vector<Box> commune_box(communes.features.size());
    for (std::size_t i = 0; i < communes.features.size(); ++i) commune_box[i] = communes.features[i].geometry.bounds();
    for (std::size_t g = 0; g < epci.features.size(); ++g) {
        const Geometry& perimeter = epci.features[g].geometry;
        geo::GeosGeometry p = geo::to_geos(ctx, perimeter);
        if (GEOSisValid_r(h, p.get()) != 1) ++invalid;
        double sum = 0;
        for (std::size_t i : members[g]) {
            geo::GeosGeometry m = geo::to_geos(ctx, communes.features[i].geometry);
            sum += area(ctx, m.get());
        }
        const double rel = sum > 0 ? std::abs(area(ctx, p.get()) - sum) / sum : 0;
        max_rel = std::max(max_rel, rel);
        if (rel > 1e-9) ++area_mismatch;
        // Holes: each ring after the first of a part.
        bool any = false;
        for (std::size_t part = 0; part < perimeter.part_count(); ++part)
            for (std::uint32_t r = perimeter.parts[part] + 1; r < perimeter.parts[part + 1]; ++r) {
                ++holes;
                any = true;
                Geometry hole;
                hole.type = GeometryType::Polygon;
                hole.begin_part();
                hole.points.assign(perimeter.points.begin() + perimeter.rings[r],
                                   perimeter.points.begin() + perimeter.rings[r + 1]);
                hole.end_ring();
                auto inside = geo::point_on_surface(ctx, hole);
                bool enclave = false;
                for (std::size_t i = 0; inside && !enclave && i < communes.features.size(); ++i) {
                    if (!commune_box[i].contains(*inside) || group_of_commune[i] == static_cast<int>(g)) continue;
                    enclave = geo::PreparedPolygon(ctx, communes.features[i].geometry).covers(*inside);
                }
                if (enclave) {
                    ++enclave_holes;
                    continue;
                }
                // In no commune: a hole of the communes' coverage itself (a lake outside every commune, a
                // foreign enclave), or a crack the union left between members, which is a sliver.
                geo::GeosGeometry x = geo::to_geos(ctx, hole);
                double perimeter_length = 0;
                GEOSLength_r(h, x.get(), &perimeter_length);
                const double a = area(ctx, x.get());
                const double compactness = 4 * M_PI * a / (perimeter_length * perimeter_length);
                ++(compactness < 0.01 ? sliver_holes : uncovered_holes);
                uncovered.push_back(fmt::format("\"{} ({:.5f} {:.5f}), area {:.3g}, compactness {:.2f}\"",
                                                epci.features[g].id, inside ? inside->x : 0, inside ? inside->y : 0, a,
                                                compactness));
            }
        if (any) ++with_holes;
    }

    const double dissolve_s = median(times), dissolve_one_s = median(times_one);
    fmt::print(
        "{{\"communes\": {}, \"joined\": {}, \"groups\": {}, \"skipped_null\": {}, \"read_s\": {:.3f}, "
        "\"dissolve_s\": {:.3f}, \"dissolve_threads\": {}, \"dissolve_1thread_s\": {:.3f}, \"unary_union_s\": {:.3f}, "
        "\"unary_union_over_dissolve\": {:.2f}, \"unary_union_over_dissolve_1thread\": {:.2f}, \"geos_coverage_unions\": {}, \"general_unions\": {}, "
        "\"peer_failures\": {}, \"invalid\": {}, \"area_mismatch\": {}, \"max_area_rel_diff\": {:.3g}, \"holes\": {}, "
        "\"features_with_holes\": {}, \"enclave_holes\": {}, \"uncovered_holes\": {}, \"sliver_holes\": {}, \"uncovered\": [{}], \"runs\": {}}}\n",
        communes.features.size(), joined.matched, epci.features.size(), stats.skipped_null, read_s, dissolve_s,
        stats.threads, dissolve_one_s, peer_s, peer_s / dissolve_s,
        peer_s / dissolve_one_s, stats.geos_coverage_unions, stats.general_unions, peer_failures, invalid, area_mismatch, max_rel, holes, with_holes,
        enclave_holes, uncovered_holes, sliver_holes, fmt::join(uncovered, ", "), runs);
    return invalid == 0 && area_mismatch == 0 && sliver_holes == 0 && peer_failures == 0 ? 0 : 1;
}
