// The layer store reads a layer on one thread while a second validates and reprojects its chunks.
// When the reader takes its chunks back (a speculative read whose schema guess was wrong), the
// store must end up with what a plain read gives: each feature once, each warning once. Layers
// load in parallel, each key once, and neither a cycle nor a failing checker leaves a thread waiting.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <latch>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include "pipeline/file_watch.hpp"
#include "pipeline/layer_store.hpp"
#include "pipeline/prepared_cache.hpp"
#include "pipeline/project.hpp"
#include "layer_assertions.hpp"
#include "test_geojson.hpp"
#include "test_paths.hpp"
#include "text_files.hpp"

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
            // Square i as write_squares_geojson draws it; 7 with two corners swapped.
            const double x = 2.0 + 0.001 * (i % 100), y = 46.0 + 0.001 * (i / 100);
            if (i != 7)
                return fmt::format("[[{},{}],[{},{}],[{},{}],[{},{}],[{},{}]]", x, y, x + 0.001, y, x + 0.001,
                                   y + 0.001, x, y + 0.001, x, y);
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
    // Through GDAL, plainly and guessing the schema; and through Cartelier's GeoJSON reader, which
    // also reads the file again (a field first seen after chunks were handed over).
    pipeline::LayerStore plain(project, {}, data::ReadOptions{~std::uintmax_t{0}, 100, 4, false});
    pipeline::LayerStore guessing(project, {}, data::ReadOptions{0, 100, 4, false});
    pipeline::LayerStore own(project, {}, data::ReadOptions{});

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
    test::expect_same_layer(own.projected("squares", "EPSG:2154"), reference);
    EXPECT_EQ(own.warnings().format(), plain.warnings().format());
}

// Loading in parallel: each layer key is loaded by the first caller, others wait for that one load,
// and independent layers load at once on their own threads.
namespace {

/// A project with layers 'a' and 'b' (50 squares each, independent) and 'gone' (its file is missing).
std::string write_two_layer_project(const std::string& name) {
    const std::string dir = test::temp_dir("layer-store-" + name);
    for (const char* layer : {"a", "b"})
        test::write_squares_geojson(fmt::format("{}/{}.geojson", dir, layer), 50,
                                    [](int i) { return fmt::format("\"code\":\"{:03}\"", i); });
    std::ofstream(dir + "/style.json")
        << R"({"version": 8, "sources": {"c": {"type": "vector"}}, "layers": [)"
        << R"({"id": "f", "type": "fill", "source": "c", "source-layer": "a", "paint": {"fill-color": "#ccc"}}]})";
    std::ofstream(dir + "/cartelier.yaml")
        << "version: 1\nlayers:\n  a:\n    source: a.geojson\n    id: code\n  b:\n    source: b.geojson\n    id: code\n"
           "  gone:\n    source: gone.geojson\nmaps:\n  m:\n    style: style.json\n"
           "    extent: [600000, 6500000, 620000, 6520000]\n";
    return dir + "/cartelier.yaml";
}

/// `parties` threads meet here; each waits (at most a minute, so that a store which loads one layer
/// after another fails the test instead of hanging it) for all to arrive. True when all arrived.
class Meeting {
public:
    explicit Meeting(int parties) : parties_(parties) {}
    bool arrive_and_wait() {
        std::unique_lock lock(mutex_);
        if (++arrived_ == parties_) all_.notify_all();
        return all_.wait_for(lock, std::chrono::minutes(1), [&] { return arrived_ >= parties_; });
    }

private:
    std::mutex mutex_;
    std::condition_variable all_;
    int parties_;
    int arrived_ = 0;
};

/// Runs `call(i)` on `n` threads released at once; returns what each threw ("" when nothing).
std::vector<std::string> on_threads(int n, const std::function<void(int)>& call) {
    std::vector<std::string> thrown(static_cast<std::size_t>(n));
    std::latch start(n);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i)
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            try {
                call(i);
            } catch (const std::exception& e) {
                thrown[static_cast<std::size_t>(i)] = e.what();
            }
        });
    for (auto& t : threads) t.join();
    return thrown;
}

/// Runs `test` on a store without a prepared cache (a layer is read, then reprojected) and on one
/// with (read straight into the map's CRS).
void both_ways(const pipeline::Project& project, const std::string& name,
               const std::function<void(pipeline::LayerStore&)>& test) {
    for (const bool with_cache : {false, true}) {
        SCOPED_TRACE(with_cache ? "read straight into the CRS" : "read, then reprojected");
        pipeline::LayerStore store(project, with_cache ? test::temp_dir(name + "-cache") : std::string());
        test(store);
    }
}

/// `callers` threads ask for one layer of `store` at once; each read of a file is counted in `reads`
/// and waits until every caller is on its way, so that the others find the load in flight.
std::vector<std::string> ask_at_once(pipeline::LayerStore& store, int callers, std::atomic<int>& reads,
                                     const std::function<void(int)>& ask) {
    std::atomic<int> asking{0};
    store.on_read([&](const std::string&) {
        ++reads;
        while (asking.load() < callers) std::this_thread::yield();
    });
    std::vector<std::string> thrown = on_threads(callers, [&](int i) {
        ++asking;
        ask(i);
    });
    store.on_read({});  // it refers to `asking`
    return thrown;
}

}  // namespace

TEST(LayerStore, IndependentLayersLoadAtTheSameTime) {
    const pipeline::Project project = pipeline::load_project(write_two_layer_project("overlap"));
    // Each read of 'a' or 'b' waits until the other has begun: loads made one after another would
    // never see both reads in flight.
    both_ways(project, "layer-store-overlap", [](pipeline::LayerStore& store) {
        Meeting both(2);
        std::atomic<int> met{0};
        store.on_read([&](const std::string&) {
            if (both.arrive_and_wait()) ++met;
        });
        const std::vector<std::string> thrown =
            on_threads(2, [&](int i) { store.projected(i == 0 ? "a" : "b", "EPSG:2154"); });
        EXPECT_EQ(thrown, (std::vector<std::string>{"", ""}));
        EXPECT_EQ(met.load(), 2) << "the two loads did not overlap";
        EXPECT_EQ(store.projected("a", "EPSG:2154").features.size(), 50u);
        EXPECT_EQ(store.projected("b", "EPSG:2154").features.size(), 50u);
    });
}

