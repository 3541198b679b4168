// `cartelier watch`: saving a style re-renders its map; a broken style keeps the last good output.
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <cairo.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "pipeline/file_watch.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/project.hpp"
#include "pipeline/watch.hpp"
#include "geo/projection.hpp"
#include "render/view.hpp"
#include "synced_stream.hpp"
#include "test_paths.hpp"
#include "text_files.hpp"

using namespace cartelier;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string read(const std::string& path) { return test::read_text(path); }
void write(const std::string& path, const std::string& text) { test::save_text(path, text); }

bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds limit = 20s) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (condition()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

/// Colour of the PNG pixel at a WGS84 point of the fixture map.
std::array<int, 3> colour_at(const std::string& dir, Point lonlat) {
    pipeline::Project project = pipeline::load_project(dir + "/cartelier.yaml");
    const pipeline::MapDecl& map = project.maps.front();
    render::View view = render::View::fit(map.crs, map.extent, map.page.map_frame());
    Point page = view.to_page(geo::Transformation("EPSG:4326", map.crs).transform(lonlat));
    cairo_surface_t* png = cairo_image_surface_create_from_png((dir + "/out/mini.png").c_str());
    EXPECT_EQ(cairo_surface_status(png), CAIRO_STATUS_SUCCESS);
    int x = static_cast<int>(std::lround(page.x * map.dpi / 72.0)), y = static_cast<int>(std::lround(page.y * map.dpi / 72.0));
    uint32_t v = *reinterpret_cast<const uint32_t*>(cairo_image_surface_get_data(png) + y * cairo_image_surface_get_stride(png) + x * 4);
    cairo_surface_destroy(png);
    return {static_cast<int>((v >> 16) & 0xff), static_cast<int>((v >> 8) & 0xff), static_cast<int>(v & 0xff)};
}

/// `cartelier watch` on a copy of the mini fixture, on a thread, stopping after `rebuilds` rebuilds.
/// The watcher writes `out` and `err` while the test reads them: both are synchronised streams. Leaving the
/// scope early (a failed ASSERT) asks the watcher to stop, then joins it, instead of waiting for rebuilds
/// that will never come.
struct WatchRun {
    explicit WatchRun(const std::string& name, int rebuilds = 2) : dir(test::temp_dir(name)) {
        fs::copy(test::datapath("fixtures/mini"), dir, fs::copy_options::recursive);
        options.project_path = dir + "/cartelier.yaml";
        options.out_dir = dir + "/out";
        options.max_rebuilds = rebuilds;
        watcher = std::thread([this] { pipeline::run_watch(options, out, err, stop); });
    }
    /// Watches the project already in `folder`, with these options.
    WatchRun(std::string folder, pipeline::WatchOptions given) : dir(std::move(folder)), options(std::move(given)) {
        watcher = std::thread([this] { pipeline::run_watch(options, out, err, stop); });
    }
    ~WatchRun() {
        stop = true;
        if (watcher.joinable()) watcher.join();
    }
    WatchRun(const WatchRun&) = delete;
    WatchRun& operator=(const WatchRun&) = delete;
    std::string dir;
    pipeline::WatchOptions options;
    test::SyncedStream out, err;
    std::atomic<bool> stop{false};
    std::thread watcher;
};

/// A copy of the mini fixture whose one map is an atlas `sheets`, a page per site: four sites, two in
/// each département, far enough apart that no page shows another's label.
std::string atlas_project(const std::string& name) {
    const std::string dir = test::temp_dir(name);
    fs::copy(test::datapath("fixtures/mini"), dir, fs::copy_options::recursive);
    write(dir + "/sites.csv", read(dir + "/sites.csv") + "site-c;Troisième;01;2.6;46.3;s-flash\n"
                                                         "site-d;Quatrième;02;3.4;46.7;s-local\n");
    std::string project = read(dir + "/cartelier.yaml");
    project = project.substr(0, project.find("maps:")) +
              "maps:\n  sheets:\n    title: \"{nom_court}\"\n    style: style.json\n    crs: EPSG:2154\n"
              "    dpi: 40\n    formats: [pdf, png]\n    atlas:\n      layer: sites\n      page_name: \"{id}\"\n";
    write(dir + "/cartelier.yaml", project);
    return dir;
}

/// Watch options for the atlas_project in `dir`: every format (the PDFs, and so the series).
pipeline::WatchOptions atlas_watch_options(const std::string& dir, int rebuilds) {
    pipeline::WatchOptions options;
    options.project_path = dir + "/cartelier.yaml";
    options.out_dir = dir + "/out";
    options.all_formats = true;
    options.max_rebuilds = rebuilds;
    return options;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
    return n;
}

}  // namespace

