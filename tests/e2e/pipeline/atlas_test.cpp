// Issue 15, the atlas: a page per feature of a coverage layer, in a stable order, each an ordinary map of
// the build (out/ID/PAGE.pdf|png, its own state), the series PDF assembled from the pages; the current
// feature known to the style through ["global-state", "atlas_…"]. On the two-département fixture.
#include <algorithm>
#include <cmath>
#include <cairo.h>

#include <gtest/gtest.h>

#include "nightly_fixture.hpp"
#include "text_files.hpp"

using namespace cartelier;
using namespace cartelier::test::nightly;

namespace {

/// The fixture with one atlas map `pages` over the départements; `atlas` is the atlas block's extra
/// lines (indented under `atlas:`), the map drawn by a style that fills the page's département red and
/// the other one grey.
std::string make_atlas(const std::string& name, const std::string& atlas, const std::string& map_extra = "") {
    std::string dir = copy_mini(name);
    nlohmann::json style = nlohmann::json::parse(read_file(dir + "/style.json"));
    for (auto& l : style["layers"])
        if (l["id"] == "land")
            l["paint"]["fill-color"] = nlohmann::json::parse(
                R"(["case", ["==", ["get", "code"], ["global-state", "atlas_id"]], "#ff0000", "#808080"])");
    write_file(dir + "/style.json", style.dump(1));
    std::string text = read_file(dir + "/cartelier.yaml");
    text = text.substr(0, text.find("maps:"));
    text += "maps:\n  pages:\n    title: \"{nom} ({code})\"\n    subtitle: \"Page {$page} sur {$pages}\"\n"
            "    style: style.json\n    crs: EPSG:2154\n    dpi: 40\n    orientation: portrait\n" + map_extra +
            "    atlas:\n      layer: departements\n" + atlas;
    write_file(dir + "/cartelier.yaml", text);
    return dir;
}

std::string pdf_text(const std::string& pdf, int page) {
    return test::run(fmt::format("pdftotext -f {} -l {} {} -", page, page, pdf)).output;
}

int pdf_pages(const std::string& pdf) {
    const std::string info = test::run("pdfinfo " + pdf).output;
    const auto at = info.find("Pages:");
    return at == std::string::npos ? -1 : std::stoi(info.substr(at + 6));
}

/// Whether the build report's entry of map `id` has a warning whose message contains `text`.
bool warns(const nlohmann::json& built, const std::string& id, const std::string& text) {
    for (const auto& m : built["maps"])
        if (m["id"] == id)
            for (const auto& w : m["warnings"])
                if (w["message"].get<std::string>().find(text) != std::string::npos) return true;
    return false;
}

/// Site b's label (département 02) edited in the fixture's sites.csv: "Vallée ""du"" Lot" → Vallée du Lot.
void edit_site_b_label(const std::string& dir) {
    write_file(dir + "/sites.csv", replace_all(read_file(dir + "/sites.csv"), "\"Vallée \"\"du\"\" Lot\"", "Vallée du Lot"));
}

/// The colour of the page's centre pixel, "#rrggbb".
std::string centre_colour(const std::string& png) {
    cairo_surface_t* s = cairo_image_surface_create_from_png(png.c_str());
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return "unreadable";
    }
    cairo_surface_flush(s);
    const int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    const auto* row = cairo_image_surface_get_data(s) + static_cast<std::ptrdiff_t>(h / 2) * cairo_image_surface_get_stride(s);
    const std::uint32_t px = reinterpret_cast<const std::uint32_t*>(row)[w / 2];
    cairo_surface_destroy(s);
    return fmt::format("#{:02x}{:02x}{:02x}", (px >> 16) & 0xff, (px >> 8) & 0xff, px & 0xff);
}

}  // namespace

TEST(Atlas, APagePerFeatureInOrderTheSeriesPdfAndTheCurrentFeatureInTheStyle) {
    const std::string dir = make_atlas("atlas-pages", "      page_name: \"{code}\"\n      sort: [nom]\n");
    auto r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{
                                         {"pages/01", "built"}, {"pages/02", "built"}, {"pages", "built"}}));
    for (const char* page : {"01", "02"}) {
        EXPECT_TRUE(fs::exists(fmt::format("{}/out/pages/{}.pdf", dir, page))) << page;
        // The page's own feature fills the middle of its page in the style's colour for the current one.
        EXPECT_EQ(centre_colour(fmt::format("{}/out/pages/{}.png", dir, page)), "#ff0000") << page;
    }
    // The series: one page per feature, in page order — sorted by nom, "Deuxième" (02) before "Premier"
    // (01), against the order of the ids —, each with its texts.
    const std::string series = dir + "/out/pages.pdf";
    ASSERT_EQ(pdf_pages(series), 2);
    EXPECT_NE(pdf_text(series, 1).find("Deuxième (02)"), std::string::npos) << pdf_text(series, 1);
    EXPECT_NE(pdf_text(series, 1).find("Page 1 sur 2"), std::string::npos) << pdf_text(series, 1);
    EXPECT_NE(pdf_text(series, 2).find("Premier (01)"), std::string::npos) << pdf_text(series, 2);
    EXPECT_NE(pdf_text(series, 2).find("Page 2 sur 2"), std::string::npos) << pdf_text(series, 2);
    // Each page's state records its feature.
    const std::string state = read_file(dir + "/out/.cartelier/pages/01.json");
    EXPECT_NE(state.find("\"departements:01\""), std::string::npos) << state;
    // Nothing changed: nothing rebuilt, the series kept.
    const auto before = digests(dir + "/out");
    r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{
                                         {"pages/01", "up to date"}, {"pages/02", "up to date"}, {"pages", "up to date"}}));
    // The pages up to date in one line (a series of thousands of pages would print thousands).
    EXPECT_NE(r.output.find("up to date pages/…    2 of its 2 pages → "), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("up to date pages/01"), std::string::npos) << r.output;
    // The series PDF deleted: assembled again from the pages, which are not redrawn.
    fs::remove(series);
    r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(statuses(report(dir))["pages"], "built");
    EXPECT_EQ(statuses(report(dir))["pages/01"], "up to date");
    // One page asked for, up to date: its own line.
    r = run_cartelier(dir, "--map pages/01");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("up to date pages/01"), std::string::npos) << r.output;
    EXPECT_EQ(digests(dir + "/out"), before);  // the same bytes: the assembly is deterministic
}

