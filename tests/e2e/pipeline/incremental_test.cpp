// Issue 5, incremental builds: a map is rebuilt only when something it depends on changed, and
// `cartelier list` says which.
#include <sys/stat.h>

#include <cairo.h>
#include <gtest/gtest.h>

#include "nightly_fixture.hpp"

using namespace cartelier;
using namespace cartelier::test::nightly;

TEST(Incremental, AnUnchangedRebuildDoesNothingAndSaysUpToDate) {
    std::string dir = make_project("inc-noop");
    auto first = run_cartelier(dir);
    ASSERT_EQ(first.status, 0) << first.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "built"}, {"beta", "built"}, {"gamma", "built"}}));
    auto times = output_times(dir);
    ASSERT_EQ(times.size(), 12u);  // PDF, PNG, and the PNG's .pgw and .png.aux.xml, for 3 maps

    auto second = run_cartelier(dir);
    ASSERT_EQ(second.status, 0) << second.output;
    for (const char* id : {"alpha", "beta", "gamma"})
        EXPECT_NE(second.output.find(fmt::format("up to date {}", id)), std::string::npos) << second.output;
    EXPECT_EQ(second.output.find("built "), std::string::npos) << second.output;
    EXPECT_NE(second.output.find("3 map(s): 0 built, 3 up to date, 0 failed"), std::string::npos) << second.output;
    auto r = report(dir);
    EXPECT_EQ(statuses(r), (std::map<std::string, std::string>{{"alpha", "up to date"}, {"beta", "up to date"}, {"gamma", "up to date"}}));
    // Nothing was loaded, rendered or written.
    for (const auto& m : r["maps"])
        for (const auto& [stage, seconds] : m["stages"].items()) EXPECT_EQ(seconds.get<double>(), 0.0) << stage;
    EXPECT_EQ(output_times(dir), times);

    auto list = test::run(fmt::format("{} list -p {}/cartelier.yaml -o {}/out", test::cartelier_binary(), dir, dir));
    EXPECT_EQ(list.status, 0) << list.output;
    EXPECT_NE(list.output.find("alpha        up to date"), std::string::npos) << list.output;
    EXPECT_EQ(list.output.find("stale"), std::string::npos) << list.output;
}

TEST(Incremental, ChangingOneStyleRebuildsOnlyItsMapsAndTouchingItRebuildsNothing) {
    std::string dir = make_project("inc-style");
    ASSERT_EQ(run_cartelier(dir).status, 0);

    // A touch (same content, new mtime) is not a change.
    test::run(fmt::format("touch -d '+1 hour' {}/a.json {}/b.json {}/sites.csv", dir, dir, dir));
    auto touched = run_cartelier(dir);
    ASSERT_EQ(touched.status, 0) << touched.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "up to date"}, {"beta", "up to date"}, {"gamma", "up to date"}}));
    // Each state records the new stamp of the touched style, so that the next build trusts stat() again.
    for (const auto& [id, style] : std::map<std::string, std::string>{{"alpha", "a.json"}, {"gamma", "b.json"}}) {
        const auto state = nlohmann::json::parse(read_file(fmt::format("{}/out/.cartelier/{}.json", dir, id)));
        struct stat st {};
        ASSERT_EQ(::stat((dir + "/" + style).c_str(), &st), 0);
        const std::int64_t mtime_ns = std::int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
        bool found = false;
        for (const auto& input : state["inputs"])
            if (input["kind"] == "style") {
                found = true;
                EXPECT_EQ(input["stamp"]["mtime_ns"].get<std::int64_t>(), mtime_ns) << id;
            }
        EXPECT_TRUE(found) << id;
    }

    // b.json (gamma's style) changes: gamma only.
    write_file(dir + "/b.json", replace_all(read_file(dir + "/b.json"), "#fbf8f1", "#f0f0e0"));
    auto list = test::run(fmt::format("{} list -p {}/cartelier.yaml -o {}/out", test::cartelier_binary(), dir, dir));
    EXPECT_NE(list.output.find(fmt::format("gamma        stale: style {}/b.json changed", dir)), std::string::npos) << list.output;
    EXPECT_NE(list.output.find("alpha        up to date"), std::string::npos) << list.output;

    auto before = output_times(dir);
    auto r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "up to date"}, {"beta", "up to date"}, {"gamma", "built"}}));
    EXPECT_NE(r.output.find(fmt::format("because: style {}/b.json changed", dir)), std::string::npos) << r.output;
    auto after = output_times(dir);
    EXPECT_EQ(after["alpha.pdf"], before["alpha.pdf"]);
    EXPECT_EQ(after["beta.png"], before["beta.png"]);
    EXPECT_NE(after["gamma.pdf"], before["gamma.pdf"]);

    // a.json changes: alpha and beta.
    write_file(dir + "/a.json", replace_all(read_file(dir + "/a.json"), "#d7301f", "#c02010"));
    ASSERT_EQ(run_cartelier(dir).status, 0);
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "built"}, {"beta", "built"}, {"gamma", "up to date"}}));
}