TEST(LayerStore, ALayerAskedForByEightThreadsIsReadOnce) {
    const pipeline::Project project = pipeline::load_project(write_two_layer_project("once"));
    both_ways(project, "layer-store-once", [](pipeline::LayerStore& store) {
        std::atomic<int> reads{0};
        std::vector<const Layer*> got(8);
        const std::vector<std::string> thrown = ask_at_once(store, 8, reads, [&](int i) {
            got[static_cast<std::size_t>(i)] = &store.projected("a", "EPSG:2154");
        });
        EXPECT_EQ(thrown, std::vector<std::string>(8));
        EXPECT_EQ(reads.load(), 1);
        for (const Layer* layer : got) EXPECT_EQ(layer, got.front());
        EXPECT_EQ(got.front()->features.size(), 50u);
        EXPECT_EQ(store.warnings().format(), "");
    });
}

TEST(LayerStore, ALayerThatCannotBeLoadedIsReportedInFullOnceThenSeeAbove) {
    const pipeline::Project project = pipeline::load_project(write_two_layer_project("gone"));
    both_ways(project, "layer-store-gone", [](pipeline::LayerStore& store) {
        std::atomic<int> reads{0};
        std::vector<std::string> thrown =
            ask_at_once(store, 8, reads, [&](int) { store.projected("gone", "EPSG:2154"); });
        // Then later callers, in this CRS, in another, and as read.
        for (const auto& ask : std::vector<std::function<void()>>{[&] { store.projected("gone", "EPSG:2154"); },
                                                                  [&] { store.projected("gone", "EPSG:4326"); },
                                                                  [&] { store.source("gone"); }}) {
            try {
                ask();
                thrown.emplace_back();
            } catch (const Error& e) {
                thrown.emplace_back(e.what());
            }
        }
        EXPECT_EQ(reads.load(), 1);
        const std::string see_above = "layer 'gone' could not be loaded (see above)";
        int in_full = 0, short_ones = 0;
        for (const auto& message : thrown) {
            if (message.find("layer 'gone': file not found") != std::string::npos) ++in_full;
            if (message.find(see_above) != std::string::npos) ++short_ones;
        }
        EXPECT_EQ(in_full, 1) << fmt::format("{}", fmt::join(thrown, "\n"));
        EXPECT_EQ(short_ones, 10) << fmt::format("{}", fmt::join(thrown, "\n"));
    });
}

TEST(LayerStore, ALoadThatNeedsItselfFailsNamingTheLayersInsteadOfWaiting) {
    // The project file cannot declare this (a geocode's layer of areas is not geocoded itself): a
    // store given such a project anyway must not hang, whether one thread or two make the loads.
    pipeline::Project project = pipeline::load_project(write_two_layer_project("cycle"));
    project.layers.at("a").geocode = pipeline::GeocodeDecl{"b", "code", "code", 0, false, {}};
    project.layers.at("b").geocode = pipeline::GeocodeDecl{"a", "code", "code", 0, false, {}};
    {
        pipeline::LayerStore store(project);
        try {
            store.source("a");
            ADD_FAILURE() << "a layer that needs itself was loaded";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("loading it needs itself (b → a → b)"), std::string::npos)
                << e.what();
        }
    }
    {
        pipeline::LayerStore store(project);
        Meeting both(2);
        store.on_read([&](const std::string&) { both.arrive_and_wait(); });  // both loads in flight
        const std::vector<std::string> thrown =
            on_threads(2, [&](int i) { store.source(i == 0 ? "a" : "b"); });
        for (const auto& message : thrown) EXPECT_FALSE(message.empty());
        EXPECT_TRUE(thrown[0].find("needs itself") != std::string::npos ||
                    thrown[1].find("needs itself") != std::string::npos)
            << thrown[0] << "\n" << thrown[1];
    }
}

TEST(LayerStore, LayersCheckedWithinEachOtherLoadFromOneThreadOrTwo) {
    pipeline::Project project = pipeline::load_project(write_two_layer_project("mutual-checks"));
    project.layers.at("a").checks.push_back(pipeline::WithinCheck{"b", "code", "code", ";", 1, {}});
    project.layers.at("b").checks.push_back(pipeline::WithinCheck{"a", "code", "code", ";", 1, {}});
    pipeline::LayerStore alone(project);
    std::string expected_a, expected_b;
    try {
        alone.projected("a", "EPSG:2154");
    } catch (const Error& e) {
        expected_a = e.what();
    }
    try {
        alone.projected("b", "EPSG:2154");
    } catch (const Error& e) {
        expected_b = e.what();
    }
    EXPECT_EQ(expected_a, "");
    EXPECT_EQ(expected_b, "");

    pipeline::LayerStore store(project);
    Meeting both(2);
    store.on_read([&](const std::string&) { both.arrive_and_wait(); });
    const std::vector<std::string> thrown =
        on_threads(2, [&](int i) { store.projected(i == 0 ? "a" : "b", "EPSG:2154"); });
    EXPECT_EQ(thrown, (std::vector<std::string>{expected_a, expected_b}));
}

