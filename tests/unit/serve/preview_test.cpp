// The preview session (serve/preview.hpp) on a copy of the two-département fixture: each save renders
// the map again (the previous rendering kept to compare); a broken style or project file keeps the last
// good rendering with the errors; a data file saved loads the layers again.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "geo/projection.hpp"
#include "serve/preview.hpp"
#include "test_paths.hpp"
#include "text_files.hpp"

using namespace cartelier;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

void replace(std::string& text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
}

/// A session on a copy of the fixture, its rendering thread running; stopped and joined at the end.
struct Session {
    std::string dir;
    std::unique_ptr<serve::PreviewSession> session;
    std::thread thread;

    explicit Session(const std::string& name) : dir(test::temp_dir(name)) {
        fs::copy(test::datapath("fixtures/mini"), dir, fs::copy_options::recursive);
        serve::PreviewOptions options;
        options.project_path = dir + "/cartelier.yaml";
        options.out_dir = dir + "/out";
        session = std::make_unique<serve::PreviewSession>(options);
    }
    void run() {
        thread = std::thread([this] { session->run(); });
    }
    ~Session() {
        session->stop();
        if (thread.joinable()) thread.join();
    }
    /// Waits until `condition` holds for the map's state (20 s at most).
    bool wait(const std::function<bool(const serve::MapSnapshot&)>& condition) {
        const auto end = std::chrono::steady_clock::now() + 20s;
        std::uint64_t seen = 0;
        while (std::chrono::steady_clock::now() < end) {
            if (auto m = session->map("mini"); m && condition(*m)) return true;
            seen = session->wait_change(seen, 200ms);
        }
        return false;
    }
};

TEST(PreviewSession, EachSaveRendersAgainAndABrokenStyleKeepsTheLastGoodRendering) {
    Session s("preview-style");
    ASSERT_TRUE(s.session->start());
    EXPECT_EQ(s.session->map_ids(), std::vector<std::string>{"mini"});
    s.run();
    ASSERT_TRUE(s.wait([](const auto& m) { return m.current && m.current->version == 1; }));
    const auto first = *s.session->map("mini");
    EXPECT_FALSE(first.previous);
    EXPECT_GE(first.current->bands.size(), 2u);
    EXPECT_EQ(first.current->dpi, 100);
    EXPECT_EQ(first.current->bands[0]->substr(1, 3), "PNG");

    std::string style = test::read_text(s.dir + "/style.json");
    replace(style, "#ddeeff", "#113355");
    test::save_text(s.dir + "/style.json", style);
    ASSERT_TRUE(s.wait([](const auto& m) { return m.current && m.current->version == 2; }));
    auto second = *s.session->map("mini");
    ASSERT_TRUE(second.previous);
    EXPECT_EQ(second.previous->version, 1u);
    EXPECT_TRUE(*second.previous->bands[0] == *first.current->bands[0]);
    EXPECT_FALSE(*second.current->bands[0] == *first.current->bands[0]);
    ASSERT_EQ(second.changed.size(), 1u);
    EXPECT_NE(second.changed[0].find("style.json"), std::string::npos);

    replace(style, "\"line-width\": 0.5", "\"line-width\": \"wide\"");
    test::save_text(s.dir + "/style.json", style);
    ASSERT_TRUE(s.wait([](const auto& m) { return !m.errors.empty(); }));
    const auto broken = *s.session->map("mini");
    EXPECT_EQ(broken.current->version, 2u);  // the last good rendering stays
    EXPECT_NE(broken.errors.format().find("style.json:"), std::string::npos) << broken.errors.format();
    EXPECT_NE(broken.errors.format().find("line-width"), std::string::npos);
    const std::string json = serve::snapshot_json(broken, s.session->problems());
    EXPECT_NE(json.find("\"errors\":[{"), std::string::npos);
    EXPECT_NE(json.find("expected a number"), std::string::npos);

    replace(style, "\"line-width\": \"wide\"", "\"line-width\": 0.5");
    test::save_text(s.dir + "/style.json", style);
    ASSERT_TRUE(s.wait([](const auto& m) { return m.errors.empty() && m.current->version == 3; }));
}