// `list` tells each atlas's series PDF: up to date, or why `build` would assemble it again — the same
// reasons as the build's.
TEST(Atlas, ListTellsTheSeriesAndWhyBuildWouldAssembleItAgain) {
    const std::string dir = make_atlas("atlas-list", "      page_name: \"{code}\"\n", "    formats: [pdf]\n");
    auto list = [&](const std::string& args = "") {
        return test::run(fmt::format("{} list -p {}/cartelier.yaml -o {}/out {}", test::cartelier_binary(), dir, dir, args))
            .output;
    };
    const std::string series = dir + "/out/pages.pdf";
    EXPECT_NE(list().find("pages        series stale: 2 of its 2 pages to build first → " + series), std::string::npos)
        << list();
    ASSERT_EQ(run_cartelier(dir).status, 0);
    EXPECT_NE(list().find("pages        series up to date, its 2 pages → " + series), std::string::npos) << list();

    // Deleted: stale, and the build says the same.
    const std::string bytes = read_file(series);
    fs::remove(series);
    EXPECT_NE(list().find("series stale: output pages.pdf is missing"), std::string::npos) << list();
    auto r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0);
    EXPECT_NE(r.output.find("because: output pages.pdf is missing"), std::string::npos) << r.output;
    EXPECT_EQ(read_file(series), bytes);

    // Edited by someone else: stale.
    write_file(series, bytes + "% edited\n");
    EXPECT_NE(list().find("series stale: output pages.pdf was modified since the last build"), std::string::npos)
        << list();
    ASSERT_EQ(run_cartelier(dir).status, 0);
    EXPECT_NE(list().find("series up to date, its 2 pages"), std::string::npos) << list();

    // A feature renamed: its page first, then the series.
    std::string data = read_file(dir + "/departements.geojson");
    data.replace(data.find("Premier"), 7, "Premier bis");
    write_file(dir + "/departements.geojson", data);
    EXPECT_NE(list().find("series stale: 1 of its 2 pages to build first"), std::string::npos) << list();
    // A shard's build assembles no series: its list has no series line.
    EXPECT_EQ(list("--shard 1/2").find("pages        series"), std::string::npos) << list("--shard 1/2");
}

TEST(Atlas, FilterAndSortChooseThePagesAndTheirOrder) {
    // Descending by a computed order is not a key: sort by code with a filter keeping one page.
    std::string dir = make_atlas("atlas-filter", "      page_name: \"d{code}\"\n      filter: [\"==\", [\"get\", \"code\"], \"02\"]\n");
    auto r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"pages/d02", "built"}, {"pages", "built"}}));
    EXPECT_EQ(pdf_pages(dir + "/out/pages.pdf"), 1);
    // Names sorted as people read them: "Écouves" (01) among the E's, before "Fumel" (02) — by bytes,
    // É (0xC3 0x89) came after every unaccented capital.
    dir = make_atlas("atlas-collation", "      page_name: \"{code}\"\n      sort: nom\n");
    write_file(dir + "/departements.geojson",
               replace_all(replace_all(read_file(dir + "/departements.geojson"), "Premier", "Écouves"), "Deuxième", "Fumel"));
    r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(pdf_text(dir + "/out/pages.pdf", 1).find("Écouves (01)"), std::string::npos) << pdf_text(dir + "/out/pages.pdf", 1);
    EXPECT_NE(pdf_text(dir + "/out/pages.pdf", 2).find("Fumel (02)"), std::string::npos) << pdf_text(dir + "/out/pages.pdf", 2);
    // Descending: "Premier" (01) then "Deuxième" (02) by code; a field named in a sort item must exist.
    dir = make_atlas("atlas-descending", "      page_name: \"{code}\"\n      sort: [{field: code, order: descending}]\n");
    r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(pdf_text(dir + "/out/pages.pdf", 1).find("Deuxième (02)"), std::string::npos) << pdf_text(dir + "/out/pages.pdf", 1);
    EXPECT_NE(pdf_text(dir + "/out/pages.pdf", 2).find("Premier (01)"), std::string::npos) << pdf_text(dir + "/out/pages.pdf", 2);
    dir = make_atlas("atlas-descending-bad", "      page_name: \"{code}\"\n      sort: [nom, {field: code, order: downward, by: x}]\n");
    r = run_cartelier(dir);
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find("maps.pages.atlas.sort[1].order: expected ascending or descending, found string \"downward\""), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("maps.pages.atlas.sort[1].by: unknown key 'by' (expected one of: field, order)"), std::string::npos) << r.output;
    // A filter that keeps nothing: a warning, no page, no series PDF, exit 0.
    dir = make_atlas("atlas-empty", "      filter: [\"==\", [\"get\", \"code\"], \"99\"]\n");
    r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("the atlas of map 'pages' has no page: its filter keeps none of the 2 features of 'departements'"),
              std::string::npos)
        << r.output;
    EXPECT_FALSE(fs::exists(dir + "/out/pages.pdf"));
    // An empty coverage layer (an optional layer whose file is missing has no field either): the same
    // warning, not errors about the fields its page name and title name.
    dir = make_atlas("atlas-empty-layer", "      page_name: \"{code}\"\n");
    fs::remove(dir + "/departements.geojson");
    write_file(dir + "/cartelier.yaml", replace_all(read_file(dir + "/cartelier.yaml"), "    id: code\n",
                                                    "    id: code\n    optional: true\n"));
    r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("the atlas of map 'pages' has no page: its coverage layer 'departements' has no feature"),
              std::string::npos)
        << r.output;
    EXPECT_EQ(r.output.find("error"), std::string::npos) << r.output;
}