TEST(LayerStore, TheReaderWaitsForItsCheckerWithinABoundedQueue) {
    const pipeline::Project project = pipeline::load_project(write_project("bounded"));
    pipeline::LayerStore plain(project, test::temp_dir("layer-store-bounded-plain-cache"));
    data::ReadOptions one_chunk;
    one_chunk.queue_chunks = 1;
    pipeline::LayerStore bounded(project, test::temp_dir("layer-store-bounded-cache"), one_chunk);
    test::expect_same_layer(bounded.projected("squares", "EPSG:2154"), plain.projected("squares", "EPSG:2154"));
    EXPECT_EQ(bounded.warnings().format(), plain.warnings().format());
    EXPECT_EQ(bounded.queued_chunks_high_water(), 1u);
    EXPECT_LE(plain.queued_chunks_high_water(), data::ReadOptions{}.queue_chunks);
}

TEST(LayerStore, ACheckerThatFailsDoesNotLeaveItsReaderWaiting) {
    // An unknown CRS: the checker's first reprojection throws; the reader, with room for one chunk
    // only, must still finish and the failure reach the caller.
    const pipeline::Project project = pipeline::load_project(write_project("checker-fails"));
    data::ReadOptions one_chunk;
    one_chunk.queue_chunks = 1;
    pipeline::LayerStore store(project, test::temp_dir("layer-store-checker-fails-cache"), one_chunk);
    EXPECT_THROW(store.projected("squares", "EPSG:999999"), Error);
    EXPECT_EQ(store.projected("squares", "EPSG:2154").features.size(), static_cast<std::size_t>(feature_count));
}

TEST(LayerStore, AnEmptyLayerIsAWarningOnceWhateverTheCrsAndTheCache) {
    const std::string dir = test::temp_dir("layer-store-empty");
    std::ofstream(dir + "/none.geojson") << R"({"type": "FeatureCollection", "crs": {"type": "name", "properties": )"
                                            R"({"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}, "features": []})";
    std::ofstream(dir + "/cartelier.yaml") << "version: 1\nlayers:\n  none:\n    source: none.geojson\nmaps: {}\n";
    const pipeline::Project project = pipeline::load_project(dir + "/cartelier.yaml");
    for (int pass = 0; pass < 2; ++pass) {  // the second from the prepared cache the first wrote
        pipeline::LayerStore store(project, dir + "/cache");
        EXPECT_TRUE(store.projected("none", "EPSG:2154").features.empty());
        EXPECT_TRUE(store.projected("none", "EPSG:3857").features.empty());
        EXPECT_TRUE(store.source("none").features.empty());
        const std::string warnings = store.warnings().format();
        EXPECT_EQ(count_of(warnings, "layer 'none' has no feature"), 1) << "pass " << pass << ": " << warnings;
        EXPECT_NE(warnings.find("none.geojson: warning: layer 'none' has no feature"), std::string::npos) << warnings;
    }
}

// A layer projected from its copy as read (a derived layer or another map asked for that copy first)
// is kept in the prepared cache too, as a direct read is: the next build reads neither the file nor
// projects again (the benchmark atlas read its 55 MB communes four more times in the build after a
// cold one), and gets the same features with the read's warnings.
TEST(LayerStore, ALayerProjectedFromItsCopyAsReadIsCachedAsADirectReadIs) {
    const std::string file = write_project("projected-from-source");
    const pipeline::Project project = pipeline::load_project(file);
    const std::string cache = std::filesystem::path(file).parent_path().string() + "/cache";
    std::size_t features = 0;
    std::string warnings;
    {
        pipeline::LayerStore store(project, cache);
        ASSERT_EQ(store.source("squares").features.size(), static_cast<std::size_t>(feature_count));  // as read first
        features = store.projected("squares", "EPSG:2154").features.size();
        warnings = store.warnings().format();
    }
    EXPECT_TRUE(std::filesystem::exists(cache + "/squares.EPSG_2154.prepared"));
    pipeline::LayerStore again(project, cache);
    int reads = 0;
    again.on_read([&](const std::string&) { ++reads; });
    EXPECT_EQ(again.projected("squares", "EPSG:2154").features.size(), features);
    EXPECT_EQ(reads, 0) << "read the file again instead of the prepared cache";
    EXPECT_EQ(again.warnings().format(), warnings);  // the bow tie's repair, said again from the cache
}

// `watch` answers a save first: a store told to defer its cache writes writes its prepared copies at
// flush_cache_writes(), or as it ends, and they are then what a new store reads instead of the file.
TEST(LayerStore, DeferredCacheWritesWaitForTheFlushOrTheStoresEndAndAreThenRead) {
    const std::string file = write_project("deferred-writes");
    const pipeline::Project project = pipeline::load_project(file);
    const std::string cache = std::filesystem::path(file).parent_path().string() + "/cache";
    const std::string copy = cache + "/squares.EPSG_2154.prepared";
    std::size_t features = 0;
    {
        pipeline::LayerStore store(project, cache);
        store.defer_cache_writes();
        features = store.projected("squares", "EPSG:2154").features.size();
        EXPECT_FALSE(std::filesystem::exists(copy)) << "written before the flush";
        store.flush_cache_writes();
        EXPECT_TRUE(std::filesystem::exists(copy));
        std::filesystem::remove(copy);
        store.flush_cache_writes();  // each write once
        EXPECT_FALSE(std::filesystem::exists(copy));
        store.projected("squares", "EPSG:3857");
    }
    EXPECT_TRUE(std::filesystem::exists(cache + "/squares.EPSG_3857.prepared")) << "not written as the store ended";
    {
        pipeline::LayerStore store(project, cache);
        store.defer_cache_writes();
        store.projected("squares", "EPSG:2154");
    }
    pipeline::LayerStore again(project, cache);
    int reads = 0;
    again.on_read([&](const std::string&) { ++reads; });
    EXPECT_EQ(again.projected("squares", "EPSG:2154").features.size(), features);
    EXPECT_EQ(reads, 0) << "read the file again instead of the prepared cache";
}

