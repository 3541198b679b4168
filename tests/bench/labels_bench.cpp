// Label placement benchmark (issue 18), not a test: prints timings, asserts nothing.
//
//   bench_labels [--runs N] [--labels N] [--only seed|atlas] [--uncached] [--blind]
//
// 1. The seed maps' label step: each seed map is rendered once through the build's own stages
//    (test::ProjectRenderer), then its label requests are placed again, frame by frame (insets first,
//    as the page plan does), among the same symbols and page elements, with the Pango measurer the
//    renderer uses behind a fresh memo per run, as the page plan has (layout::CachingTextMeasurer;
//    --uncached: the Pango measurer alone); the median of N runs per map is printed.
// 2. An atlas page: N candidate labels (default 10 000, the communes of a large département) on an A0
//    page, points spread as communes are (a deterministic pseudo-random pattern, denser in a few
//    towns), among drawn lines that candidates are scored by (a jittered mesh of hairline borders as
//    dense as the communes, and thicker borders across it; layout/drawn_lines.hpp), placed once per
//    run with the Pango measurer behind a fresh memo (--uncached: without; --blind: candidates not
//    scored by the lines, which shows what the scoring saves);
//    the median is printed with the placement's quality and the number of distinct texts. The labels
//    are the names of the first N communes of layers/cache/communes.geojson, all distinct as an atlas
//    page's are (without that layer: names made of a few syllables, which repeat and which a memo then
//    serves from memory).
// Needs the layer cache (scripts/fetch-layers.sh) for part 1; run by scripts/bench-labels.sh.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include <cairo.h>
#include <fmt/format.h>

#include "layout/labels.hpp"
#include "layout/land.hpp"
#include "layout/text_cache.hpp"
#include "page_fixture.hpp"
#include "render/cairo_handles.hpp"
#include "render/text.hpp"
#include "test_paths.hpp"

using namespace cartelier;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

/// A digest of a placement (every label's status, position, box, leader and cost, to the bit): two
/// placements with the same digest are the same, to check that a faster placement places alike.
std::uint64_t digest(const std::vector<layout::PlacedLabel>& placed) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    auto bytes = [&](const void* p, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) h = (h ^ static_cast<const unsigned char*>(p)[i]) * 0x100000001b3ULL;
    };
    auto num = [&](double v) { bytes(&v, sizeof v); };
    for (const auto& l : placed) {
        const int status = static_cast<int>(l.status);
        bytes(&status, sizeof status);
        bytes(l.position.data(), l.position.size());
        for (double v : {l.box.x, l.box.y, l.box.w, l.box.h, l.cost, l.displacement_pt}) num(v);
        if (l.leader)
            for (double v : {l.leader->first.x, l.leader->first.y, l.leader->second.x, l.leader->second.y}) num(v);
        bytes(&l.number, sizeof l.number);
    }
    return h;
}

/// An index holding the page's symbols and page elements as the page plan had them before its labels.
layout::CollisionIndex obstacles_of(const render::PageReport& report) {
    layout::CollisionIndex index;
    for (const auto& e : report.obstacles) {
        if (e.radius > 0) index.insert_circle(e.centre(), e.radius, e.owner, e.feature_id);
        else index.insert(e.box, e.owner, e.kind, e.feature_id);
    }
    return index;
}

/// The seed maps' label step, median of `runs` placements each.
void seed_maps(int runs, const layout::TextMeasurer& pango, bool cached) {
    if (!test::layer_cache_present()) {
        fmt::print("seed maps: skipped (layers/cache is empty: run scripts/fetch-layers.sh)\n");
        return;
    }
    test::ProjectRenderer renderer(test::sourcepath("cartelier.yaml"));
    for (const char* id : {"flash", "local", "sessions"}) {
        const auto page = renderer.render(id, render::OutputFormat::Png, 40);
        const render::PageReport& r = page.report;
        // The frame of each request: an inset's when its point is in one, else the main map's.
        std::vector<std::vector<layout::LabelRequest>> by_frame(r.frames.size());
        for (const auto& l : r.labels) {
            std::size_t frame = 0;
            for (std::size_t f = 1; f < r.frames.size(); ++f)
                if (r.frames[f].frame.contains(layout::Rect{l.request.anchor.x, l.request.anchor.y, 0, 0})) frame = f;
            by_frame[frame].push_back(l.request);
        }
        std::vector<double> seconds;
        std::vector<layout::PlacedLabel> all;
        for (int run = 0; run < runs; ++run) {
            layout::CollisionIndex index = obstacles_of(r);
            const layout::CachingTextMeasurer memo(pango);
            const layout::TextMeasurer& measure = cached ? static_cast<const layout::TextMeasurer&>(memo) : pango;
            const auto start = Clock::now();
            for (std::size_t f = 1; f <= r.frames.size(); ++f) {
                const std::size_t frame = f % r.frames.size();  // insets first, the main map last
                auto placed = layout::place_labels(measure, by_frame[frame], index, r.frames[frame].frame.inflated(-2));
                if (run == 0) all.insert(all.end(), placed.begin(), placed.end());
            }
            seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
        }
        fmt::print("seed map {:<9} {:>3} labels  label step {:.2f} ms (median of {}); placement digest {:016x}\n", id,
                   r.labels.size(), median(seconds) * 1000, runs, digest(all));
    }
}

