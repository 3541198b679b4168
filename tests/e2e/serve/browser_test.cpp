// `cartelier serve` in a real browser (headless Chromium through WebDriver): the page follows the
// style file as it is saved, shows a broken style's errors over the last good image and clears them
// when fixed, and its inspector answers "why is this site this colour?".
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "geo/projection.hpp"
#include "serve_fixture.hpp"
#include "webdriver.hpp"

using namespace cartelier;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// The colour (r, g, b) of the displayed page at a page point (points), read back from the band images
/// shown in the page.
const char* kPixelAt = R"(
  const [xPt, yPt] = arguments;
  const s = cartelierPreview.state.current;
  const px = Math.round(xPt * s.dpi / 72), py = Math.round(yPt * s.dpi / 72);
  const images = [...document.getElementById('current').children];
  const i = s.bands.findIndex(b => py >= b.y && py < b.y + b.height);
  const c = document.createElement('canvas');
  c.width = 1; c.height = 1;
  const g = c.getContext('2d');
  g.drawImage(images[i], px, py - s.bands[i].y, 1, 1, 0, 0, 1, 1);
  return [...g.getImageData(0, 0, 1, 1).data.slice(0, 3)];
)";

struct Preview : ::testing::Test {
    test::ServedProject project;
    std::unique_ptr<test::WebDriver> browser;

    void SetUp() override {
        if (!fs::exists(test::sourcepath("layers/cache/departements.geojson")))
            GTEST_SKIP() << "layers/cache is empty: run scripts/fetch-layers.sh";
        ASSERT_NO_FATAL_FAILURE(project.start(::testing::UnitTest::GetInstance()->current_test_info()->name(),
                                              {"--map", "flash"}));
        browser = std::make_unique<test::WebDriver>(project.dir + "/chromedriver.log");
        browser->navigate(project.url + "map/flash");
        ASSERT_TRUE(browser->wait_until("return window.cartelierPreview && cartelierPreview.version >= 1", 60s))
            << project.server->output();
    }
    int version() { return browser->execute("return cartelierPreview.version").get<int>(); }
};