TEST(Watch, SavingAStyleRerendersTheMapAndABrokenStyleKeepsTheLastGoodOutput) {
    WatchRun run("watch");
    const std::string& dir = run.dir;
    const test::SyncedStream &out = run.out, &err = run.err;
    std::thread& watcher = run.watcher;

    const std::string png = dir + "/out/mini.png";
    ASSERT_TRUE(wait_for([&] { return fs::exists(png); })) << "no initial build";
    EXPECT_FALSE(fs::exists(dir + "/out/mini.pdf")) << "watch writes the PNG preview only";
    auto site_a = colour_at(dir, {2.5, 46.5});
    EXPECT_EQ(site_a, (std::array<int, 3>{0xd7, 0x30, 0x1f}));

    // A cartographer changes the flash colour and saves.
    auto first = fs::last_write_time(png);
    std::string style = read(dir + "/style.json");
    std::string changed = style;
    changed.replace(changed.find("\"#d7301f\""), 9, "\"#00ff00\"");
    std::this_thread::sleep_for(20ms);
    write(dir + "/style.json", changed);
    ASSERT_TRUE(wait_for([&] { return fs::last_write_time(png) != first; })) << out.str();
    // The file is renamed into place complete: read it once the watcher reports the rebuild.
    ASSERT_TRUE(wait_for([&] { return colour_at(dir, {2.5, 46.5}) == std::array<int, 3>{0, 255, 0}; }));

    // Then saves a broken style: the error is shown and the last good PNG stays.
    auto second = fs::last_write_time(png);
    std::string broken = changed;
    broken.replace(broken.find("\"fill-color\""), 12, "\"fil-color\"");
    write(dir + "/style.json", broken);
    watcher.join();
    EXPECT_EQ(fs::last_write_time(png), second);
    EXPECT_NE(err.str().find("style.json:9:16:"), std::string::npos) << err.str();
    EXPECT_NE(err.str().find("did you mean 'fill-color'?"), std::string::npos) << err.str();
    EXPECT_NE(out.str().find("mini FAILED (1 error(s)); the last good output is kept"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("mini rebuilt in"), std::string::npos) << out.str();
}

TEST(Watch, DependenciesAreTheProjectTheStyleItsIconsAndTheLayersItDraws) {
    auto files = pipeline::watched_files(test::datapath("fixtures/mini/cartelier.yaml"), {});
    std::set<std::string> names;
    bool icons = false;  // the style's icons folder, as a whole ("…/icons/")
    for (const auto& f : files) {
        if (f.ends_with("/icons/")) icons = true;
        else names.insert(fs::path(f).filename().string());
    }
    EXPECT_EQ(names, (std::set<std::string>{"cartelier.yaml", "style.json", "departements.geojson", "sites.csv",
                                            "sessions.csv", "SOURCES.json"}));
    EXPECT_TRUE(icons);
}

TEST(Watch, AnIconIsAChangeAndAnEditorsSwapFileBesideItIsNot) {
    const std::set<std::string> files{"/p/cartelier.yaml", "/p/style.json", "/p/icons/"};
    EXPECT_TRUE(pipeline::depends_on(files, "/p/style.json"));
    EXPECT_TRUE(pipeline::depends_on(files, "/p/icons/pin.svg"));
    EXPECT_TRUE(pipeline::depends_on(files, "/p/icons/sub/Pin.PNG"));
    EXPECT_FALSE(pipeline::depends_on(files, "/p/icons/pin.svg.swp"));
    EXPECT_FALSE(pipeline::depends_on(files, "/p/icons/.pin.svg.kate-swp"));
    EXPECT_FALSE(pipeline::depends_on(files, "/p/icons/pin.svg~"));
    EXPECT_FALSE(pipeline::depends_on(files, "/p/other.json"));
    EXPECT_FALSE(pipeline::depends_on(files, "/p/iconsx/pin.svg"));
}

TEST(FileWatch, ASaveEndsWhenTheFileCreatedIsClosedNotWhenItIsCreated) {
    const std::string dir = test::temp_dir("filewatch-created");
    pipeline::FileWatch watch;
    watch.watch_directory(fs::canonical(dir).string());
    const std::string file = (fs::canonical(dir) / "layer.geojson").string();
    const std::string first(4096, 'a'), rest(4096, 'b');
    std::thread writer([&] {
        std::ofstream out(file, std::ios::binary);  // created: an event, the save not over
        out << first << std::flush;
        std::this_thread::sleep_for(300ms);  // far longer than the quiet time, within the settle time
        out << rest;
    });  // closed: the save is over
    const std::set<std::string> changed = watch.changes(10000, 5000, 5);
    writer.join();
    EXPECT_EQ(changed, (std::set<std::string>{file}));
    // Told once the file was whole: a rebuild then reads every byte of it.
    EXPECT_EQ(fs::file_size(file), first.size() + rest.size());
}

TEST(FileWatch, AFileMovedInOrClosedEndsTheSaveWithoutWaitingTheSettleTime) {
    const std::string dir = test::temp_dir("filewatch-moved");
    write(dir + "/style.json", "{}");
    pipeline::FileWatch watch;
    watch.watch_directory(fs::canonical(dir).string());
    const std::string target = (fs::canonical(dir) / "style.json").string();
    // Written aside and renamed over the file, as editors save; then written in place.
    for (const bool in_place : {false, true}) {
        if (in_place) {
            std::ofstream(target) << R"({"version": 8})";
        } else {
            write(dir + "/.style.json.tmp", R"({"version": 8, "layers": []})");
            fs::rename(dir + "/.style.json.tmp", target);
        }
        const auto start = std::chrono::steady_clock::now();
        const std::set<std::string> changed = watch.changes(10000, 20000, 5);
        EXPECT_TRUE(changed.count(target)) << "in place: " << in_place;
        // Not the 20 s a save still being written waits for.
        EXPECT_LT(std::chrono::steady_clock::now() - start, 10s) << "in place: " << in_place;
    }
}

TEST(Watch, KeepsTheLoadedLayersAcrossStyleChangesAndReloadsChangedData) {
    WatchRun run("watch-keep");
    const std::string& dir = run.dir;
    const test::SyncedStream &out = run.out, &err = run.err;
    std::thread& watcher = run.watcher;
    const std::string png = dir + "/out/mini.png";
    ASSERT_TRUE(wait_for([&] { return fs::exists(png); })) << "no initial build";
    // "mini rebuilt in 0.21 s (loading layers 0.030 s)" or "… (layers kept in memory)": what the n-th
    // rebuild did with the layers, "" while it has not happened.
    auto layers_of = [&](std::size_t n) {
        const std::string text = out.str();
        std::size_t at = 0;
        for (std::size_t i = 0; i <= n; ++i) {
            at = text.find(" rebuilt in ", at);
            if (at == std::string::npos) return std::string();
            at = text.find('(', at) + 1;
        }
        return text.substr(at, text.find(')', at) - at);
    };
    ASSERT_TRUE(wait_for([&] { return !layers_of(0).empty(); })) << out.str();
    EXPECT_TRUE(layers_of(0).starts_with("loading layers ")) << "the first build loads the layers\n" << out.str();

    // A style change: rendered again from the layers already in memory (no load stage at all).
    auto first = fs::last_write_time(png);
    std::string style = read(dir + "/style.json");
    style.replace(style.find("\"#2171b5\""), 9, "\"#00ff00\"");
    std::this_thread::sleep_for(20ms);
    write(dir + "/style.json", style);
    ASSERT_TRUE(wait_for([&] { return fs::last_write_time(png) != first; })) << out.str();
    ASSERT_TRUE(wait_for([&] { return colour_at(dir, {3.5, 46.5}) == std::array<int, 3>{0, 255, 0}; }));
    ASSERT_TRUE(wait_for([&] { return !layers_of(1).empty(); })) << out.str();
    EXPECT_EQ(layers_of(1), "layers kept in memory") << out.str();

    // A data change: site-b becomes a flash site; the layers are read again and the map shows it.
    std::string sites = read(dir + "/sites.csv");
    sites.replace(sites.rfind("s-local"), 7, "s-flash");
    write(dir + "/sites.csv", sites);
    watcher.join();
    EXPECT_EQ(colour_at(dir, {3.5, 46.5}), (std::array<int, 3>{0xd7, 0x30, 0x1f})) << out.str() << err.str();
    EXPECT_TRUE(layers_of(2).starts_with("loading layers ")) << out.str();
}

// A data file saved while no map draws it is still an edit of its layer: when a style draws that layer
// again, the map shows the file as saved, not the layer as an earlier rebuild held it in memory.
TEST(Watch, ADataFileSavedWhileNoMapDrawsItIsReadAgainWhenAMapDrawsItAgain) {
    WatchRun run("watch-undrawn");
    const std::string& dir = run.dir;
    const test::SyncedStream& out = run.out;
    const std::string png = dir + "/out/mini.png";
    ASSERT_TRUE(wait_for([&] { return fs::exists(png); })) << "no initial build";
    ASSERT_EQ(colour_at(dir, {2.5, 46.5}), (std::array<int, 3>{0xd7, 0x30, 0x1f})) << "site-a, a flash site";

    // The sites taken out of the style: the map no longer draws them.
    const std::string style = read(dir + "/style.json");
    std::string without = style;
    const auto from = without.find("    {\"id\": \"sites\"");
    const auto to = without.rfind("  ]");
    ASSERT_NE(from, std::string::npos);
    without = without.substr(0, from) + "    {\"id\": \"none\", \"type\": \"background\", \"maxzoom\": 0, "
                                        "\"paint\": {\"background-color\": \"#000000\"}}\n" + without.substr(to);
    auto first = fs::last_write_time(png);
    std::this_thread::sleep_for(20ms);
    write(dir + "/style.json", without);
    ASSERT_TRUE(wait_for([&] { return fs::last_write_time(png) != first; })) << out.str();
    ASSERT_TRUE(wait_for([&] { return colour_at(dir, {2.5, 46.5}) != std::array<int, 3>{0xd7, 0x30, 0x1f}; }));

    // site-a becomes a local site while no map draws the sites: nothing to rebuild.
    std::string sites = read(dir + "/sites.csv");
    sites.replace(sites.find("s-flash"), 7, "s-local");
    write(dir + "/sites.csv", sites);
    std::this_thread::sleep_for(800ms);  // the watcher sees the save (and rebuilds nothing)

    // The style back: site-a is drawn as the file says now, a local site.
    write(dir + "/style.json", style);
    run.watcher.join();
    EXPECT_EQ(colour_at(dir, {2.5, 46.5}), (std::array<int, 3>{0x21, 0x71, 0xb5})) << out.str();
}

// An atlas under watch: saving a data file that changes one page's feature rebuilds that page and the
// series, and the output says so — that page and the series each on a line, the pages found up to date
// in one line — instead of calling every page of the series "rebuilt".
TEST(Watch, AnAtlasEditRebuildsOnePageAndTellsThePagesUpToDateInOneLine) {
    const std::string dir = atlas_project("watch-atlas");
    WatchRun run(dir, atlas_watch_options(dir, 1));
    const test::SyncedStream &out = run.out, &err = run.err;
    std::thread& watcher = run.watcher;

    const std::string series = dir + "/out/sheets.pdf";
    ASSERT_TRUE(wait_for([&] { return out.str().find("watching") != std::string::npos; })) << out.str() << err.str();
    ASSERT_TRUE(fs::exists(series)) << out.str() << err.str();
    const std::string first = out.str();
    for (const char* page : {"site-a", "site-b", "site-c", "site-d"})
        EXPECT_NE(first.find(fmt::format("sheets/{} rebuilt in", page)), std::string::npos) << first;
    EXPECT_NE(first.find("sheets series PDF assembled in"), std::string::npos) << first;

    // One site renamed: its page and the series, nothing else.
    std::string sites = read(dir + "/sites.csv");
    sites.replace(sites.find("Troisième"), std::string("Troisième").size(), "Troisième bis");
    std::this_thread::sleep_for(20ms);
    write(dir + "/sites.csv", sites);
    watcher.join();
    const std::string second = out.str().substr(first.size());
    EXPECT_NE(second.find("sheets/site-c rebuilt in"), std::string::npos) << second;
    EXPECT_NE(second.find("sheets series PDF assembled in"), std::string::npos) << second;
    EXPECT_NE(second.find("sheets/… 3 of its 4 pages up to date"), std::string::npos) << second;
    for (const char* page : {"site-a", "site-b", "site-d"})
        EXPECT_EQ(second.find(fmt::format("sheets/{} ", page)), std::string::npos) << second;
    // The sites were read again for this rebuild (their file changed): the page does not say "kept in
    // memory"; the départements, which the saved file does not feed, were kept, and the output says so.
    EXPECT_EQ(second.find("(layers kept in memory)"), std::string::npos) << second;
    EXPECT_NE(second.find("(layers loaded by this rebuild)"), std::string::npos) << second;
    EXPECT_NE(second.find("layers kept in memory: departements; loaded again if drawn: sites\n"), std::string::npos)
        << second;
}

// A problem every page of an atlas shares (a style typo) is printed once per rebuild, as `build` prints
// it, not once per page: 101 copies of one line would hide any other. Each page still says it failed.
TEST(Watch, AProblemThePagesOfAnAtlasShareIsPrintedOnce) {
    const std::string dir = atlas_project("watch-atlas-shared-error");
    WatchRun run(dir, atlas_watch_options(dir, 1));
    ASSERT_TRUE(wait_for([&] { return run.out.str().find("watching") != std::string::npos; }))
        << run.out.str() << run.err.str();
    const std::string first = run.out.str();
    EXPECT_EQ(run.err.str(), "") << "the first build has nothing to say";

    std::string style = read(dir + "/style.json");
    style.replace(style.find("\"fill-color\""), 12, "\"fill-colr\"");
    std::this_thread::sleep_for(20ms);
    write(dir + "/style.json", style);
    run.watcher.join();
    const std::string out = run.out.str().substr(first.size()), err = run.err.str();
    EXPECT_EQ(occurrences(err, "unknown paint property 'fill-colr'"), 1u) << err;
    EXPECT_NE(err.find("style.json:"), std::string::npos) << err;
    EXPECT_NE(err.find("(3 line(s) repeated by other maps or pages printed once above"), std::string::npos) << err;
    for (const char* page : {"site-a", "site-b", "site-c", "site-d"})
        EXPECT_NE(out.find(fmt::format("sheets/{} FAILED (1 error(s)); the last good output is kept", page)),
                  std::string::npos)
            << out;
}

namespace {

/// Watches the atlas_project in `dir` (every format), saves `file` (in `dir`) with `from` replaced by
/// `to` once the first build is done, and returns what the rebuild after it printed.
std::string watch_one_save(const std::string& dir, const std::string& file, const std::string& from,
                           const std::string& to) {
    WatchRun run(dir, atlas_watch_options(dir, 1));
    EXPECT_TRUE(wait_for([&] { return run.out.str().find("watching") != std::string::npos; }))
        << run.out.str() << run.err.str();
    const std::string first = run.out.str();
    std::string text = read(dir + "/" + file);
    const std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at == std::string::npos) return {};
    text.replace(at, from.size(), to);
    std::this_thread::sleep_for(20ms);
    write(dir + "/" + file, text);
    run.watcher.join();
    return run.out.str().substr(first.size()) + run.err.str();
}

/// Builds the project in `dir` once into out-once; each of `files` (under out/) must be the same bytes.
void expect_one_shot_bytes(const std::string& dir, const std::vector<std::string>& files) {
    pipeline::BuildOptions once;
    once.out_dir = dir + "/out-once";
    ASSERT_EQ(pipeline::run_build(pipeline::load_project(dir + "/cartelier.yaml"), once).exit_code(), 0);
    for (const auto& name : files) {
        SCOPED_TRACE(name);
        const std::string watched = read(dir + "/out/" + name), built_once = read(once.out_dir + "/" + name);
        ASSERT_GT(watched.size(), 1000u);
        EXPECT_TRUE(watched == built_once);
    }
}

}  // namespace