TEST(PreviewSession, ABrokenProjectFileShowsItsErrorsAndADataFileSavedIsLoadedAgain) {
    Session s("preview-project");
    ASSERT_TRUE(s.session->start());
    s.run();
    ASSERT_TRUE(s.wait([](const auto& m) { return m.current && m.current->version == 1; }));

    const std::string good = test::read_text(s.dir + "/cartelier.yaml");
    std::string broken = good;
    replace(broken, "    style: style.json", "    style: style.json\n    dpi: lots");
    test::save_text(s.dir + "/cartelier.yaml", broken);
    std::uint64_t seen = 0;
    for (int i = 0; i < 100 && s.session->problems().empty(); ++i) seen = s.session->wait_change(seen, 200ms);
    const Diagnostics problems = s.session->problems();
    ASSERT_FALSE(problems.empty());
    EXPECT_NE(problems.format().find("cartelier.yaml:"), std::string::npos) << problems.format();
    EXPECT_EQ(s.session->map("mini")->current->version, 1u);
    EXPECT_NE(serve::snapshot_json(*s.session->map("mini"), problems).find("cartelier.yaml"), std::string::npos);

    test::save_text(s.dir + "/cartelier.yaml", good);
    ASSERT_TRUE(s.wait([&](const auto& m) { return m.current->version == 2 && s.session->problems().empty(); }));

    // site-a moves 0.3° east: the inspector finds it there once the layer is read again.
    std::string sites = test::read_text(s.dir + "/sites.csv");
    replace(sites, "2,5;46,5", "2,8;46,5");
    test::save_text(s.dir + "/sites.csv", sites);
    ASSERT_TRUE(s.wait([](const auto& m) { return m.current->version == 3; }));
    const auto m = *s.session->map("mini");
    const auto& frame = m.current->frames.front();
    const Point at = frame.view.to_page(geo::Transformation("EPSG:4326", frame.crs).transform({2.8, 46.5}));
    bool found = false;
    for (const auto& f : m.current->inspector->inspect(at).features) found = found || f.id == "site-a";
    EXPECT_TRUE(found);
}

TEST(PreviewSession, AnIconSavedIsDrawnAgainAndABrokenIconNamesItsFile) {
    Session s("preview-icon");
    const std::string square = R"(<svg xmlns="http://www.w3.org/2000/svg" width="12" height="12">)"
                               R"(<rect width="12" height="12" fill="#COLOUR"/></svg>)";
    auto icon = [&](const std::string& colour) {
        std::string svg = square;
        replace(svg, "COLOUR", colour);
        return svg;
    };
    fs::create_directories(s.dir + "/icons");
    test::save_text(s.dir + "/icons/square.svg", icon("00aa00"));
    std::string style = test::read_text(s.dir + "/style.json");
    replace(style, R"(    {"id": "labels")", R"(    {"id": "squares", "type": "symbol", "source": "cartelier", "source-layer": "sites",
     "layout": {"icon-image": "square", "icon-size": 2}},
    {"id": "labels")");
    test::save_text(s.dir + "/style.json", style);
    ASSERT_TRUE(s.session->start());
    s.run();
    ASSERT_TRUE(s.wait([](const auto& m) { return m.current && m.current->version == 1; }));
    const auto first = *s.session->map("mini");
    ASSERT_TRUE(first.errors.empty()) << first.errors.format();

    test::save_text(s.dir + "/icons/square.svg", icon("aa00aa"));
    ASSERT_TRUE(s.wait([](const auto& m) { return m.current->version == 2; }));
    const auto second = *s.session->map("mini");
    ASSERT_EQ(second.changed.size(), 1u);  // not the editor's swap file beside it (text_files.hpp)
    EXPECT_NE(second.changed[0].find("icons/square.svg"), std::string::npos) << second.changed[0];
    std::size_t differing = 0;
    for (std::size_t b = 0; b < second.current->bands.size(); ++b)
        differing += *second.current->bands[b] != *first.current->bands[b];
    EXPECT_GT(differing, 0u) << "the new colour of the icon is not in the rendering";

    // A file that is no image: its path in the errors, the last good rendering kept.
    test::save_text(s.dir + "/icons/square.svg", "<svg oops");
    ASSERT_TRUE(s.wait([](const auto& m) { return !m.errors.empty(); }));
    const auto broken = *s.session->map("mini");
    EXPECT_EQ(broken.current->version, 2u);
    EXPECT_NE(broken.errors.format().find("icons/square.svg"), std::string::npos) << broken.errors.format();

    test::save_text(s.dir + "/icons/square.svg", icon("0000aa"));
    ASSERT_TRUE(s.wait([](const auto& m) { return m.errors.empty() && m.current->version == 3; }));
}

TEST(PreviewSession, AnUnknownMapIsTheCallersMistake) {
    serve::PreviewOptions options;
    options.project_path = test::datapath("fixtures/mini/cartelier.yaml");
    options.maps = {"mnii"};
    options.out_dir = test::temp_dir("preview-unknown") + "/out";
    serve::PreviewSession session(options);
    try {
        session.start();
        FAIL() << "an unknown map was accepted";
    } catch (const Error& e) {
        EXPECT_NE(e.diagnostics().format().find("no map 'mnii'"), std::string::npos);
        EXPECT_NE(e.diagnostics().format().find("did you mean 'mini'"), std::string::npos);
    }
}

}  // namespace