TEST(Incremental, ChangingADataFileRebuildsTheMapsThatReadIt) {
    std::string dir = make_project("inc-data");
    ASSERT_EQ(run_cartelier(dir).status, 0);
    // sessions.csv is joined to sites, which alpha and beta draw; gamma does not.
    write_file(dir + "/sessions.csv", read_file(dir + "/sessions.csv") + "s-extra,flash,2021\n");
    auto list = test::run(fmt::format("{} list -p {}/cartelier.yaml -o {}/out", test::cartelier_binary(), dir, dir));
    EXPECT_NE(list.output.find(fmt::format("alpha        stale: data {}/sessions.csv changed", dir)), std::string::npos)
        << list.output;
    auto r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "built"}, {"beta", "built"}, {"gamma", "up to date"}}));

    // departements.geojson is read by all three.
    std::string geo = read_file(dir + "/departements.geojson");
    write_file(dir + "/departements.geojson", geo + "\n");
    ASSERT_EQ(run_cartelier(dir).status, 0);
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "built"}, {"beta", "built"}, {"gamma", "built"}}));
}

TEST(Incremental, ItsProjectSectionTheDefaultsAndMissingOrEditedOutputsRebuildAMap) {
    std::string dir = make_project("inc-project");
    ASSERT_EQ(run_cartelier(dir).status, 0);
    // gamma's section: a new title.
    write_file(dir + "/cartelier.yaml", replace_all(read_file(dir + "/cartelier.yaml"), "title: Map gamma", "title: Gamma"));
    ASSERT_EQ(run_cartelier(dir).status, 0);
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "up to date"}, {"beta", "up to date"}, {"gamma", "built"}}));
    auto reasons = report(dir)["maps"][2]["reasons"];
    EXPECT_EQ(reasons, nlohmann::json::array({"project node 'maps.gamma' changed"})) << reasons;

    // The producer is in every map's credits.
    write_file(dir + "/cartelier.yaml", replace_all(read_file(dir + "/cartelier.yaml"), "producer: Cartelier tests", "producer: Someone"));
    ASSERT_EQ(run_cartelier(dir).status, 0);
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "built"}, {"beta", "built"}, {"gamma", "built"}}));

    // A deleted output, an output overwritten by hand.
    fs::remove(dir + "/out/beta.png");
    write_file(dir + "/out/gamma.pdf", "not a pdf");
    auto r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "up to date"}, {"beta", "built"}, {"gamma", "built"}}));
    EXPECT_NE(r.output.find("output beta.png is missing"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("output gamma.pdf was modified since the last build"), std::string::npos) << r.output;

    // --force rebuilds all.
    auto forced = run_cartelier(dir, "--force");
    ASSERT_EQ(forced.status, 0);
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "built"}, {"beta", "built"}, {"gamma", "built"}}));

    // SOURCE_DATE_EPOCH is an input: the date the outputs carry.
    ASSERT_EQ(run_cartelier(dir, "", "SOURCE_DATE_EPOCH=1600000000").status, 0);
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "built"}, {"beta", "built"}, {"gamma", "built"}}));
    ASSERT_EQ(run_cartelier(dir, "", "SOURCE_DATE_EPOCH=1600000000").status, 0);
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "up to date"}, {"beta", "up to date"}, {"gamma", "up to date"}}));
}