TEST_F(Preview, SavingTheStyleShowsTheNewRenderingAndABrokenStyleItsErrorsOverTheLastGoodImage) {
    const std::string style_path = project.dir + "/styles/flash.json";
    const std::string good = test::read_text(style_path);
    ASSERT_NE(good.find("\"background-color\": \"#"), std::string::npos);
    // A corner of the main frame is sea: the style's background colour.
    const auto frame = browser->execute("return cartelierPreview.state.current.frames[0].frame");
    const double sea_x = frame[0].get<double>() + 4, sea_y = frame[1].get<double>() + 4;
    const auto before = browser->execute(kPixelAt, {sea_x, sea_y});

    // 1. Save a new sea colour: the page shows it, without a reload.
    std::string edited = std::regex_replace(good, std::regex(R"("background-color": "#[0-9a-fA-F]+")"),
                                            R"("background-color": "#c03a8e")", std::regex_constants::format_first_only);
    ASSERT_NE(edited, good);
    const std::int64_t saved = now_ms();
    test::save_text(style_path, edited);
    ASSERT_TRUE(browser->wait_until("return cartelierPreview.version >= 2", 20s)) << project.server->output();
    const std::int64_t shown = browser->execute("return cartelierPreview.displayedAt").get<std::int64_t>();
    std::cout << "save → new image displayed: " << (shown - saved) << " ms\n";
    EXPECT_LT(shown - saved, 5000);
    // The new rendering's band edges are on screen pixels too.
    for (const auto& edge : browser->execute("return cartelierPreview.bandEdges()"))
        EXPECT_NEAR(edge.get<double>(), std::round(edge.get<double>()), 1e-6);
    const auto after = browser->execute(kPixelAt, {sea_x, sea_y});
    EXPECT_NE(after, before);
    EXPECT_NEAR(after[0].get<int>(), 0xc0, 2);
    EXPECT_NEAR(after[1].get<int>(), 0x3a, 2);
    EXPECT_NEAR(after[2].get<int>(), 0x8e, 2);
    EXPECT_EQ(browser->execute("return document.title").get<std::string>().find("flash"), 0u);
    EXPECT_TRUE(browser->execute("return /rendered in [0-9.]+ s/.test(document.getElementById('status').textContent)").get<bool>());

    // 2. Break it: the error panel names the file, line and property; the last good image stays.
    const std::string broken = std::regex_replace(edited, std::regex(R"("line-width": 0\.9)"), R"("line-width": "wide")",
                                                  std::regex_constants::format_first_only);
    ASSERT_NE(broken, edited);
    const int line = test::line_of(broken, "\"line-width\": \"wide\"");
    test::save_text(style_path, broken);
    ASSERT_TRUE(browser->wait_until("return cartelierPreview.errors.length > 0", 20s)) << project.server->output();
    const std::string panel = browser->execute("return document.getElementById('errors').innerText").get<std::string>();
    EXPECT_NE(panel.find("flash.json:" + std::to_string(line) + ":"), std::string::npos) << panel;
    EXPECT_NE(panel.find("line-width"), std::string::npos) << panel;
    EXPECT_NE(panel.find("expected a number"), std::string::npos) << panel;
    EXPECT_TRUE(browser->execute("return getComputedStyle(document.getElementById('errors')).display !== 'none'").get<bool>());
    EXPECT_EQ(version(), 2);
    const auto kept = browser->execute(kPixelAt, {sea_x, sea_y});
    EXPECT_EQ(kept, after) << "the last good image is no longer shown";

    // 3. Fix it: the panel clears and the fixed rendering is shown.
    test::save_text(style_path, good);
    ASSERT_TRUE(browser->wait_until("return cartelierPreview.version >= 3 && cartelierPreview.errors.length === 0", 20s))
        << project.server->output();
    EXPECT_TRUE(browser->execute("return getComputedStyle(document.getElementById('errors')).display === 'none'").get<bool>());
    EXPECT_EQ(browser->execute(kPixelAt, {sea_x, sea_y}), before);

    // 4. Compare: the previous rendering (the magenta sea) under the swipe's left half.
    browser->execute("document.getElementById('compare').click(); return true");
    EXPECT_TRUE(browser->execute("return document.body.classList.contains('compare')").get<bool>());
    EXPECT_EQ(browser->execute("return document.getElementById('previous').children.length").get<int>(),
              browser->execute("return cartelierPreview.state.current.bands.length").get<int>());
}

TEST_F(Preview, ClickingASiteShowsItsIdSessionAndEvaluatedColourWithTheStyleLine) {
    // Bar-le-Duc (layers/sites.csv) on the page: WGS84 → the main frame's CRS → page points.
    const auto f = browser->execute("return cartelierPreview.state.current.frames[0]");
    const Point m = geo::Transformation("EPSG:4326", f["crs"].get<std::string>()).transform({5.14520, 48.76221});
    const double x = f["frame"][0].get<double>() + (m.x - f["extent"][0].get<double>()) * f["scale"].get<double>();
    const double y = f["frame"][1].get<double>() + (f["extent"][3].get<double>() - m.y) * f["scale"].get<double>();
    // Zoom in on it with the mouse wheel (the page keeps the point under the cursor), then click it.
    const double fit_scale = browser->execute("return cartelierPreview.scale()").get<double>();
    auto client = browser->execute("return cartelierPreview.clientPointOf(arguments[0], arguments[1])", {x, y});
    browser->wheel_at(client["x"].get<double>(), client["y"].get<double>(), -400);
    ASSERT_TRUE(browser->wait_until("return cartelierPreview.scale() > " + std::to_string(fit_scale * 1.5), 5s));
    // Where two bands meet, the edge is on a screen pixel (else the background shows through as a seam).
    for (const auto& edge : browser->execute("return cartelierPreview.bandEdges()"))
        EXPECT_NEAR(edge.get<double>(), std::round(edge.get<double>()), 1e-6);
    client = browser->execute("return cartelierPreview.clientPointOf(arguments[0], arguments[1])", {x, y});
    browser->click_at(client["x"].get<double>(), client["y"].get<double>());
    ASSERT_TRUE(browser->wait_until("return cartelierPreview.inspectedAt > 0", 10s));
    const auto inspection = browser->execute("return cartelierPreview.inspection");
    EXPECT_EQ(inspection["in_frame"], true);
    EXPECT_LT(inspection["seconds"].get<double>(), 0.05);
    const nlohmann::json* site = nullptr;
    for (const auto& feature : inspection["features"])
        if (feature["layer"] == "sites") site = &feature;
    ASSERT_NE(site, nullptr) << inspection.dump(1);
    EXPECT_EQ((*site)["id"], "flash-bar-le-duc");
    std::map<std::string, nlohmann::json> attributes;
    for (const auto& a : (*site)["attributes"]) attributes[a["name"]] = a["value"];
    EXPECT_EQ(attributes["session"], "flash-2019");
    EXPECT_EQ(attributes["dispositif"], "flash");
    const std::string style_text = test::read_text(project.dir + "/styles/flash.json");
    const nlohmann::json* colour = nullptr;
    for (const auto& s : (*site)["styles"])
        if (s["id"] == "sites")
            for (const auto& p : s["properties"])
                if (p["name"] == "circle-color") colour = &p;
    ASSERT_NE(colour, nullptr) << site->dump(1);
    EXPECT_EQ((*colour)["value"], "rgba(215,48,31,1)");  // "#d7301f", the match's "flash" arm
    EXPECT_EQ((*colour)["where"]["line"], test::line_of(style_text, "\"circle-color\""));
    EXPECT_EQ((*colour)["default"], false);
    // The panel shows them.
    const std::string panel = browser->execute("return document.getElementById('inspector').innerText").get<std::string>();
    EXPECT_NE(panel.find("flash-bar-le-duc"), std::string::npos) << panel;
    EXPECT_NE(panel.find("flash-2019"), std::string::npos) << panel;
    EXPECT_NE(panel.find("rgba(215,48,31,1)"), std::string::npos) << panel;
    EXPECT_NE(panel.find("flash.json:" + std::to_string(test::line_of(style_text, "\"circle-color\""))), std::string::npos) << panel;

    // The screenshot of the README (reviewed before it is committed: CARTELIER_UPDATE_SCREENSHOT=1).
    const std::string png = browser->screenshot_png();
    ASSERT_GT(png.size(), 1000u);
    const std::string target = std::getenv("CARTELIER_UPDATE_SCREENSHOT")
                                   ? test::datapath("e2e/serve/preview-inspector.png")
                                   : project.dir + "/preview-inspector.png";
    std::ofstream(target, std::ios::binary) << png;
    std::cout << "screenshot: " << target << '\n';
}

}  // namespace