TEST(Atlas, ExtentModesMarginFixedScaleAndBestOfAList) {
    // Each département is 1° × 1° (about 77 × 111 km): at a fixed 1:2 000 000 the page shows it whole.
    std::string dir = make_atlas("atlas-scale", "      page_name: \"{code}\"\n      extent: {scale: 2000000}\n");
    auto r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("built pages/01"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("1:2000000"), std::string::npos) << r.output;
    // The best of a list: 1:100 000 and 1:250 000 cannot hold 111 km in an A4 frame (under 250 mm
    // high); 1:1 000 000 can, and is taken before 1:5 000 000.
    dir = make_atlas("atlas-scales", "      page_name: \"{code}\"\n      extent: {scales: [100000, 5000000, 1000000, 250000]}\n");
    r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("built pages/01 "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("1:1000000"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("1:5000000"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("1:250000"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("at none of the extent's scales"), std::string::npos) << r.output;
    // A list none of whose scales holds the feature: each page is drawn at its smallest, cut at the
    // frame — built (exit 0), and said as that page's warning, with a scale that would hold it (111 km
    // in a frame under 250 mm high needs 1:450 000 or smaller: 1:500 000); under strict mode the pages fail.
    dir = make_atlas("atlas-scales-unfit", "      page_name: \"{code}\"\n      extent: {scales: [100000, 250000]}\n");
    r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("1:250000"), std::string::npos) << r.output;
    for (const char* page : {"01", "02"}) {
        EXPECT_NE(r.output.find(fmt::format("warning: maps.pages.atlas.extent: page 'pages/{}' (feature {} of "
                                            "'departements'): at none of the extent's scales (1:100000, 1:250000) "
                                            "does the main frame",
                                            page, page)),
                  std::string::npos)
            << r.output;
    }
    EXPECT_NE(r.output.find("hold the whole feature: it is drawn at 1:250000, cut at the frame (add a smaller scale to "
                            "the list: 1:500000 holds it)"),
              std::string::npos)
        << r.output;
    const nlohmann::json built = report(dir);
    EXPECT_TRUE(warns(built, "pages/01", "cut at the frame")) << built.dump(1);
    r = run_cartelier(dir, "--strict --force");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_EQ(statuses(report(dir))["pages/01"], "failed") << r.output;
    // Margin (the default, 10 %): the feature fills its frame, at about 1:620 000 on A4 portrait.
    dir = make_atlas("atlas-margin", "      page_name: \"{code}\"\n      extent: {margin_pct: 10}\n");
    r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    const auto report_json = report(dir);
    for (const auto& m : report_json["maps"])
        if (m["id"] == "pages/01") {
            const double scale = m["scale_denominator"].get<double>();
            EXPECT_GT(scale, 400000);
            EXPECT_LT(scale, 900000);
        }
}

// A page's CRS by its feature's attribute (atlas.crs): the page is drawn in that CRS, its extent from
// its feature's bounds there — the very page a map drawn in that CRS gives it, whether the other pages
// share the CRS or not.
TEST(Atlas, APagesCrsByAttributeGivesTheExtentAMapInThatCrsGivesIt) {
    auto scale_of = [](const std::string& dir, const std::string& page) {
        const nlohmann::json built = report(dir);
        for (const auto& m : built["maps"])
            if (m["id"] == page && m.contains("scale_denominator")) return m["scale_denominator"].get<double>();
        return -1.0;
    };
    // The rule: département 02 in UTM zone 31N, the other in Lambert-93.
    const std::string ruled = make_atlas("atlas-crs-rule", "      page_name: \"{code}\"\n"
                                                           "      crs: {field: code, values: {\"02\": \"EPSG:32631\"}}\n");
    auto r = run_cartelier(ruled);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(r.output.find("area of use"), std::string::npos) << r.output;  // both CRSs are made for the place
    // The same atlas drawn wholly in UTM zone 31N, and wholly in Lambert-93.
    const std::string utm = make_atlas("atlas-crs-utm", "      page_name: \"{code}\"\n");
    write_file(utm + "/cartelier.yaml", replace_all(read_file(utm + "/cartelier.yaml"), "crs: EPSG:2154\n    dpi", "crs: EPSG:32631\n    dpi"));
    r = run_cartelier(utm);
    ASSERT_EQ(r.status, 0) << r.output;
    const std::string lambert = make_atlas("atlas-crs-l93", "      page_name: \"{code}\"\n");
    r = run_cartelier(lambert);
    ASSERT_EQ(r.status, 0) << r.output;

    for (const std::string& dir : {ruled, utm, lambert})
        for (const char* page : {"pages/01", "pages/02"}) ASSERT_GT(scale_of(dir, page), 0) << dir << " " << page;
    EXPECT_DOUBLE_EQ(scale_of(ruled, "pages/02"), scale_of(utm, "pages/02"));
    EXPECT_DOUBLE_EQ(scale_of(ruled, "pages/01"), scale_of(lambert, "pages/01"));
    // The two CRSs do give that page different scales: the rule was applied.
    EXPECT_GT(std::abs(scale_of(ruled, "pages/02") / scale_of(lambert, "pages/02") - 1), 1e-6);

    // A rule that sends a page to a CRS made for the other side of the world (Réunion's UTM zone 40S):
    // the page is drawn, distorted, and its warning says so, in the report too.
    const std::string far = make_atlas("atlas-crs-far", "      page_name: \"{code}\"\n"
                                                        "      crs: {field: code, values: {\"02\": \"EPSG:2975\"}}\n");
    r = run_cartelier(far);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("map 'pages/02': its main map is drawn in EPSG:2975, whose area of use is"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("lies outside it: shapes, areas and the scale bar are distorted there (draw the page in a "
                            "CRS made for that place: the atlas's `crs: {field, values}` rule)"),
              std::string::npos)
        << r.output;
    EXPECT_EQ(r.output.find("map 'pages/01': its main map"), std::string::npos) << r.output;
    const nlohmann::json built = report(far);
    EXPECT_TRUE(warns(built, "pages/02", "area of use")) << built.dump(1);
    EXPECT_FALSE(warns(built, "pages/01", "area of use")) << built.dump(1);

    // A rule naming a field the coverage layer lacks: an error at the rule's field, with the name meant.
    const std::string typo = make_atlas("atlas-crs-typo", "      page_name: \"{code}\"\n"
                                                          "      crs: {field: cod, values: {\"02\": \"EPSG:2975\"}}\n");
    r = run_cartelier(typo);
    EXPECT_EQ(r.status, 1) << r.output;
    const int line = test::line_of(read_file(typo + "/cartelier.yaml"), "crs: {field: cod");
    EXPECT_NE(r.output.find(fmt::format("cartelier.yaml:{}:20: error: maps.pages.atlas.crs.field: the atlas crs rule "
                                        "names field 'cod', which the coverage layer 'departements' does not have "
                                        "(did you mean 'code'?)",
                                        line)),
              std::string::npos)
        << r.output;
}

TEST(Atlas, ShardsDealPagesAndTheLastBuildAssemblesTheSeries) {
    const std::string dir = make_atlas("atlas-shards", "      page_name: \"{code}\"\n");
    auto one = run_cartelier(dir, "--shard 1/2");
    ASSERT_EQ(one.status, 0) << one.output;
    auto two = run_cartelier(dir, "--shard 2/2");
    ASSERT_EQ(two.status, 0) << two.output;
    EXPECT_EQ(statuses(report(dir, "build-report.shard-1-of-2.json")), (std::map<std::string, std::string>{{"pages/01", "built"}}));
    EXPECT_EQ(statuses(report(dir, "build-report.shard-2-of-2.json")), (std::map<std::string, std::string>{{"pages/02", "built"}}));
    EXPECT_FALSE(fs::exists(dir + "/out/pages.pdf"));  // a shard builds its pages only
    auto all = run_cartelier(dir);
    ASSERT_EQ(all.status, 0) << all.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{
                                         {"pages/01", "up to date"}, {"pages/02", "up to date"}, {"pages", "built"}}));
    EXPECT_EQ(pdf_pages(dir + "/out/pages.pdf"), 2);
}

