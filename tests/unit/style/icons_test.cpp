// Icon names (icon-image) to files: NAME is icons/NAME.svg, else icons/NAME.png, beside the style; never
// outside the icons folder nor, symbolic links resolved, outside the project folder. Constant names are
// checked when the style loads, at the icon-image value (file, line, column, JSON path).
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "style/style.hpp"
#include "test_paths.hpp"

namespace cartelier::style {
namespace {

namespace fs = std::filesystem;

const char* kSvg = "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><rect width='10' height='10'/></svg>";

void write(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

/// A project folder with a style file name in it (the style itself is given as text).
struct Project {
    std::string dir;
    explicit Project(const std::string& name) : dir(test::temp_dir("icons-" + name)) {}
    std::string style_file() const { return dir + "/style.json"; }
    Style style(const std::string& icon_image, const StyleEnvironment* env = nullptr) const {
        return parse_style(doc::load_string(text(icon_image), style_file()), nullptr, env);
    }
    static std::string text(const std::string& icon_image) {
        return "{\"version\": 8, \"sources\": {\"p\": {\"type\": \"vector\", \"url\": \"cartelier://project\"}},\n"
               "\"layers\": [\n"
               "{\"id\": \"sites\", \"type\": \"symbol\", \"source\": \"p\", \"source-layer\": \"sites\",\n"
               " \"layout\": {\"icon-image\": " +
               icon_image + "}}\n]}";
    }
    Diagnostics errors(const std::string& icon_image, const StyleEnvironment* env = nullptr) const {
        try {
            style(icon_image, env);
        } catch (const Error& e) {
            return e.diagnostics();
        }
        ADD_FAILURE() << "accepted: " << icon_image;
        return {};
    }
};

Style empty_style(const Project& p) { return p.style("\"\""); }

TEST(IconResolution, NameIsAnSvgOrPngOfTheIconsFolderBesideTheStyle) {
    Project p("names");
    write(p.dir + "/icons/pin.svg", kSvg);
    write(p.dir + "/icons/dot.png", "png bytes (only resolved here, not read)");
    write(p.dir + "/icons/both.svg", kSvg);
    write(p.dir + "/icons/both.png", "x");
    write(p.dir + "/icons/transport/gare.svg", kSvg);
    Style s = empty_style(p);
    EXPECT_EQ(s.icon_dir, p.dir + "/icons");

    auto pin = resolve_icon(s, "pin");
    ASSERT_TRUE(pin) << pin.error;
    EXPECT_EQ(pin.path, p.dir + "/icons/pin.svg");
    EXPECT_EQ(pin.candidates, (std::vector<std::string>{p.dir + "/icons/pin.svg", p.dir + "/icons/pin.png"}));
    EXPECT_EQ(resolve_icon(s, "dot").path, p.dir + "/icons/dot.png");
    EXPECT_EQ(resolve_icon(s, "both").path, p.dir + "/icons/both.svg") << "SVG first";
    EXPECT_EQ(resolve_icon(s, "transport/gare").path, p.dir + "/icons/transport/gare.svg");
    EXPECT_EQ(resolve_icon(s, "transport/../pin").path, p.dir + "/icons/pin.svg") << "normalised, still inside";
}

TEST(IconResolution, MissingIconSaysWhatWasExpectedAndSuggests) {
    Project p("missing");
    write(p.dir + "/icons/marker.svg", kSvg);
    Style s = empty_style(p);
    auto r = resolve_icon(s, "marker2");
    EXPECT_FALSE(r);
    EXPECT_NE(r.error.find("icon \"marker2\" not found: expected " + p.dir + "/icons/marker2.svg or " + p.dir +
                           "/icons/marker2.png, found neither"),
              std::string::npos)
        << r.error;
    EXPECT_EQ(r.hint, "did you mean \"marker\"?");
    EXPECT_EQ(r.candidates.size(), 2u) << "the files that would decide the name are still known";
    auto ext = resolve_icon(s, "marker.svg");
    EXPECT_FALSE(ext);
    EXPECT_EQ(ext.hint, "give the name without its extension: \"marker\"");
}

TEST(IconResolution, NamesOutsideTheIconsFolderOrTheProjectAreErrors) {
    Project p("outside");
    write(p.dir + "/icons/ok.svg", kSvg);
    write(p.dir + "/secret.svg", kSvg);  // in the project, but not an icon
    Style s = empty_style(p);

    auto up = resolve_icon(s, "../secret");
    EXPECT_FALSE(up);
    EXPECT_NE(up.error.find("found \"../secret\", which resolves to " + p.dir + "/secret: outside the icons folder"),
              std::string::npos)
        << up.error;
    auto far = resolve_icon(s, "../../../../etc/passwd");
    EXPECT_FALSE(far);
    EXPECT_NE(far.error.find("outside the icons folder and outside the project folder"), std::string::npos) << far.error;
    auto absolute = resolve_icon(s, "/etc/passwd");
    EXPECT_FALSE(absolute);
    EXPECT_NE(absolute.error.find("found the absolute path \"/etc/passwd\""), std::string::npos) << absolute.error;
    EXPECT_FALSE(resolve_icon(s, "."));

    // A symbolic link that leaves the project folder.
    const std::string elsewhere = test::temp_dir("icons-elsewhere") + "/x.svg";
    write(elsewhere, kSvg);
    fs::create_symlink(elsewhere, p.dir + "/icons/escape.svg");
    auto link = resolve_icon(s, "escape");
    EXPECT_FALSE(link);
    EXPECT_NE(link.error.find("which is a symbolic link to " + fs::weakly_canonical(elsewhere).string() + ", outside it"),
              std::string::npos)
        << link.error;
    // A link that stays inside the project is fine.
    fs::create_symlink(p.dir + "/icons/ok.svg", p.dir + "/icons/alias.svg");
    EXPECT_TRUE(resolve_icon(s, "alias")) << resolve_icon(s, "alias").error;
}

TEST(IconResolution, TheProjectFolderBoundsTheIcons) {
    // The style in a subfolder of the project: its icons may link anywhere in the project, not out of it.
    Project p("bounds");
    write(p.dir + "/shared/pin.svg", kSvg);
    fs::create_directories(p.dir + "/styles/icons");
    fs::create_symlink(p.dir + "/shared/pin.svg", p.dir + "/styles/icons/pin.svg");
    const std::string text = Project::text("\"pin\"");
    StyleEnvironment env;
    env.project_root = p.dir;
    Style s = parse_style(doc::load_string(text, p.dir + "/styles/style.json"), nullptr, &env);
    EXPECT_TRUE(resolve_icon(s, "pin"));
    // Without the project, the style's own folder bounds them.
    EXPECT_THROW(parse_style(doc::load_string(text, p.dir + "/styles/style.json")), Error);
}

TEST(IconResolution, ConstantNamesAreCheckedWhenTheStyleLoads) {
    Project p("load");
    write(p.dir + "/icons/pin.svg", kSvg);
    EXPECT_NO_THROW(p.style("\"pin\""));
    EXPECT_NO_THROW(p.style("[\"literal\", \"pin\"]"));
    EXPECT_NO_THROW(p.style("\"\"")) << "an empty name is no icon, as in MapLibre";
    // Data-driven names are checked per feature by the build, not here.
    EXPECT_NO_THROW(p.style("[\"get\", \"kind\"]"));
    EXPECT_NO_THROW(p.style("\"{kind}\""));

    Diagnostics missing = p.errors("\"pni\"");
    ASSERT_EQ(missing.error_count(), 1u) << missing.format();
    const std::string line = missing.items()[0].format();
    EXPECT_NE(line.find(p.style_file() + ":4:27: error: layers[0].layout.icon-image: icon \"pni\" not found: expected "),
              std::string::npos)
        << line;
    EXPECT_NE(line.find("did you mean \"pin\"?"), std::string::npos) << line;

    Diagnostics outside = p.errors("\"../style\"");
    ASSERT_EQ(outside.error_count(), 1u);
    EXPECT_NE(outside.items()[0].format().find("layers[0].layout.icon-image: expected the name of an icon of"),
              std::string::npos)
        << outside.format();
}

TEST(IconResolution, TheEnvironmentReadsEachConstantIcon) {
    Project p("env");
    write(p.dir + "/icons/pin.svg", kSvg);
    std::vector<std::string> checked;
    StyleEnvironment env;
    env.project_root = p.dir;
    env.check_icon = [&](const std::string& path) {
        checked.push_back(path);
        return std::string("expected an SVG or PNG image that can be drawn, found it broken");
    };
    Diagnostics d = p.errors("\"pin\"", &env);
    EXPECT_EQ(checked, std::vector<std::string>{p.dir + "/icons/pin.svg"});
    ASSERT_EQ(d.error_count(), 1u);
    EXPECT_NE(d.items()[0].format().find(":4:27: error: layers[0].layout.icon-image: expected an SVG or PNG image"),
              std::string::npos)
        << d.format();
}

TEST(IconResolution, PropertiesRememberWhereTheyAreWritten) {
    Project p("where");
    Style s = p.style("[\"get\", \"kind\"]");
    const SourceLocation& at = s.layers[0].location(Prop::IconImage);
    EXPECT_EQ(at.file, p.style_file());
    EXPECT_EQ(at.line, 4);
    EXPECT_EQ(at.column, 27);
    EXPECT_EQ(at.path, "layers[0].layout.icon-image");
    EXPECT_EQ(s.layers[0].location(Prop::IconSize).line, 0) << "unset";
}

}  // namespace
}  // namespace cartelier::style