// A page a watch draws again measures its names from the metrics it kept (layout::TextMetricsMemo),
// not with Pango: its PDF and PNG, and the series, are still those a one-shot build makes, byte for byte.
TEST(Watch, APageDrawnAgainWithTheTextMetricsItKeptIsTheOneShotBuildsPage) {
    const std::string dir = atlas_project("watch-atlas-text-metrics");
    // The land's fill: every page drawn again, each label the same text as before.
    const std::string said = watch_one_save(dir, "style.json", "#fbf8f1", "#f4efe2");
    std::vector<std::string> files = {"sheets.pdf"};
    for (const char* page : {"site-a", "site-b", "site-c", "site-d"}) {
        ASSERT_NE(said.find(fmt::format("sheets/{} rebuilt in", page)), std::string::npos) << said;
        for (const char* ext : {".pdf", ".png"}) files.push_back(fmt::format("sheets/{}{}", page, ext));
    }
    expect_one_shot_bytes(dir, files);
}

// The same after the page's resolution changed: the PNG's text metrics kept at 40 dpi are not those
// of the page at 72 dpi, which is then the one-shot build's, byte for byte.
TEST(Watch, APageDrawnAtAnotherResolutionIsTheOneShotBuildsPage) {
    const std::string dir = atlas_project("watch-atlas-text-metrics-dpi");
    const std::string said = watch_one_save(dir, "cartelier.yaml", "dpi: 40", "dpi: 72");
    ASSERT_NE(said.find("sheets/site-a rebuilt in"), std::string::npos) << said;
    std::vector<std::string> files;
    for (const char* page : {"site-a", "site-b", "site-c", "site-d"}) files.push_back(fmt::format("sheets/{}.png", page));
    expect_one_shot_bytes(dir, files);
}