TEST(Atlas, BadAtlasesAreErrorsNamingWhatIsWrong) {
    // Two features given one page name: an error naming both; nothing written.
    std::string dir = make_atlas("atlas-dup", "      page_name: \"p{$pages}\"\n");
    auto r = run_cartelier(dir);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("page_name gives features 01 and 02 of layer 'departements' the same name 'p2'"), std::string::npos)
        << r.output;
    EXPECT_FALSE(fs::exists(dir + "/out/pages.pdf"));
    // A token naming a field the layer does not have.
    dir = make_atlas("atlas-field", "      page_name: \"{cde}\"\n");
    r = run_cartelier(dir);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("page_name names field 'cde', which the coverage layer 'departements' does not have"),
              std::string::npos)
        << r.output;
    // A filter reading a field the layer does not have (null for every feature: an empty or wrong
    // series), at the filter's line; a read inside a coalesce has its default and is not one.
    dir = make_atlas("atlas-filter-field", "      page_name: \"{code}\"\n      filter: [\"==\", [\"get\", \"cod\"], \"02\"]\n");
    r = run_cartelier(dir);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find(fmt::format("cartelier.yaml:{}:15: error: maps.pages.atlas.filter: the atlas filter names "
                                        "field 'cod', which the coverage layer 'departements' does not have (did you "
                                        "mean 'code'?)",
                                        test::line_of(read_file(dir + "/cartelier.yaml"), "filter: [\"=="))),
              std::string::npos)
        << r.output;
    EXPECT_FALSE(fs::exists(dir + "/out/pages.pdf"));
    dir = make_atlas("atlas-filter-coalesce",
                     "      page_name: \"{code}\"\n      filter: [\"==\", [\"coalesce\", [\"get\", \"cod\"], \"02\"], \"02\"]\n");
    r = run_cartelier(dir);
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_TRUE(fs::exists(dir + "/out/pages.pdf")) << r.output;
    // An unknown coverage layer: an error at its line and column when the project is read.
    dir = make_atlas("atlas-layer", "");
    write_file(dir + "/cartelier.yaml", replace_all(read_file(dir + "/cartelier.yaml"), "layer: departements", "layer: departement"));
    r = run_cartelier(dir);
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find("cartelier.yaml:"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("the atlas of map 'pages' names an unknown coverage layer 'departement'"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("departements"), std::string::npos) << r.output;  // did you mean
    // A global-state name the pages do not set (a typo in the style): null on every page, said.
    dir = make_atlas("atlas-state", "      page_name: \"{code}\"\n");
    write_file(dir + "/style.json", replace_all(read_file(dir + "/style.json"), "\"atlas_id\"", "\"atlas_idd\""));
    r = run_cartelier(dir);
    EXPECT_NE(r.output.find("the style reads [\"global-state\", \"atlas_idd\"], which the pages of atlas 'pages' do "
                            "not set: it is null on every page (did you mean 'atlas_id'?)"),
              std::string::npos)
        << r.output;
}