// A file edited in one feature is read again whole, but GEOS checks again only the polygons the read
// before did not find valid (the memo beside the prepared copies): the layer and its warnings are those
// of a read without any memo, the bow tie repaired and reported again.
TEST(LayerStore, AnEditedFileIsCheckedAgainOnlyWhereItsPolygonsChanged) {
    const std::string file = write_project("valid-memo");
    const std::string dir = std::filesystem::path(file).parent_path().string();
    const std::string cache = dir + "/cache";
    const pipeline::Project project = pipeline::load_project(file);
    {
        pipeline::LayerStore store(project, cache);
        ASSERT_EQ(store.projected("squares", "EPSG:2154").features.size(), static_cast<std::size_t>(feature_count));
    }
    EXPECT_EQ(pipeline::read_valid_polygons(cache, "squares").size(), static_cast<std::size_t>(feature_count - 1))
        << "every square but the bow tie";
    // Square 12's code edited, square 13 moved by a ten-thousandth of a degree.
    std::string text = test::read_text(dir + "/squares.geojson");
    const std::string code = "\"code\":\"00012\"";
    const auto at = text.find(code);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, code.size(), "\"code\":\"A0012\"");
    const std::string moved = fmt::format("[{},{}],", 2.0 + 0.001 * 13, 46.0);
    const auto vertex = text.find(moved);
    ASSERT_NE(vertex, std::string::npos);
    text.replace(vertex, moved.size(), fmt::format("[{},{}],", 2.0 + 0.001 * 13 + 0.0001, 46.0));
    test::save_text(dir + "/squares.geojson", text);

    pipeline::LayerStore plain(project, {});  // no cache, no memo: every polygon checked
    const Layer& reference = plain.projected("squares", "EPSG:2154");
    pipeline::LayerStore again(project, cache);
    test::expect_same_layer(again.projected("squares", "EPSG:2154"), reference);
    EXPECT_EQ(again.warnings().format(), plain.warnings().format());
    EXPECT_EQ(count_of(again.warnings().format(), "invalid polygon"), 1) << again.warnings().format();
    const auto memo = pipeline::read_valid_polygons(cache, "squares");
    EXPECT_EQ(memo.size(), static_cast<std::size_t>(feature_count - 1)) << "square 13 learnt as it is now";
}

// A copy projected from the layer as read keeps, in the prepared cache, the digest of each feature's
// geometry as read. After an edit, the next store projects only the features whose geometry changed and
// takes the others from that copy: the layer is the one a store without a cache projects. (Shown by a
// copy altered in the cache: its unchanged square comes from it.)
TEST(LayerStore, AnEditedFileIsProjectedAgainOnlyWhereItsGeometriesChanged) {
    const std::string file = write_project("reproject-memo");
    const std::string dir = std::filesystem::path(file).parent_path().string();
    const pipeline::Project project = pipeline::load_project(file);
    const std::string kept = dir + "/kept", altered = dir + "/altered";
    for (const std::string& cache : {kept, altered}) {
        pipeline::LayerStore store(project, cache);
        store.source("squares");  // projected from the layer as read
        ASSERT_EQ(store.projected("squares", "EPSG:2154").features.size(), static_cast<std::size_t>(feature_count));
    }
    const std::string copy = "/squares.EPSG_2154.prepared";
    std::optional<pipeline::PreparedLayer> earlier = pipeline::read_any_prepared(kept + copy);
    ASSERT_TRUE(earlier);
    ASSERT_EQ(earlier->source_digests.size(), static_cast<std::size_t>(feature_count));
    // In the altered cache, square 100 a metre further east (its digest as read unchanged).
    ASSERT_EQ(earlier->layer.features[100].id, "00100");
    for (Point& p : earlier->layer.features[100].geometry.points) p.x += 1;
    ASSERT_TRUE(pipeline::write_prepared(altered + copy, 1, earlier->layer, earlier->warnings, {}, earlier->source_digests));

    // Square 13 moved by a ten-thousandth of a degree.
    std::string text = test::read_text(dir + "/squares.geojson");
    const std::string moved = fmt::format("[{},{}],", 2.0 + 0.001 * 13, 46.0);
    const auto vertex = text.find(moved);
    ASSERT_NE(vertex, std::string::npos);
    text.replace(vertex, moved.size(), fmt::format("[{},{}],", 2.0 + 0.001 * 13 + 0.0001, 46.0));
    test::save_text(dir + "/squares.geojson", text);

    pipeline::LayerStore plain(project, {});
    const Layer& reference = plain.projected("squares", "EPSG:2154");
    pipeline::LayerStore again(project, kept);
    again.source("squares");
    test::expect_same_layer(again.projected("squares", "EPSG:2154"), reference);
    pipeline::LayerStore from_altered(project, altered);
    from_altered.source("squares");
    const Layer& taken = from_altered.projected("squares", "EPSG:2154");
    ASSERT_EQ(taken.features.size(), reference.features.size());
    for (std::size_t i = 0; i < taken.features.size(); ++i) {
        const auto& t = taken.features[i].geometry.points;
        const auto& r = reference.features[i].geometry.points;
        ASSERT_EQ(t.size(), r.size());
        for (std::size_t k = 0; k < t.size(); ++k) {
            EXPECT_EQ(t[k].x, r[k].x + (i == 100 ? 1 : 0)) << "square " << i;
            EXPECT_EQ(t[k].y, r[k].y) << "square " << i;
        }
    }
}