TEST(Incremental, ABrokenStyleFailsItsMapsKeepsTheirOutputsAndTheOthersBuild) {
    std::string dir = make_project("inc-broken");
    ASSERT_EQ(run_cartelier(dir).status, 0);
    auto before = digests(dir + "/out");
    auto times = output_times(dir);

    // a.json: a property that does not exist; b.json: a real change.
    write_file(dir + "/a.json", replace_all(read_file(dir + "/a.json"), "\"fill-color\"", "\"fill-colour\""));
    write_file(dir + "/b.json", replace_all(read_file(dir + "/b.json"), "#fbf8f1", "#f0f0e0"));
    auto r = run_cartelier(dir);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("FAILED alpha"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("FAILED beta"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("a.json:"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("fill-colour"), std::string::npos) << r.output;
    auto rep = report(dir);
    EXPECT_EQ(statuses(rep), (std::map<std::string, std::string>{{"alpha", "failed"}, {"beta", "failed"}, {"gamma", "built"}}));
    EXPECT_EQ(rep["exit_status"], 1);
    // The error is structured: file, line, column, path, message, hint.
    const auto& error = rep["maps"][0]["errors"][0];
    EXPECT_EQ(error["file"], dir + "/a.json") << error;
    EXPECT_GT(error["line"].get<int>(), 1) << error;
    EXPECT_GT(error["column"].get<int>(), 0) << error;
    EXPECT_NE(error["path"].get<std::string>().find("fill-colour"), std::string::npos) << error;
    EXPECT_TRUE(error["hint"].is_string()) << error;

    auto after = digests(dir + "/out");
    auto after_times = output_times(dir);
    for (const char* f : {"alpha.pdf", "alpha.png", "beta.pdf", "beta.png"}) {
        EXPECT_EQ(after[f], before[f]) << f << " changed although its map failed";
        EXPECT_EQ(after_times[f], times[f]) << f;
    }
    EXPECT_NE(after["gamma.png"], before["gamma.png"]);
    EXPECT_TRUE(temp_files(dir + "/out").empty());

    // Failed maps are tried again (their state is still that of their last good build)…
    EXPECT_EQ(run_cartelier(dir).status, 1);
    // … and once the style is back to the content of that build, their outputs are up to date as they are.
    write_file(dir + "/a.json", replace_all(read_file(dir + "/a.json"), "\"fill-colour\"", "\"fill-color\""));
    auto restored = run_cartelier(dir);
    EXPECT_EQ(restored.status, 0) << restored.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "up to date"}, {"beta", "up to date"}, {"gamma", "up to date"}}));
    write_file(dir + "/a.json", replace_all(read_file(dir + "/a.json"), "#fbf8f1", "#f8f8f0"));
    auto fixed = run_cartelier(dir);
    EXPECT_EQ(fixed.status, 0) << fixed.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "built"}, {"beta", "built"}, {"gamma", "up to date"}}));
}