// `check` prepares the pages side by side (-j), as build does: the same lines in the same order, and the
// same exit status, as one at a time — a page's own error included.
TEST(Atlas, CheckPreparesThePagesSideBySideAndSaysWhatItSaysAlone) {
    // Each page too large for its scales: a warning of its own (an error under --strict).
    const std::string dir = make_atlas("atlas-check-jobs", "      page_name: \"{code}\"\n      extent: {scales: [100000, 250000]}\n");
    write_file(dir + "/style.json", replace_all(read_file(dir + "/style.json"), "\"atlas_id\"", "\"atlas_idd\""));
    const auto alone = test::run(fmt::format("{} check -p {}/cartelier.yaml -o {}/out -j 1", test::cartelier_binary(), dir, dir));
    const auto side = test::run(fmt::format("{} check -p {}/cartelier.yaml -o {}/out -j 3", test::cartelier_binary(), dir, dir));
    EXPECT_NE(alone.output.find("atlas_idd"), std::string::npos) << alone.output;
    EXPECT_NE(alone.output.find("page 'pages/01' (feature 01"), std::string::npos) << alone.output;
    EXPECT_NE(alone.output.find("page 'pages/02' (feature 02"), std::string::npos) << alone.output;
    EXPECT_EQ(alone.status, 0) << alone.output;
    EXPECT_EQ(side.status, alone.status);
    EXPECT_EQ(side.output, alone.output);
    // Under --strict each page fails on its warning, in its own line.
    const auto strict_alone =
        test::run(fmt::format("{} check --strict -p {}/cartelier.yaml -o {}/out -j 1", test::cartelier_binary(), dir, dir));
    const auto strict_side =
        test::run(fmt::format("{} check --strict -p {}/cartelier.yaml -o {}/out -j 3", test::cartelier_binary(), dir, dir));
    EXPECT_EQ(strict_alone.status, 1) << strict_alone.output;
    EXPECT_EQ(strict_side.status, 1) << strict_side.output;
    EXPECT_EQ(strict_side.output, strict_alone.output);
}

TEST(Atlas, AProblemEveryPageSharesIsPrintedOnce) {
    // A style error: each page fails with it; build and check print it once, and say so.
    const std::string dir = make_atlas("atlas-shared-error", "      page_name: \"{code}\"\n");
    write_file(dir + "/style.json", replace_all(read_file(dir + "/style.json"), "\"fill-color\"", "\"fill-colr\""));
    auto count = [](const std::string& text, const std::string& what) {
        std::size_t n = 0;
        for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
        return n;
    };
    const std::string error = "unknown paint property 'fill-colr' for a fill layer (did you mean 'fill-color'?)";
    auto r = run_cartelier(dir);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_EQ(count(r.output, error), 1u) << r.output;
    EXPECT_NE(r.output.find("FAILED pages/01"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("FAILED pages/02"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("(1 line(s) repeated by other maps or pages printed once above"), std::string::npos) << r.output;
    // Each page's report keeps its own (the series' entry says which page failed).
    const nlohmann::json built = report(dir);
    int pages = 0;
    for (const auto& m : built["maps"])
        if (m["id"].get<std::string>().find('/') != std::string::npos) {
            ++pages;
            EXPECT_NE(m.dump().find("fill-colr"), std::string::npos) << m.dump();
        }
    EXPECT_EQ(pages, 2) << built.dump(1);
    r = test::run(fmt::format("{} check -p {}/cartelier.yaml", test::cartelier_binary(), dir));
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_EQ(count(r.output, error), 1u) << r.output;
    EXPECT_NE(r.output.find("2 error(s)"), std::string::npos) << r.output;
}

// Incremental per page: a page records what it draws of each layer in each of its frames (the features
// reaching into the frame that the style's filters keep, for that page), not the data files whole. A
// site edited in one département rebuilds that département's page and the series, nothing else; a
// département's own attributes (its title) rebuild its page.
TEST(Atlas, EditingOneFeatureRebuildsItsPageAndTheSeriesOnly) {
    const std::string dir = make_atlas("atlas-incremental", "      page_name: \"{code}\"\n");
    ASSERT_EQ(run_cartelier(dir).status, 0);
    const auto before = fs::last_write_time(dir + "/out/pages/01.pdf");
    // Site b (département 02): its label's text, which the style draws.
    edit_site_b_label(dir);
    auto r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{
                                         {"pages/01", "up to date"}, {"pages/02", "built"}, {"pages", "built"}}))
        << r.output;
    EXPECT_NE(r.output.find("because: what it draws of layer sites changed"), std::string::npos) << r.output;
    EXPECT_EQ(fs::last_write_time(dir + "/out/pages/01.pdf"), before);  // not written again
    // Département 01's name, in its page's title: its page (and the series) only.
    write_file(dir + "/departements.geojson", replace_all(read_file(dir + "/departements.geojson"), "\"Premier\"", "\"Primo\""));
    r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{
                                         {"pages/01", "built"}, {"pages/02", "up to date"}, {"pages", "built"}}))
        << r.output;
    EXPECT_NE(pdf_text(dir + "/out/pages.pdf", 1).find("Primo (01)"), std::string::npos) << pdf_text(dir + "/out/pages.pdf", 1);
    // The same build again: nothing to do.
    r = run_cartelier(dir);
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{
                                         {"pages/01", "up to date"}, {"pages/02", "up to date"}, {"pages", "up to date"}}));
    // That series took page 02 from the block its assembly before kept on disk, and parsed page 01: it
    // is, byte for byte, the series assembled from both pages' files.
    const fs::path blocks = dir + "/out/.cache/prepared/series/pages";
    EXPECT_EQ(std::distance(fs::directory_iterator(blocks), fs::directory_iterator{}), 2);
    const std::string kept = read_file(dir + "/out/pages.pdf");
    fs::remove_all(blocks);
    fs::remove(dir + "/out/pages.pdf");
    r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{
                                         {"pages/01", "up to date"}, {"pages/02", "up to date"}, {"pages", "built"}}))
        << r.output;
    EXPECT_EQ(read_file(dir + "/out/pages.pdf"), kept);
}