namespace {
/// Maps in two CRSs (the style draws nothing): what makes a store hold its layers per CRS window.
constexpr const char* kTwoCrsMaps = "maps:\n  a:\n    style: style.json\n    extent: [600000, 6500000, 620000, 6520000]\n"
                                    "  b:\n    style: style.json\n    crs: EPSG:3857\n"
                                    "    extent: [200000, 5700000, 300000, 5800000]\n";
constexpr const char* kTwoCrsStyle = R"({"version": 8, "sources": {}, "layers": []})";

/// A folder holding a project of the squares with two maps in two CRSs (a project drawing in one CRS
/// reads its layers straight into it, whole).
std::string write_two_crs_project(const std::string& name) {
    const std::string dir = test::temp_dir(name);
    test::write_squares_geojson(dir + "/squares.geojson", feature_count,
                                [](int i) { return fmt::format("\"code\":\"{:05}\",\"n\":{}", i, i); });
    std::ofstream(dir + "/style.json") << kTwoCrsStyle;
    std::ofstream(dir + "/cartelier.yaml") << "version: 1\nlayers:\n  squares:\n    source: squares.geojson\n"
                                              "    id: code\n" << kTwoCrsMaps;
    return dir;
}
}  // namespace

// A build draws its layers in each CRS only inside the part of it that its maps and pages show: the
// copy holds the features whose bounds meet the window, identical to the whole copy's, and says where
// each is in the whole layer and what the whole layer's fields hold (LayerSubset: the style check pairs
// the copies in several CRSs by it, and describes the whole layer's fields), from the prepared cache too.
TEST(LayerStore, ADrawnWindowHoldsTheFeaturesThatMeetItAsTheWholeCopyHasThemAndWhereEachIs) {
    const std::string dir = write_two_crs_project("layer-store-drawn-window");
    const pipeline::Project project = pipeline::load_project(dir + "/cartelier.yaml");
    const std::string cache = dir + "/cache";
    pipeline::LayerStore whole_store(project);
    const Layer& whole = whole_store.projected("squares", "EPSG:2154");
    // The window: a few squares around feature 1250.
    const Box b = whole.features[1250].geometry.bounds();
    const Box window{b.min_x - 150, b.min_y - 150, b.max_x + 150, b.max_y + 150};

    // Not allowed (a store kept between builds): drawn() is the whole copy.
    {
        pipeline::LayerStore store(project);
        store.set_drawn_windows({{"EPSG:2154", window}});
        EXPECT_EQ(&store.drawn("squares", "EPSG:2154"), &store.projected("squares", "EPSG:2154"));
    }
    std::string warnings;
    for (int pass = 0; pass < 2; ++pass) {  // the second from the prepared cache the first wrote
        pipeline::LayerStore store(project, cache);
        store.allow_drawn_windows();
        store.set_drawn_windows({{"EPSG:2154", window}});
        int reads = 0;
        store.on_read([&](const std::string&) { ++reads; });
        const Layer& drawn = store.drawn("squares", "EPSG:2154");
        ASSERT_TRUE(drawn.subset);
        EXPECT_EQ(drawn.whole_size(), whole.features.size());
        EXPECT_EQ(drawn.subset->fields, field_stats(whole));
        EXPECT_EQ(drawn.crs, "EPSG:2154");
        std::size_t kept = 0;
        for (std::size_t i = 0; i < whole.features.size(); ++i) {
            const Feature& w = whole.features[i];
            if (!w.geometry.bounds().intersects(window)) {
                EXPECT_TRUE(kept == drawn.features.size() || drawn.whole_index(kept) > i) << w.id;
                continue;
            }
            ASSERT_LT(kept, drawn.features.size()) << w.id;
            ASSERT_EQ(drawn.whole_index(kept), i);
            const Feature& d = drawn.features[kept];
            ASSERT_EQ(d.id, w.id);
            EXPECT_EQ(d.values, w.values) << d.id;
            ++kept;
            ASSERT_EQ(d.geometry.points.size(), w.geometry.points.size()) << d.id;
            for (std::size_t k = 0; k < w.geometry.points.size(); ++k) {
                EXPECT_EQ(d.geometry.points[k].x, w.geometry.points[k].x) << d.id;
                EXPECT_EQ(d.geometry.points[k].y, w.geometry.points[k].y) << d.id;
            }
            EXPECT_EQ(d.geometry.rings, w.geometry.rings);
            EXPECT_EQ(d.geometry.parts, w.geometry.parts);
            EXPECT_EQ(d.geometry.type, w.geometry.type);
        }
        EXPECT_EQ(kept, drawn.features.size());
        EXPECT_GT(kept, 4u);
        EXPECT_LT(kept, whole.features.size() / 20) << "the window holds a few squares, not the layer";
        if (pass == 0) warnings = store.warnings().format();
        EXPECT_EQ(reads, pass == 0 ? 1 : 0) << "pass " << pass;
        EXPECT_EQ(store.warnings().format(), warnings) << "pass " << pass;
        // A CRS without a window is drawn whole.
        EXPECT_EQ(&store.drawn("squares", "EPSG:3857"), &store.projected("squares", "EPSG:3857"));
    }
    // Another window: not the copy the cache holds for the first one.
    pipeline::LayerStore store(project, cache);
    store.allow_drawn_windows();
    const Box elsewhere = whole.features[10].geometry.bounds();
    store.set_drawn_windows({{"EPSG:2154", elsewhere}});
    const Layer& drawn = store.drawn("squares", "EPSG:2154");
    std::vector<std::string> ids;
    for (const Feature& f : drawn.features) ids.push_back(f.id);
    EXPECT_NE(std::find(ids.begin(), ids.end(), whole.features[10].id), ids.end());
    EXPECT_EQ(std::find(ids.begin(), ids.end(), whole.features[1250].id), ids.end());
}