// An atlas page in a CRS of its own takes its extent from its feature projected there; a watch keeps
// those bounds by the feature's points (the other pages' features are not projected again). A
// département whose outline is edited gets the extent of its new outline: its page under watch is, byte
// for byte, the page a separate `cartelier build` process makes of the edited data.
TEST(Watch, APageInACrsOfItsOwnTakesTheExtentOfItsEditedFeature) {
    const std::string dir = test::temp_dir("watch-atlas-page-crs");
    fs::copy(test::datapath("fixtures/mini"), dir, fs::copy_options::recursive);
    std::string project = read(dir + "/cartelier.yaml");
    project = project.substr(0, project.find("maps:")) +
              "maps:\n  deps:\n    title: \"{nom}\"\n    style: style.json\n    crs: EPSG:2154\n"
              "    dpi: 40\n    formats: [png]\n    atlas:\n      layer: departements\n      page_name: \"{code}\"\n"
              "      crs: {field: code, values: {\"02\": \"EPSG:32631\"}}\n";
    write(dir + "/cartelier.yaml", project);
    pipeline::WatchOptions options = atlas_watch_options(dir, 1);
    WatchRun run(dir, options);
    ASSERT_TRUE(wait_for([&] { return run.out.str().find("watching") != std::string::npos; }))
        << run.out.str() << run.err.str();
    const std::string first = run.out.str();
    const std::string before = read(dir + "/out/deps/02.png");
    // Département 02 loses its eastern fifth: [3, 4] → [3, 3.8] in longitude.
    std::string outlines = read(dir + "/departements.geojson");
    const std::string east = "[[[3.0, 46.0], [4.0, 46.0], [4.0, 47.0], [3.0, 47.0], [3.0, 46.0]]]";
    ASSERT_NE(outlines.find(east), std::string::npos);
    outlines.replace(outlines.find(east), east.size(), "[[[3.0, 46.0], [3.8, 46.0], [3.8, 47.0], [3.0, 47.0], [3.0, 46.0]]]");
    std::this_thread::sleep_for(20ms);
    write(dir + "/departements.geojson", outlines);
    run.watcher.join();
    const std::string second = run.out.str().substr(first.size());
    ASSERT_NE(second.find("deps/02 rebuilt in"), std::string::npos) << second << run.err.str();
    const std::string watched = read(dir + "/out/deps/02.png");
    EXPECT_FALSE(watched == before);

    const test::CommandResult once = test::run(fmt::format("{} build -p {}/cartelier.yaml -o {}/out-once 2>&1",
                                                           test::cartelier_binary(), dir, dir));
    ASSERT_EQ(once.status, 0) << once.output;
    const std::string built_once = read(dir + "/out-once/deps/02.png");
    ASSERT_GT(built_once.size(), 1000u);
    EXPECT_TRUE(watched == built_once);
}