// The series is written while its pages are drawn, and put in place only when every page is: a page
// that fails once drawn (its file cannot be written) leaves the series as it was, and no temporary file.
TEST(Atlas, ASeriesWrittenWhileItsPagesAreDrawnIsNotPutInPlaceWhenAPageFails) {
    const std::string dir = make_atlas("atlas-ahead-failure", "      page_name: \"{code}\"\n");
    ASSERT_EQ(run_cartelier(dir).status, 0);
    const std::string before = read_file(dir + "/out/pages.pdf");
    // Site b's label (département 02) edited: page 02 is drawn again, and its file cannot be written (a
    // folder is where it goes).
    edit_site_b_label(dir);
    fs::remove(dir + "/out/pages/02.pdf");
    fs::create_directories(dir + "/out/pages/02.pdf/in-the-way");
    auto r = run_cartelier(dir);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{
                                         {"pages/01", "up to date"}, {"pages/02", "failed"}, {"pages", "failed"}}))
        << r.output;
    EXPECT_NE(r.output.find("the series PDF of atlas 'pages' is not assembled: page '02' failed"), std::string::npos) << r.output;
    EXPECT_EQ(read_file(dir + "/out/pages.pdf"), before);
    EXPECT_EQ(temp_files(dir + "/out"), std::vector<std::string>{});
    // The way cleared: page 02 and the series, which shows the edit.
    fs::remove_all(dir + "/out/pages/02.pdf");
    r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{
                                         {"pages/01", "up to date"}, {"pages/02", "built"}, {"pages", "built"}}))
        << r.output;
    EXPECT_NE(read_file(dir + "/out/pages.pdf"), before);
    EXPECT_NE(pdf_text(dir + "/out/pages.pdf", 2).find("Vallée du Lot"), std::string::npos) << pdf_text(dir + "/out/pages.pdf", 2);
}

// A page whose place in the series changes ({$page} sur {$pages}) is drawn again; a page whose feature
// left the series has its files and state removed, and the series holds the pages there are.
TEST(Atlas, APageLeavingTheSeriesIsRemovedAndTheOthersRenumbered) {
    const std::string dir = make_atlas("atlas-leave", "      page_name: \"{code}\"\n");
    ASSERT_EQ(run_cartelier(dir).status, 0);
    ASSERT_TRUE(fs::exists(dir + "/out/pages/02.pdf"));
    write_file(dir + "/cartelier.yaml", read_file(dir + "/cartelier.yaml") + "      filter: [\"==\", [\"get\", \"code\"], \"01\"]\n");
    auto r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    // Page 01 is now "Page 1 sur 1": drawn again (its texts changed), though its feature did not.
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"pages/01", "built"}, {"pages", "built"}})) << r.output;
    EXPECT_NE(r.output.find("its texts, extent and place in the series changed"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(dir + "/out/pages/02.pdf"));
    EXPECT_FALSE(fs::exists(dir + "/out/pages/02.png"));
    EXPECT_FALSE(fs::exists(dir + "/out/.cartelier/pages/02.json"));
    EXPECT_EQ(pdf_pages(dir + "/out/pages.pdf"), 1);
    EXPECT_NE(pdf_text(dir + "/out/pages.pdf", 1).find("Page 1 sur 1"), std::string::npos);
}

// --map ATLAS/PAGE builds that page alone (the series is left for a build of the whole atlas); a page the
// atlas does not have is an error naming the nearest.
TEST(Atlas, OnePageCanBeBuiltByItsId) {
    const std::string dir = make_atlas("atlas-one", "      page_name: \"{code}\"\n");
    auto r = run_cartelier(dir, "--map pages/02");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"pages/02", "built"}})) << r.output;
    EXPECT_FALSE(fs::exists(dir + "/out/pages/01.pdf"));
    EXPECT_FALSE(fs::exists(dir + "/out/pages.pdf"));
    r = run_cartelier(dir, "--map pages/03");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("atlas 'pages' has no page 'pages/03'"), std::string::npos) << r.output;
    r = run_cartelier(dir, "--map pages");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{
                                         {"pages/01", "built"}, {"pages/02", "up to date"}, {"pages", "built"}}));
}

// A build holds each layer, in each CRS, only inside the part of it that its maps and pages show
// (LayerStore::set_drawn_windows): the benchmark atlas's overseas CRSs no longer hold every commune of
// France. A map must come out the same whatever else the build shows: built alone (the window is its
// own frame, cutting through the squares at its edges) and built with a map of the whole grid (the window
// is everything), its PNG is the same to the byte — and the window was used: the copy kept for the map
// alone is less than half the whole one (every feature keeps its attributes; the geometries are the rest).
TEST(Atlas, AMapIsTheSameBuiltAloneOrBesideAnotherThoughItsLayersAreHeldOnlyInsideItsFrame) {
    const std::string dir = test::temp_dir("drawn-windows");
    std::string squares = "{\"type\":\"FeatureCollection\",\"features\":[\n";
    for (int i = 0; i < 120 * 70; ++i) {  // 0.01° squares (about 800 m) over 1.5–2.7°E, 45.8–46.5°N
        const double x = 1.5 + 0.01 * (i % 120), y = 45.8 + 0.01 * (i / 120);
        squares += fmt::format("{}{{\"type\":\"Feature\",\"properties\":{{\"n\":{}}},\"geometry\":{{\"type\":\"Polygon\","
                               "\"coordinates\":[[[{},{}],[{},{}],[{},{}],[{},{}],[{},{}]]]}}}}\n",
                               i ? "," : "", i, x, y, x + 0.01, y, x + 0.01, y + 0.01, x, y + 0.01, x, y);
    }
    write_file(dir + "/squares.geojson", squares + "]}\n");
    write_file(dir + "/style.json", R"({"version": 8, "sources": {"c": {"type": "vector"}}, "layers": [
      {"id": "fill", "type": "fill", "source": "c", "source-layer": "squares", "paint": {"fill-color":
        ["match", ["%", ["get", "n"], 3], 0, "#d7301f", 1, "#2b8cbe", "#31a354"]}},
      {"id": "line", "type": "line", "source": "c", "source-layer": "squares",
       "paint": {"line-color": "#000000", "line-width": 0.5}}]})");
    write_file(dir + "/cartelier.yaml",
               "version: 1\nlayers:\n  squares:\n    source: squares.geojson\nmaps:\n"
               "  part:\n    style: style.json\n    extent: [625000, 6545000, 660000, 6575000]\n    dpi: 72\n"
               "    formats: [png]\n    insets: none\n"
               "  all:\n    style: style.json\n    extent: [560000, 6420000, 820000, 6650000]\n    dpi: 72\n"
               "    formats: [png]\n    insets: none\n"
               // A map in another CRS: a project drawing in one CRS only reads its layers whole.
               "  web:\n    style: style.json\n    crs: EPSG:3857\n    extent: [100000, 5700000, 300000, 5900000]\n"
               "    dpi: 36\n    formats: [png]\n    insets: none\n");
    auto alone = run_cartelier(dir, "--map part");
    ASSERT_EQ(alone.status, 0) << alone.output;
    const std::string window_copy = dir + "/out/.cache/prepared/squares.EPSG_2154.window.prepared";
    ASSERT_TRUE(fs::exists(window_copy));
    const auto alone_bytes = fs::file_size(window_copy);
    const std::string alone_png = read_file(dir + "/out/part.png");
    fs::remove_all(dir + "/out");
    auto both = run_cartelier(dir);
    ASSERT_EQ(both.status, 0) << both.output;
    EXPECT_LT(alone_bytes * 2, fs::file_size(window_copy)) << "the map alone held the whole layer";
    EXPECT_TRUE(read_file(dir + "/out/part.png") == alone_png) << "the map changed with what else the build shows";
}