// A layer whose checks run in the CRS, or the container of another layer's checks, is drawn whole: a
// check needs every feature, not only those of the window.
TEST(LayerStore, ALayerCheckedOrContainingAChecksLayerIsDrawnWhole) {
    const std::string dir = test::temp_dir("layer-store-window-checks");
    test::write_squares_geojson(dir + "/areas.geojson", 4, [](int i) { return fmt::format("\"code\":\"{}\"", i); });
    test::write_squares_geojson(dir + "/others.geojson", 4, [](int i) { return fmt::format("\"code\":\"{}\"", i); });
    std::ofstream(dir + "/sites.csv") << "id,lon,lat,area\na,2.0005,46.0005,0\n";
    std::ofstream(dir + "/cartelier.yaml")
        << "version: 1\nlayers:\n  areas:\n    source: areas.geojson\n    id: code\n"
           "  others:\n    source: others.geojson\n    id: code\n"
           "  sites:\n    source: sites.csv\n    crs: EPSG:4326\n    x: lon\n    y: lat\n    id: id\n"
           "    checks: [{within: areas, codes: area, match: code}]\n" << kTwoCrsMaps;
    std::ofstream(dir + "/style.json") << kTwoCrsStyle;
    const pipeline::Project project = pipeline::load_project(dir + "/cartelier.yaml");
    pipeline::LayerStore store(project);
    store.allow_drawn_windows();
    store.set_drawn_windows({{"EPSG:2154", Box{0, 0, 1, 1}}});  // far from every feature
    EXPECT_EQ(&store.drawn("sites", "EPSG:2154"), &store.projected("sites", "EPSG:2154"));
    EXPECT_EQ(&store.drawn("areas", "EPSG:2154"), &store.projected("areas", "EPSG:2154"));
    const Layer& others = store.drawn("others", "EPSG:2154");
    EXPECT_NE(&others, &store.projected("others", "EPSG:2154"));
    EXPECT_TRUE(others.features.empty());
    EXPECT_EQ(others.whole_size(), 4u);
}

// load_drawn() loads copies side by side; when a layer cannot be loaded, its error is thrown in full
// whichever thread met it first — as the first of the same drawn() calls one after another would —,
// not the "see above" of the threads that waited for that load. Repeated, so that either thread may
// be the one that loads.
TEST(LayerStore, LoadingDrawnCopiesSideBySideThrowsTheFirstFailureInFull) {
    const pipeline::Project project = pipeline::load_project(write_two_layer_project("load-drawn"));
    for (int round = 0; round < 20; ++round) {
        pipeline::LayerStore store(project);
        store.allow_drawn_windows();
        store.set_drawn_windows({{"EPSG:2154", Box{0, 0, 1e7, 1e7}}, {"EPSG:3857", Box{-1e7, -1e7, 1e7, 1e7}}});
        try {
            store.load_drawn({{"a", "EPSG:2154"}, {"gone", "EPSG:3857"}, {"gone", "EPSG:2154"}, {"b", "EPSG:3857"}}, 4);
            ADD_FAILURE() << "no error";
        } catch (const Error& e) {
            const std::string message = e.what();
            EXPECT_NE(message.find("layer 'gone': file not found"), std::string::npos) << message;
            EXPECT_EQ(message.find("see above"), std::string::npos) << message;
        }
        // The others were loaded all the same.
        EXPECT_EQ(store.drawn("a", "EPSG:2154").features.size(), 50u);
        EXPECT_EQ(store.drawn("b", "EPSG:3857").features.size(), 50u);
    }
}

// A first build of a project drawing in several CRSs reads its large layers while it plans its pages
// (read_ahead): the read runs on a thread of its own, once; what the pages draw is what they would draw
// without it; a layer whose read fails is told in full to whoever asks for it, not "see above"; and a
// build that finds the layer in the prepared cache reads nothing ahead.
TEST(LayerStore, ALayerReadAheadIsReadOnceOnAThreadOfItsOwnAndItsErrorIsToldInFull) {
    const std::string dir = test::temp_dir("layer-store-read-ahead");
    test::write_squares_geojson(dir + "/squares.geojson", 200,
                                [](int i) { return fmt::format("\"code\":\"{:05}\"", i); });
    std::ofstream(dir + "/broken.geojson") << R"({"type": "FeatureCollection", "features": [{"type": )";
    std::ofstream(dir + "/style.json") << kTwoCrsStyle;
    std::ofstream(dir + "/cartelier.yaml") << "version: 1\nlayers:\n  squares:\n    source: squares.geojson\n"
                                              "    id: code\n  broken:\n    source: broken.geojson\n" << kTwoCrsMaps;
    const pipeline::Project project = pipeline::load_project(dir + "/cartelier.yaml");
    pipeline::LayerStore reference(project);
    const Layer& whole = reference.projected("squares", "EPSG:2154");
    const std::map<std::string, Box> windows{{"EPSG:2154", whole.bounds()}, {"EPSG:3857", Box{-1e7, -1e7, 1e7, 1e7}}};
    const std::string cache = dir + "/cache";
    for (int pass = 0; pass < 2; ++pass) {  // the second finds the layer as read in the prepared cache
        pipeline::LayerStore store(project, cache);
        store.allow_drawn_windows();
        std::mutex mutex;
        std::vector<std::pair<std::string, std::thread::id>> reads;
        std::promise<void> squares_begun;
        store.on_read([&](const std::string& layer) {
            std::lock_guard lock(mutex);
            reads.emplace_back(layer, std::this_thread::get_id());
            if (layer == "squares") squares_begun.set_value();
        });
        store.read_ahead({"squares", "broken", "squares"});
        // The read ahead under way before the caller asks (else the caller may read first).
        if (pass == 0)
            ASSERT_EQ(squares_begun.get_future().wait_for(std::chrono::minutes(1)), std::future_status::ready);
        store.set_drawn_windows(windows);
        const Layer& drawn = store.drawn("squares", "EPSG:2154");
        ASSERT_EQ(drawn.features.size(), whole.features.size());
        for (std::size_t i = 0; i < whole.features.size(); ++i) {
            const auto& d = drawn.features[i].geometry.points;
            const auto& w = whole.features[i].geometry.points;
            ASSERT_EQ(d.size(), w.size()) << i;
            for (std::size_t k = 0; k < w.size(); ++k) ASSERT_TRUE(d[k].x == w[k].x && d[k].y == w[k].y) << i;
        }
        EXPECT_EQ(store.drawn("squares", "EPSG:3857").features.size(), whole.features.size());
        for (int ask = 0; ask < 2; ++ask) {
            try {
                store.drawn("broken", "EPSG:3857");
                ADD_FAILURE() << "no error";
            } catch (const Error& e) {
                // The first to ask is told in full (the next, as after any failed load, an error too).
                const std::string message = e.what();
                if (ask == 0) EXPECT_NE(message.find("broken.geojson"), std::string::npos) << message;
                if (ask == 0) EXPECT_EQ(message.find("see above"), std::string::npos) << message;
            }
        }
        std::lock_guard lock(mutex);
        const auto squares = std::count_if(reads.begin(), reads.end(), [](const auto& r) { return r.first == "squares"; });
        if (pass == 0) {
            EXPECT_EQ(squares, 1);  // once, ahead, on another thread
            for (const auto& [layer, thread] : reads)
                if (layer == "squares") EXPECT_NE(thread, std::this_thread::get_id());
        } else {
            EXPECT_EQ(squares, 0);  // from the prepared cache: nothing to read ahead
        }
    }
}

