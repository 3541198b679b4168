// A text-font none of whose fonts is installed: fontconfig always answers with some font, so the text would
// be drawn in a stand-in, silently. The build warns at the style's text-font (pipeline/prepare.cpp); a
// stack whose later font is installed, and fontconfig's generic names, are not warned.
#include <gtest/gtest.h>

#include "nightly_fixture.hpp"
#include "pipeline/state.hpp"
#include "text_files.hpp"

using namespace cartelier;
using namespace cartelier::test::nightly;

namespace {

/// The mini fixture whose labels layer is repeated with each text-font of `fonts` (layers[4], [5]…).
std::string with_fonts(const std::string& name, const std::vector<nlohmann::json>& fonts) {
    std::string dir = copy_mini(name);
    nlohmann::json style = nlohmann::json::parse(read_file(dir + "/style.json"));
    nlohmann::json labels;
    for (const auto& l : style["layers"])
        if (l["id"] == "labels") labels = l;
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& l : style["layers"])
        if (l["id"] != "labels") layers.push_back(l);
    for (std::size_t i = 0; i < fonts.size(); ++i) {
        nlohmann::json l = labels;
        l["id"] = fmt::format("labels-{}", i);
        l["layout"]["text-font"] = fonts[i];
        layers.push_back(l);
    }
    style["layers"] = layers;
    write_file(dir + "/style.json", style.dump(1));
    return dir;
}

}  // namespace

TEST(Fonts, ATextFontNotInstalledIsAWarningAtItsPlace) {
    const std::string dir = with_fonts("fonts-missing", {nlohmann::json::array({"Cartelier Nowhere Sans Bold"}),
                                                         nlohmann::json::array({"Cartelier Nowhere Sans Bold", "DejaVu Sans Bold"}),
                                                         nlohmann::json::array({"sans-serif"}),
                                                         nlohmann::json::array({"DEJAVU SANS Bold"})});
    auto r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    // layers: sea, land, borders, sites, then labels-0…3 (layers[4]…[7]).
    EXPECT_NE(r.output.find("style.json:"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("warning: layers[4].layout.text-font: the font 'Cartelier Nowhere Sans Bold' is not "
                            "installed on this machine: its text is drawn in '"),
              std::string::npos)
        << r.output;
    // The stack falls back on an installed font; a generic name, and a family written in another case, are
    // installed fonts.
    for (int i : {5, 6, 7})
        EXPECT_EQ(r.output.find(fmt::format("layers[{}].layout.text-font", i)), std::string::npos) << r.output;
    // Strict (a nightly build): the stand-in font is an error.
    r = run_cartelier(dir, "--strict --force");
    EXPECT_EQ(r.status, 1) << r.output;
}

TEST(Fonts, AProjectFontNotInstalledIsAWarningAtItsLine) {
    const std::string dir = with_fonts("fonts-page", {});
    write_file(dir + "/cartelier.yaml",
               replace_all(read_file(dir + "/cartelier.yaml"), "    dpi: 100", "    dpi: 100\n    font: Cartelier Nowhere Sans"));
    auto r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    const int line = test::line_of(read_file(dir + "/cartelier.yaml"), "font: Cartelier Nowhere Sans");
    EXPECT_NE(r.output.find(fmt::format("cartelier.yaml:{}:11: warning: maps.mini.font: the font 'Cartelier Nowhere Sans' "
                                        "of the page's texts is not installed on this machine: they are drawn in '",
                                        line)),
              std::string::npos)
        << r.output;
}

TEST(Fonts, FontconfigsAnswerIsOfTheFamilyAskedForOrAStandIn) {
    pipeline::FontResolver fonts;
    const auto dejavu = fonts.match("DejaVu Sans Bold");
    EXPECT_FALSE(dejavu.file.empty());
    EXPECT_EQ(dejavu.family, "DejaVu Sans");
    EXPECT_TRUE(dejavu.installed());
    const auto nowhere = fonts.match("Cartelier Nowhere Sans Bold");
    EXPECT_EQ(nowhere.family, "Cartelier Nowhere Sans");
    EXPECT_FALSE(nowhere.file.empty());  // fontconfig always answers…
    EXPECT_FALSE(nowhere.installed());   // …with a stand-in
    pipeline::FontResolver::Match generic;
    generic.family = "Sans-Serif";
    EXPECT_TRUE(generic.installed());
    pipeline::FontResolver::Match cased{"f.ttf", "dejavu sans", {"DejaVu Sans", "DejaVu Sans Condensed"}};
    EXPECT_TRUE(cased.installed());
}