// A point drawn only in an inset of another CRS (Guadeloupe, beside the metropole) is held with its
// geometry in that CRS's copy alone; its icon is still checked before drawing and recorded as an input
// of the map: editing that icon rebuilds the map, a missing one fails it naming the feature.
TEST(Atlas, AnIconDrawnOnlyInAnInsetOfAnotherCrsIsAnInputOfTheMap) {
    const std::string dir = test::temp_dir("drawn-windows-icons");
    fs::create_directories(dir + "/icons");
    const std::string svg = "<svg xmlns='http://www.w3.org/2000/svg' width='8' height='8'><rect width='8' height='8' fill='#123456'/></svg>\n";
    write_file(dir + "/icons/pin.svg", svg);
    write_file(dir + "/icons/island.svg", svg);
    write_file(dir + "/pois.csv", "id,lon,lat,icon\nparis,2.35,48.85,pin\nguadeloupe,-61.55,16.25,island\n");
    write_file(dir + "/style.json", R"({"version": 8, "sources": {"c": {"type": "vector"}}, "layers": [
      {"id": "background", "type": "background", "paint": {"background-color": "#ffffff"}},
      {"id": "pois", "type": "symbol", "source": "c", "source-layer": "pois",
       "layout": {"icon-image": ["get", "icon"], "icon-size": 2}}]})");
    write_file(dir + "/cartelier.yaml",
               "version: 1\nlayers:\n  pois:\n    source: pois.csv\n    crs: EPSG:4326\n    x: lon\n    y: lat\n"
               "    id: id\nmaps:\n  m:\n    style: style.json\n    extent: [100000, 6000000, 1250000, 7130000]\n"
               "    dpi: 40\n    formats: [png]\n    insets: overseas\n");
    auto first = run_cartelier(dir);
    ASSERT_EQ(first.status, 0) << first.output;
    auto state = nlohmann::json::parse(read_file(dir + "/out/.cartelier/m.json"));
    EXPECT_EQ(state["icons"], nlohmann::json({"icons/island.png", "icons/island.svg", "icons/pin.png", "icons/pin.svg"}));
    write_file(dir + "/icons/island.svg", replace_all(svg, "#123456", "#654321"));
    auto changed = run_cartelier(dir);
    ASSERT_EQ(changed.status, 0) << changed.output;
    EXPECT_NE(changed.output.find(fmt::format("because: icon {}/icons/island.svg changed", dir)), std::string::npos)
        << changed.output;
    fs::remove(dir + "/icons/island.svg");
    auto missing = run_cartelier(dir);
    EXPECT_EQ(missing.status, 1) << missing.output;
    EXPECT_NE(missing.output.find("guadeloupe"), std::string::npos) << missing.output;
}

// A style layer naming a layer the project does not declare (a typo) is the pages' error, with its line
// and the name it may have meant — never a crash of the plan, which digests what each page draws.
TEST(Atlas, AStyleDrawingAnUndeclaredLayerIsAnErrorOfEachPageNotACrash) {
    const std::string dir = make_atlas("atlas-typo-layer", "      page_name: \"{code}\"\n");
    write_file(dir + "/style.json", replace_all(read_file(dir + "/style.json"), "\"source-layer\": \"departements\"",
                                                "\"source-layer\": \"departement\""));
    auto r = run_cartelier(dir);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("the style draws layer 'departement', which the project"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("did you mean 'departements'"), std::string::npos) << r.output;
}