// release_sources_once_drawn(): once every copy a build's pages draw is loaded, the layers as read they
// were made from are freed; the copies stay as they are, and a later source() reads the layer again
// (the same layer). While a copy is missing, nothing is freed.
TEST(LayerStore, TheLayersAsReadAreFreedOnceEveryCopyIsLoadedAndReadAgainWhenAskedFor) {
    const std::string dir = write_two_crs_project("layer-store-release");
    const pipeline::Project project = pipeline::load_project(dir + "/cartelier.yaml");
    pipeline::LayerStore reference(project);
    const Layer& whole = reference.source("squares");
    const Box b = reference.projected("squares", "EPSG:2154").features[1250].geometry.bounds();
    pipeline::LayerStore store(project, dir + "/cache");
    store.allow_drawn_windows();
    store.set_drawn_windows({{"EPSG:2154", {b.min_x - 150, b.min_y - 150, b.max_x + 150, b.max_y + 150}},
                             {"EPSG:3857", {-1e7, -1e7, 1e7, 1e7}}});
    int reads = 0;
    store.on_read([&](const std::string&) { ++reads; });
    const std::vector<std::pair<std::string, std::string>> keys{{"squares", "EPSG:2154"}, {"squares", "EPSG:3857"}};
    const Layer& first = store.drawn("squares", "EPSG:2154");
    const std::vector<Feature> first_features = first.features;
    EXPECT_EQ(reads, 1);
    EXPECT_FALSE(store.release_sources_once_drawn(keys)) << "the copy in EPSG:3857 is not loaded";
    const Layer& second = store.drawn("squares", "EPSG:3857");
    EXPECT_EQ(reads, 1) << "made from the layer as read, still held";
    EXPECT_TRUE(store.release_sources_once_drawn(keys));
    EXPECT_EQ(&store.drawn("squares", "EPSG:2154"), &first);
    EXPECT_EQ(&store.drawn("squares", "EPSG:3857"), &second);
    EXPECT_EQ(first.features.size(), first_features.size());
    for (std::size_t i = 0; i < first_features.size(); ++i) EXPECT_EQ(first.features[i].id, first_features[i].id);
    EXPECT_EQ(reads, 1) << "the copies are held: nothing read";
    std::filesystem::remove_all(dir + "/cache");  // so that a load of the layer as read reads its file
    const Layer& again = store.source("squares");
    EXPECT_EQ(reads, 2) << "freed, so read again";
    ASSERT_EQ(again.features.size(), whole.features.size());
    for (std::size_t i = 0; i < whole.features.size(); ++i) {
        ASSERT_EQ(again.features[i].id, whole.features[i].id);
        ASSERT_EQ(again.features[i].geometry.points.size(), whole.features[i].geometry.points.size());
    }
    EXPECT_EQ(store.warnings().format(), reference.warnings().format());
}

// draw_ahead(): the copies a warm build's pages draw load behind its plan; the page that needs one gets
// the very copy, or its error in full, as if it had loaded it itself.
TEST(LayerStore, ACopyLoadedAheadIsTheCopyAndAFailedOneTheCallersErrorInFull) {
    const std::string dir = write_two_crs_project("layer-store-draw-ahead");
    const pipeline::Project project = pipeline::load_project(dir + "/cartelier.yaml");
    pipeline::LayerStore reference(project);
    const Layer& whole = reference.projected("squares", "EPSG:2154");
    const Box b = whole.features[1250].geometry.bounds();
    const std::map<std::string, Box> windows{{"EPSG:2154", {b.min_x - 150, b.min_y - 150, b.max_x + 150, b.max_y + 150}},
                                             {"EPSG:999999", {0, 0, 1, 1}}};
    std::string expected;
    {
        pipeline::LayerStore alone(project, dir + "/cache-alone");
        alone.allow_drawn_windows();
        alone.set_drawn_windows(windows);
        try {
            alone.drawn("squares", "EPSG:999999");
        } catch (const Error& e) {
            expected = e.diagnostics().format();
        }
    }
    ASSERT_NE(expected.find("EPSG:999999"), std::string::npos) << expected;
    for (int pass = 0; pass < 2; ++pass) {  // the second from the prepared cache the first wrote
        pipeline::LayerStore store(project, dir + "/cache");
        store.allow_drawn_windows();
        store.set_drawn_windows(windows);
        pipeline::LayerStore alone(project, dir + "/cache-alone");
        alone.allow_drawn_windows();
        alone.set_drawn_windows(windows);
        store.draw_ahead({{"squares", "EPSG:999999"}, {"squares", "EPSG:2154"}});
        try {
            store.drawn("squares", "EPSG:999999");
            ADD_FAILURE() << "no error for a CRS PROJ does not know";
        } catch (const Error& e) {
            EXPECT_EQ(e.diagnostics().format(), expected) << "pass " << pass;
        }
        test::expect_same_layer(store.drawn("squares", "EPSG:2154"), alone.drawn("squares", "EPSG:2154"));
        EXPECT_EQ(store.warnings().format(), alone.warnings().format()) << "pass " << pass;
    }
}