TEST(Check, ValidatesStylesAndDataWithoutRenderingAndNamesTheProblem) {
    std::string dir = make_project("check");
    auto ok = test::run(fmt::format("{} check -p {}/cartelier.yaml -o {}/out", test::cartelier_binary(), dir, dir));
    EXPECT_EQ(ok.status, 0) << ok.output;
    EXPECT_NE(ok.output.find("is valid: 3 map(s) checked"), std::string::npos) << ok.output;
    for (const char* f : {"alpha.pdf", "alpha.png", "gamma.png"})
        EXPECT_FALSE(fs::exists(dir + "/out/" + f)) << "check must not render";

    // A site outside its département (data), and a style drawing an undeclared layer.
    write_file(dir + "/sites.csv", "id;nom_court;departements;lon;lat;session\nsite-a;A;02;2.5;46.5;s-flash\n");
    write_file(dir + "/b.json", replace_all(read_file(dir + "/b.json"), "\"source-layer\": \"departements\"", "\"source-layer\": \"departement\""));
    auto bad = test::run(fmt::format("{} check -p {}/cartelier.yaml", test::cartelier_binary(), dir));
    EXPECT_EQ(bad.status, 1) << bad.output;
    EXPECT_NE(bad.output.find("sites.csv:2: error: column 'departements': feature 'site-a'"), std::string::npos) << bad.output;
    EXPECT_NE(bad.output.find("the style draws layer 'departement'"), std::string::npos) << bad.output;
    EXPECT_NE(bad.output.find("did you mean 'departements'?"), std::string::npos) << bad.output;
    EXPECT_NE(bad.output.find("gamma        1 error(s)"), std::string::npos) << bad.output;

    auto unusable = test::run(fmt::format("{} check -p {}/nothing.yaml", test::cartelier_binary(), dir));
    EXPECT_EQ(unusable.status, 2) << unusable.output;
}

TEST(Incremental, TheLogoOnThePageIsAnInput) {
    std::string dir = make_project("inc-logo");
    write_file(dir + "/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><rect width='10' height='10' fill='#123456'/></svg>\n");
    write_file(dir + "/cartelier.yaml", replace_all(read_file(dir + "/cartelier.yaml"), "title: Map gamma", "title: Map gamma\n    logo: logo.svg"));
    auto first = run_cartelier(dir);
    ASSERT_EQ(first.status, 0) << first.output;
    ASSERT_EQ(run_cartelier(dir).status, 0);
    EXPECT_EQ(statuses(report(dir))["gamma"], "up to date");
    write_file(dir + "/logo.svg", replace_all(read_file(dir + "/logo.svg"), "#123456", "#654321"));
    auto r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "up to date"}, {"beta", "up to date"}, {"gamma", "built"}}));
    EXPECT_NE(r.output.find(fmt::format("because: asset {}/logo.svg changed", dir)), std::string::npos) << r.output;
}