/// Deterministic pseudo-random numbers in [0, 1).
struct Lcg {
    std::uint64_t s = 0x2545F4914F6CDD1DULL;
    double next() {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(s >> 11) / 9007199254740992.0;
    }
};

/// The names of the first `count` communes of layers/cache/communes.geojson (IGN Admin Express, in the
/// file's order: département by département), each once; empty without that layer.
std::vector<std::string> commune_names(std::size_t count) {
    std::ifstream in(std::string(CARTELIER_SOURCE_DIR) + "/layers/cache/communes.geojson", std::ios::binary);
    if (!in) return {};
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> names;
    std::set<std::string> seen;
    const std::string key = "\"nom\": \"";
    for (std::size_t at = text.find(key); at != std::string::npos && names.size() < count; at = text.find(key, at)) {
        at += key.size();
        const std::size_t end = text.find('"', at);
        if (end == std::string::npos) break;
        std::string name = text.substr(at, end - at);
        if (seen.insert(name).second) names.push_back(std::move(name));
    }
    return names;
}

void atlas(int runs, std::size_t count, const layout::TextMeasurer& pango, bool cached, bool blind) {
    // Real commune names when the layer is there (as many distinct texts as an atlas page has), else
    // names made of a few syllables, which repeat.
    const std::vector<std::string> real = commune_names(count);
    const bool real_names = real.size() == count;
    const layout::Rect page{0, 0, 1189 * 72 / 25.4, 841 * 72 / 25.4};  // A0 landscape
    Lcg rng;
    std::vector<layout::LabelRequest> requests;
    std::vector<std::pair<Point, double>> symbols;
    const std::vector<Point> towns = {{900, 700}, {2200, 1200}, {1600, 500}, {600, 1800}};
    static const char* syllables[] = {"Saint", "Mont", "Ville", "neuve", "sur", "Loire", "Bois", "Fontaine",
                                      "les", "Champ", "Roche", "Val", "de", "Marne", "Pré", "Chapelle"};
    for (std::size_t i = 0; i < count; ++i) {
        Point p;
        if (rng.next() < 0.2) {  // a fifth of the communes around four towns
            const Point t = towns[static_cast<std::size_t>(rng.next() * towns.size())];
            p = {t.x + (rng.next() - 0.5) * 240, t.y + (rng.next() - 0.5) * 240};
        } else {
            p = {20 + rng.next() * (page.w - 40), 20 + rng.next() * (page.h - 40)};
        }
        std::string name = syllables[static_cast<std::size_t>(rng.next() * 16)];
        const int parts = 1 + static_cast<int>(rng.next() * 3);
        for (int k = 1; k < parts; ++k) name += std::string("-") + syllables[static_cast<std::size_t>(rng.next() * 16)];
        layout::LabelRequest r;
        r.text = real_names ? real[i] : name;
        r.style.size_pt = 6;
        r.style.halo_width_pt = 0.8;
        r.anchor = p;
        r.clearance_pt = 3;
        r.preferred = "bottom-left";
        r.layer_id = "communes";
        r.feature_id = fmt::format("c{}", i);
        requests.push_back(std::move(r));
        symbols.emplace_back(p, 2.0);
    }
    // The borders drawn: a mesh of hairlines (0.25 pt) with one cell per commune, each vertex jittered,
    // and every tenth line a thicker border (1 pt).
    layout::DrawnLines lines(page);
    const double spacing = std::sqrt(page.w * page.h / static_cast<double>(std::max<std::size_t>(count, 1)));
    const long nx = static_cast<long>(page.w / spacing) + 1, ny = static_cast<long>(page.h / spacing) + 1;
    std::vector<Point> mesh(static_cast<std::size_t>((nx + 1) * (ny + 1)));
    for (long y = 0; y <= ny; ++y)
        for (long x = 0; x <= nx; ++x)
            mesh[static_cast<std::size_t>(y * (nx + 1) + x)] = {(x + (rng.next() - 0.5) * 0.6) * spacing,
                                                                (y + (rng.next() - 0.5) * 0.6) * spacing};
    for (long y = 0; y <= ny; ++y)
        for (long x = 0; x <= nx; ++x) {
            const Point& p = mesh[static_cast<std::size_t>(y * (nx + 1) + x)];
            if (x < nx) lines.add(p, mesh[static_cast<std::size_t>(y * (nx + 1) + x + 1)], y % 10 == 0 ? 1.0 : 0.25);
            if (y < ny) lines.add(p, mesh[static_cast<std::size_t>((y + 1) * (nx + 1) + x)], x % 10 == 0 ? 1.0 : 0.25);
        }
    lines.finish();
    layout::PlacementSettings settings;
    settings.drawn_lines = blind ? nullptr : &lines;
    std::vector<double> seconds;
    layout::LabelQuality quality;
    std::size_t distinct = 0;
    std::uint64_t placement = 0;
    double hidden_mm2 = 0;
    for (int run = 0; run < runs; ++run) {
        const layout::CachingTextMeasurer memo(pango);
        const layout::TextMeasurer& measure = cached ? static_cast<const layout::TextMeasurer&>(memo) : pango;
        layout::CollisionIndex index;
        for (std::size_t i = 0; i < symbols.size(); ++i)
            index.insert_circle(symbols[i].first, symbols[i].second, "symbol", requests[i].feature_id);
        const auto start = Clock::now();
        const auto placed = layout::place_labels(measure, requests, index, page, settings);
        seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
        quality = layout::measure_quality(placed, index);
        hidden_mm2 = 0;
        for (const auto& l : placed)
            if (l.status == layout::LabelStatus::Placed || l.status == layout::LabelStatus::Displaced)
                hidden_mm2 += lines.within(l.box) * layout::kMm2PerPt2;
        distinct = memo.size();
        placement = digest(placed);
    }
    fmt::print("atlas page {} candidate labels: placed in {:.3f} s (median of {}, best {:.3f} s{}); {} placed, {} displaced, "
               "{} unplaced, {} leader crossings, mean displacement {:.2f} mm, lines hidden {:.0f} mm²; placement digest {:016x}\n",
               count, median(seconds), runs, *std::min_element(seconds.begin(), seconds.end()),
               (real_names ? ", real commune names" : ", generated names") +
                   (cached ? fmt::format(", {} distinct texts measured", distinct) : std::string(", uncached")),
               quality.placed,
               quality.displaced, quality.unplaced, quality.leader_crossings, quality.mean_displacement_mm, hidden_mm2, placement);
}

}  // namespace

int main(int argc, char** argv) {
    int runs = 5;
    std::size_t labels = 10000;
    std::string only;
    bool cached = true, blind = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--labels") && i + 1 < argc) labels = static_cast<std::size_t>(std::atol(argv[++i]));
        else if (!std::strcmp(argv[i], "--only") && i + 1 < argc && (!std::strcmp(argv[i + 1], "seed") || !std::strcmp(argv[i + 1], "atlas")))
            only = argv[++i];
        else if (!std::strcmp(argv[i], "--uncached")) cached = false;
        else if (!std::strcmp(argv[i], "--blind")) blind = true;
        else {
            std::fprintf(stderr, "usage: bench_labels [--runs N] [--labels N] [--only seed|atlas] [--uncached] [--blind]\n");
            return 2;
        }
    }
    render::SurfacePtr surface{cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 10, 10)};
    render::ContextPtr cr{cairo_create(surface.get())};
    const render::PangoTextMeasurer measure(cr.get());
    if (only != "atlas") seed_maps(runs, measure, cached);
    if (only != "seed") atlas(runs, labels, measure, cached, blind);
    return 0;
}