// `watch --map` with a typo: an error at once naming the id, with the project's map as a suggestion
// (exit 2, as `build`). It watched every map of the project instead, without a word.
TEST(Watch, AMapIdThatIsNotTheProjectsIsAnErrorNotAWatchOfEveryMap) {
    const std::string dir = test::temp_dir("watch-unknown-map");
    fs::copy(test::datapath("fixtures/mini"), dir, fs::copy_options::recursive);
    pipeline::WatchOptions options;
    options.project_path = dir + "/cartelier.yaml";
    options.out_dir = dir + "/out";
    options.maps = {"mnii"};
    options.max_rebuilds = 0;
    std::ostringstream out, err;
    const std::atomic<bool> stop{false};
    EXPECT_EQ(pipeline::run_watch(options, out, err, stop), 2);
    EXPECT_NE(err.str().find("no map 'mnii' in the project"), std::string::npos) << err.str();
    EXPECT_NE(err.str().find("mini"), std::string::npos) << err.str();
    EXPECT_FALSE(fs::exists(dir + "/out/mini.png")) << out.str();
}

// A page of an atlas (ATLAS/PAGE) is watched with its atlas's files, and built alone.
TEST(Watch, AnAtlasPageAskedForIsBuiltAlone) {
    const std::string dir = atlas_project("watch-atlas-one-page");
    pipeline::WatchOptions options = atlas_watch_options(dir, 0);
    options.maps = {"sheets/site-c"};
    std::ostringstream out, err;
    const std::atomic<bool> stop{false};
    EXPECT_EQ(pipeline::run_watch(options, out, err, stop), 0) << err.str();
    EXPECT_TRUE(fs::exists(dir + "/out/sheets/site-c.png")) << out.str() << err.str();
    EXPECT_FALSE(fs::exists(dir + "/out/sheets/site-a.png")) << out.str();
    EXPECT_FALSE(fs::exists(dir + "/out/mini.png")) << out.str();
}