// `watch` keeps its layers between rebuilds: after a data file is saved, a new store takes from the last
// one every layer that file cannot have changed (LayerStore::adopt) and loads the others again — the
// layer reading the file, the layers computed from it, and those checked within it. A layer edited
// projects again only its edited features. Whatever was taken or loaded, the layers are those a new
// store loads from the files as they are, warnings included.
TEST(LayerStore, AStoreAfterAnEditTakesTheLayersTheEditedFileCannotHaveChangedAndLoadsTheOthersAgain) {
    const std::string dir = test::temp_dir("layer-store-adopt");
    auto squares = [](int shift) {
        return [shift](int i) { return fmt::format("\"code\":\"{:03}\",\"n\":{}", i, i + shift); };
    };
    test::write_squares_geojson(dir + "/areas.geojson", 40, squares(0));
    test::write_squares_geojson(dir + "/others.geojson", 40, squares(0));
    std::ofstream(dir + "/sites.csv") << "id,lon,lat,area\na,2.0005,46.0005,000\nb,2.0105,46.0005,010\n";
    std::ofstream(dir + "/style.json") << kTwoCrsStyle;
    std::ofstream(dir + "/cartelier.yaml")
        << "version: 1\nlayers:\n  areas:\n    source: areas.geojson\n    id: code\n"
           "  areas-points:\n    from: areas\n    steps: [point_on_surface]\n"
           "  others:\n    source: others.geojson\n    id: code\n"
           "  sites:\n    source: sites.csv\n    crs: EPSG:4326\n    x: lon\n    y: lat\n    id: id\n"
           "    checks: [{within: areas, codes: area, match: code}]\n" << kTwoCrsMaps;
    const pipeline::Project project = pipeline::load_project(dir + "/cartelier.yaml");
    const std::vector<std::string> names = {"areas", "areas-points", "others", "sites"};
    const std::vector<std::string> crss = {"EPSG:2154", "EPSG:3857"};
    auto load_all = [&](pipeline::LayerStore& store) {
        for (const auto& name : names)
            for (const auto& crs : crss) store.projected(name, crs);
    };
    auto before = std::make_unique<pipeline::LayerStore>(project);
    load_all(*before);
    const Layer* others_before = &before->projected("others", "EPSG:3857");

    // Nothing saved: every layer is taken, nothing is read again.
    {
        pipeline::LayerStore same(project);
        std::set<std::string> read;
        same.on_read([&](const std::string& name) { read.insert(name); });
        EXPECT_EQ(same.adopt(*before, {}, false), names);
        load_all(same);
        EXPECT_TRUE(read.empty()) << fmt::format("{}", fmt::join(read, ", "));
        EXPECT_EQ(&same.projected("others", "EPSG:3857"), others_before);
    }

    // Square 5 moved, square 6 renamed: the areas, the points computed from them and the sites checked
    // within them are loaded again; the others are taken as they are.
    std::string text = test::read_text(dir + "/areas.geojson");
    const std::string moved = fmt::format("[{},{}],", 2.0 + 0.001 * 5, 46.0);
    ASSERT_NE(text.find(moved), std::string::npos);
    text.replace(text.find(moved), moved.size(), fmt::format("[{},{}],", 2.0 + 0.001 * 5 + 0.0002, 46.0));
    text.replace(text.find("\"code\":\"006\""), 12, "\"code\":\"X06\"");
    test::save_text(dir + "/areas.geojson", text);
    const std::set<std::string> saved = {pipeline::canonical_path(dir + "/areas.geojson")};

    pipeline::LayerStore after(project);
    std::set<std::string> read;
    after.on_read([&](const std::string& name) { read.insert(name); });
    EXPECT_EQ(after.adopt(*before, saved, true), std::vector<std::string>{"others"});
    before.reset();  // `watch` drops the last store: what was taken lives on
    load_all(after);
    EXPECT_EQ(read, (std::set<std::string>{"areas", "sites"}));
    EXPECT_EQ(&after.projected("others", "EPSG:3857"), others_before);

    pipeline::LayerStore fresh(project);
    load_all(fresh);
    for (const auto& name : names)
        for (const auto& crs : crss) {
            SCOPED_TRACE(name + " in " + crs);
            test::expect_same_layer(after.projected(name, crs), fresh.projected(name, crs));
        }
    EXPECT_EQ(after.warnings_of(names).format(), fresh.warnings_of(names).format());

    // The container edited so that site a falls outside its area (square 0 moved a degree east): the
    // sites are not taken with their old verdict; their check fails, as in a new store.
    test::write_squares_geojson(dir + "/areas.geojson", 40, squares(0), {}, [](int i) {
        const double x = 2.0 + 0.001 * (i % 100) + (i == 0 ? 1 : 0), y = 46.0 + 0.001 * (i / 100);
        return fmt::format("[[{},{}],[{},{}],[{},{}],[{},{}],[{},{}]]", x, y, x + 0.001, y, x + 0.001, y + 0.001, x,
                           y + 0.001, x, y);
    });
    pipeline::LayerStore checked(project);
    EXPECT_EQ(checked.adopt(after, {pipeline::canonical_path(dir + "/areas.geojson")}, false),
              std::vector<std::string>{"others"});
    EXPECT_THROW(checked.projected("sites", "EPSG:2154"), Error);
    pipeline::LayerStore plain(project);
    EXPECT_THROW(plain.projected("sites", "EPSG:2154"), Error);
}