TEST(Incremental, TheIconsAStyleUsesAreInputs) {
    // a.json (alpha, beta) labels the sites with an icon named by their dispositif: icons/flash.svg and
    // icons/local.png; b.json (gamma) draws no icon.
    std::string dir = make_project("inc-icons");
    fs::create_directories(dir + "/icons");
    const std::string svg = "<svg xmlns='http://www.w3.org/2000/svg' width='8' height='8'><rect width='8' height='8' fill='#123456'/></svg>\n";
    write_file(dir + "/icons/flash.svg", svg);
    {
        // A 4 × 4 px PNG, drawn by Cairo.
        cairo_surface_t* png = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 4, 4);
        cairo_t* cr = cairo_create(png);
        cairo_set_source_rgb(cr, 0.2, 0.4, 0.6);
        cairo_paint(cr);
        cairo_destroy(cr);
        ASSERT_EQ(cairo_surface_write_to_png(png, (dir + "/icons/local.png").c_str()), CAIRO_STATUS_SUCCESS);
        cairo_surface_destroy(png);
    }
    write_file(dir + "/a.json", replace_all(read_file(dir + "/a.json"), R"("layout": {"text-field")",
                                            R"("layout": {"icon-image": ["get", "dispositif"], "icon-size": 2, "text-field")"));
    auto first = run_cartelier(dir);
    ASSERT_EQ(first.status, 0) << first.output;
    auto state = nlohmann::json::parse(read_file(dir + "/out/.cartelier/alpha.json"));
    // Recorded relative to the project folder (pipeline/state.hpp).
    EXPECT_EQ(state["icons"], nlohmann::json({"icons/flash.png", "icons/flash.svg", "icons/local.png", "icons/local.svg"}));
    auto second = run_cartelier(dir);
    ASSERT_EQ(second.status, 0) << second.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "up to date"}, {"beta", "up to date"}, {"gamma", "up to date"}}));

    // A touched icon is not a change; an edited one rebuilds the maps whose style uses it.
    test::run(fmt::format("touch -d '+1 hour' {}/icons/flash.svg", dir));
    ASSERT_EQ(run_cartelier(dir).status, 0);
    EXPECT_EQ(statuses(report(dir))["alpha"], "up to date");
    write_file(dir + "/icons/flash.svg", replace_all(svg, "#123456", "#654321"));
    auto list = test::run(fmt::format("{} list -p {}/cartelier.yaml -o {}/out", test::cartelier_binary(), dir, dir));
    EXPECT_NE(list.output.find(fmt::format("alpha        stale: icon {}/icons/flash.svg changed", dir)), std::string::npos) << list.output;
    EXPECT_NE(list.output.find("gamma        up to date"), std::string::npos) << list.output;
    auto changed = run_cartelier(dir);
    ASSERT_EQ(changed.status, 0) << changed.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "built"}, {"beta", "built"}, {"gamma", "up to date"}}));
    EXPECT_NE(changed.output.find(fmt::format("because: icon {}/icons/flash.svg changed", dir)), std::string::npos) << changed.output;

    // An SVG appearing beside the PNG takes over the name: the maps are stale.
    write_file(dir + "/icons/local.svg", svg);
    auto appeared = run_cartelier(dir);
    ASSERT_EQ(appeared.status, 0) << appeared.output;
    EXPECT_NE(appeared.output.find(fmt::format("because: icon {}/icons/local.svg appeared", dir)), std::string::npos) << appeared.output;

    // An icon removed: stale, and the rebuild fails naming the feature; the previous outputs stay.
    fs::remove(dir + "/icons/local.svg");
    fs::remove(dir + "/icons/local.png");
    auto removed = run_cartelier(dir);
    EXPECT_EQ(removed.status, 1) << removed.output;
    // The style, inside the folder cartelier runs in, is named as the user knows it.
    EXPECT_TRUE(("\n" + removed.output).find("\na.json:19:31: error: ") != std::string::npos) << removed.output;
    EXPECT_NE(removed.output.find("layers[4].layout.icon-image: feature 'site-b': icon \"local\" not found"), std::string::npos) << removed.output;
    EXPECT_NE(removed.output.find("FAILED alpha"), std::string::npos) << removed.output;
    EXPECT_TRUE(fs::exists(dir + "/out/alpha.png"));
    EXPECT_EQ(statuses(report(dir))["gamma"], "up to date");
}

TEST(Incremental, BuildsThatReadNoLayerThroughGdalNeverLoadIt) {
    // GDAL is a module loaded on first use (cartelier-gdal.so): point its path nowhere and see which
    // builds still work. Up to date, and a style change with every GDAL layer in the prepared cache:
    // yes. A cold build: no, and it says why.
    std::string dir = make_project("inc-no-gdal");
    const std::string nowhere = "CARTELIER_GDAL_MODULE=/nonexistent/cartelier-gdal.so";
    ASSERT_EQ(run_cartelier(dir).status, 0);
    auto noop = run_cartelier(dir, "", nowhere);
    EXPECT_EQ(noop.status, 0) << noop.output;
    EXPECT_NE(noop.output.find("3 map(s): 0 built, 3 up to date, 0 failed"), std::string::npos) << noop.output;

    write_file(dir + "/b.json", read_file(dir + "/a.json"));  // gamma now draws what alpha draws
    auto warm = run_cartelier(dir, "", nowhere);
    EXPECT_EQ(warm.status, 0) << warm.output;
    EXPECT_NE(warm.output.find("built gamma"), std::string::npos) << warm.output;

    fs::remove_all(dir + "/out/.cache");
    auto cold = run_cartelier(dir, "--force", nowhere);
    EXPECT_EQ(cold.status, 1) << cold.output;
    EXPECT_NE(cold.output.find("departements.geojson"), std::string::npos) << cold.output;
    EXPECT_NE(cold.output.find("cannot load Cartelier's GDAL reader module: /nonexistent/cartelier-gdal.so: no such file"),
              std::string::npos)
        << cold.output;
}