// A warning about a layer the maps share (an optional join left unmatched) is printed by each rebuild, as
// `build` prints it: a watch showed nothing of it.
TEST(Watch, TheSharedLayersWarningsArePrinted) {
    const std::string dir = test::temp_dir("watch-shared-warning");
    fs::copy(test::datapath("fixtures/mini"), dir, fs::copy_options::recursive);
    std::string project = read(dir + "/cartelier.yaml");
    project.replace(project.find("        fields: [dispositif, year]\n"), 35,
                    "        fields: [dispositif, year]\n        required: false\n");
    write(dir + "/cartelier.yaml", project);
    write(dir + "/sites.csv", read(dir + "/sites.csv") + "site-z;Zed;01;2.7;46.4;s-none\n");
    pipeline::WatchOptions options;
    options.project_path = dir + "/cartelier.yaml";
    options.out_dir = dir + "/out";
    options.max_rebuilds = 0;  // the first build, then stop
    WatchRun run(dir, options);
    run.watcher.join();
    const std::string err = run.err.str();
    EXPECT_EQ(occurrences(err, "'session' = 's-none' has no row in"), 1u) << err;
    EXPECT_NE(err.find("sites.csv:4: warning:"), std::string::npos) << err;
    EXPECT_NE(run.out.str().find("mini rebuilt in"), std::string::npos) << run.out.str();
}