// What each page draws is remembered by its key (the layers' content, the frame, the style, the page's
// global state) in the prepared cache: a build that finds the series up to date loads no layer but the
// coverage, which makes the pages (the other prepared copies, deleted, are not made again), and a change
// to what a page draws is still seen.
TEST(Atlas, AnUpToDateSeriesIsKnownWithoutLoadingItsLayersAndAChangeToWhatAPageDrawsIsStillSeen) {
    const std::string dir = make_atlas("atlas-drawn-memo", "      page_name: \"{code}\"\n");
    // A layer the pages draw that the prepared cache keeps (a derived one), beside the coverage.
    write_file(dir + "/cartelier.yaml", replace_all(read_file(dir + "/cartelier.yaml"), "\nmaps:\n",
                                                    "\n  centres:\n    from: departements\n"
                                                    "    steps: [point_on_surface]\nmaps:\n"));
    nlohmann::json style = nlohmann::json::parse(read_file(dir + "/style.json"));
    style["layers"].push_back(nlohmann::json::parse(
        R"({"id": "centres", "type": "circle", "source": "cartelier", "source-layer": "centres",
            "paint": {"circle-radius": 3, "circle-color": "#000000"}})"));
    write_file(dir + "/style.json", style.dump(1));
    ASSERT_EQ(run_cartelier(dir).status, 0);
    const fs::path prepared = fs::path(dir) / "out" / ".cache" / "prepared";
    auto layer_copies = [&] {  // the files of the folder (not series/, the series' page blocks)
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(prepared))
            if (entry.is_regular_file() && entry.path().filename().string().find("drawn-digests") == std::string::npos &&
                entry.path().filename().string().rfind("departements.", 0) != 0)
                names.push_back(entry.path().filename().string());
        return names;
    };
    ASSERT_FALSE(layer_copies().empty());
    for (const std::string& name : layer_copies()) fs::remove(prepared / name);
    auto r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{
                                         {"pages/01", "up to date"}, {"pages/02", "up to date"}, {"pages", "up to date"}}))
        << r.output;
    EXPECT_TRUE(layer_copies().empty()) << "a layer was loaded: " << fmt::format("{}", fmt::join(layer_copies(), ", "));
    // Site b (département 02): its label's text, which the style draws.
    edit_site_b_label(dir);
    r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{
                                         {"pages/01", "up to date"}, {"pages/02", "built"}, {"pages", "built"}}))
        << r.output;
    EXPECT_NE(r.output.find("because: what it draws of layer sites changed"), std::string::npos) << r.output;
    // The memo is only a cache: a corrupt one is read as far as it makes sense, and changes nothing.
    for (const auto& entry : fs::directory_iterator(prepared))
        if (entry.path().filename().string().find("drawn-digests") != std::string::npos)
            write_file(entry.path().string(), "not a memo\n0123 zz\n" + read_file(entry.path().string()).substr(0, 50));
    r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{
                                         {"pages/01", "up to date"}, {"pages/02", "up to date"}, {"pages", "up to date"}}))
        << r.output;
}

// Two atlases drawing the same layer with styles that read different fields of it: each page's digest
// of what it draws covers the fields its own style reads. An edit of a field only the second style
// draws rebuilds the second atlas's page, not the first's.
TEST(Atlas, TwoAtlasesDrawingOneLayerEachSeeTheFieldsTheirOwnStyleReads) {
    const std::string dir = make_atlas("atlas-two-styles", "      page_name: \"{code}\"\n");
    nlohmann::json style = nlohmann::json::parse(read_file(dir + "/style.json"));
    for (auto& l : style["layers"])
        if (l["id"] == "labels") l["layout"]["text-field"] = nlohmann::json::parse(R"(["to-string", ["get", "year"]])");
    write_file(dir + "/style-years.json", style.dump(1));
    write_file(dir + "/cartelier.yaml", read_file(dir + "/cartelier.yaml") +
                                            "  years:\n    title: \"{nom}\"\n    style: style-years.json\n    crs: EPSG:2154\n"
                                            "    dpi: 40\n    orientation: portrait\n    atlas:\n      layer: departements\n"
                                            "      page_name: \"{code}\"\n");
    auto r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(pdf_text(dir + "/out/years/02.pdf", 1).find("2020"), std::string::npos);
    // The year of the local session (site b, département 02): drawn by the second atlas alone.
    write_file(dir + "/sessions.csv", replace_all(read_file(dir + "/sessions.csv"), "s-local,local,2019", "s-local,local,2020"));
    r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"pages/01", "up to date"},
                                                                          {"pages/02", "up to date"},
                                                                          {"pages", "up to date"},
                                                                          {"years/01", "up to date"},
                                                                          {"years/02", "built"},
                                                                          {"years", "built"}}))
        << r.output;
    EXPECT_NE(pdf_text(dir + "/out/years/02.pdf", 1).find("2020"), std::string::npos) << pdf_text(dir + "/out/years/02.pdf", 1);
}

// A colour edited: every page is drawn again, but which features each page draws is known from the
// memo (its keys take the style without its paint). A filter edited: the digests are computed again.
TEST(Atlas, APaintEditTakesWhatThePagesDrawFromTheMemoAndAFilterEditDoesNot) {
    const std::string dir = make_atlas("atlas-paint-edit", "      page_name: \"{code}\"\n");
    ASSERT_EQ(run_cartelier(dir).status, 0);
    const fs::path prepared = fs::path(dir) / "out" / ".cache" / "prepared";
    auto memo = [&] {
        for (const auto& entry : fs::directory_iterator(prepared))
            if (entry.path().filename().string().find("drawn-digests") != std::string::npos)
                return read_file(entry.path().string());
        return std::string("no memo");
    };
    auto drawn = [&] {  // page → layer → what it draws
        std::map<std::string, std::map<std::string, std::string>> out;
        const nlohmann::json built = report(dir);
        for (const auto& m : built["maps"])
            for (const auto& input : m["inputs"])
                if (input["kind"] == "drawn")
                    out[m["id"].get<std::string>()][input["name"].get<std::string>()] = input["hash"].get<std::string>();
        return out;
    };
    const std::string memo_before = memo();
    const auto drawn_before = drawn();
    ASSERT_EQ(drawn_before.size(), 2u);
    ASSERT_TRUE(drawn_before.at("pages/02").count("sites"));

    write_file(dir + "/style.json", replace_all(read_file(dir + "/style.json"), "#555555", "#565656"));
    auto r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{
                                         {"pages/01", "built"}, {"pages/02", "built"}, {"pages", "built"}}))
        << r.output;
    EXPECT_EQ(memo(), memo_before);  // every key found: nothing added
    EXPECT_EQ(drawn(), drawn_before);

    // Site b left out of both layers that draw the sites: page 02 draws one site fewer.
    nlohmann::json style = nlohmann::json::parse(read_file(dir + "/style.json"));
    for (auto& l : style["layers"])
        if (l["source-layer"] == "sites") l["filter"] = nlohmann::json::parse(R"(["!=", ["get", "id"], "site-b"])");
    write_file(dir + "/style.json", style.dump(1));
    r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(memo(), memo_before);
    const auto drawn_after = drawn();
    EXPECT_NE(drawn_after.at("pages/02").at("sites"), drawn_before.at("pages/02").at("sites"));
    EXPECT_EQ(drawn_after.at("pages/02").at("departements"), drawn_before.at("pages/02").at("departements"));
}
