// The credits line (pipeline/credits.hpp): a layer whose edition no SOURCES.json records is credited with
// its attribution, placeholder removed, once, and a warning at the attribution asks for the edition.
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "pipeline/credits.hpp"
#include "test_paths.hpp"

namespace cartelier {
namespace {

namespace fs = std::filesystem;
using pipeline::without_edition;
using pipeline::without_sentence;

TEST(Credits, WithoutEditionRemovesThePlaceholderAndItsJoint) {
    EXPECT_EQ(without_edition("Limites administratives : {edition}"), "Limites administratives");
    EXPECT_EQ(without_edition("Limites administratives\u00a0: {edition}"), "Limites administratives");
    EXPECT_EQ(without_edition("Limites administratives, {edition}."), "Limites administratives.");
    EXPECT_EQ(without_edition("Limites ({edition})"), "Limites");
    EXPECT_EQ(without_edition("{edition} \u2013 Limites"), "Limites");
    EXPECT_EQ(without_edition("IGN {edition} Admin Express"), "IGN Admin Express");
    EXPECT_EQ(without_edition("A : {edition}, B : {edition}"), "A, B");
    EXPECT_EQ(without_edition("{edition}"), "");
    EXPECT_EQ(without_edition("Sites : enquête 2024"), "Sites : enquête 2024");
}

/// A project with two layers of areas read from files in `dir` (SOURCES.json written by the test).
pipeline::Project project_in(const fs::path& dir, const std::string& attribution_a, const std::string& attribution_b) {
    pipeline::Project p;
    p.file = (dir / "cartelier.yaml").string();
    p.root = dir;
    p.producer = "Moi";
    fs::create_directories(dir / "mine");
    fs::create_directories(dir / "layers" / "cache");
    for (const auto& [name, path, attribution] :
         {std::tuple{"departements", dir / "mine" / "departements.gpkg", attribution_a},
          std::tuple{"regions", dir / "layers" / "cache" / "regions.geojson", attribution_b}}) {
        std::ofstream(path) << "{}";
        pipeline::LayerDecl l;
        l.spec.name = name;
        l.spec.path = path.string();
        l.attribution = attribution;
        l.attribution_at = SourceLocation{p.file, name == std::string("departements") ? 7 : 11, 18,
                                          fmt::format("layers.{}.attribution", name)};
        p.layers.emplace(name, l);
    }
    std::ofstream(dir / "layers" / "cache" / "SOURCES.json") << R"({"regions": {"edition": "IGN 2018"}})";
    return p;
}

pipeline::MapDecl map_m() {
    pipeline::MapDecl m;
    m.id = "m";
    m.credits_template = "Sources : {sources}. Réalisation : {producer}, {date}.";
    return m;
}

TEST(Credits, AnUnknownEditionIsLeftOutOfTheMapAndWarnedAtTheAttribution) {
    const fs::path dir = test::temp_dir("credits-unknown");
    const auto p = project_in(dir, "Limites départementales : {edition}", "Limites régionales : {edition}");
    Diagnostics warnings;
    const std::string text = pipeline::credits_text(p, map_m(), {"departements", "regions"}, 0, warnings);
    EXPECT_EQ(text, "Sources : Limites départementales ; Limites régionales : IGN 2018. Réalisation : Moi, 1 janvier 1970.");
    EXPECT_EQ(text.find("inconnue"), std::string::npos);
    ASSERT_EQ(warnings.items().size(), 1u) << warnings.format();
    const Diagnostic& w = warnings.items().front();
    EXPECT_EQ(w.severity, Severity::Warning);
    EXPECT_EQ(w.where.line, 7);
    EXPECT_EQ(w.where.path, "layers.departements.attribution");
    EXPECT_NE(w.message.find("the edition of layer 'departements' is unknown"), std::string::npos) << w.message;
    EXPECT_NE(w.message.find("mine/departements.gpkg"), std::string::npos) << w.message;
    EXPECT_NE(w.hint.find("write the edition in 'attribution'"), std::string::npos) << w.hint;
}

TEST(Credits, TheSameAttributionIsNotRepeatedWhenOneEditionIsUnknown) {
    const fs::path dir = test::temp_dir("credits-repeat");
    const auto p = project_in(dir, "Limites administratives : {edition}", "Limites administratives : {edition}");
    Diagnostics warnings;
    const std::string text = pipeline::credits_text(p, map_m(), {"departements", "regions"}, 0, warnings);
    EXPECT_EQ(text, "Sources : Limites administratives : IGN 2018. Réalisation : Moi, 1 janvier 1970.");
    EXPECT_EQ(warnings.items().size(), 1u) << warnings.format();

    // Both unknown: once, without the placeholder.
    fs::remove(dir / "layers" / "cache" / "SOURCES.json");
    Diagnostics both;
    EXPECT_EQ(pipeline::credits_text(p, map_m(), {"departements", "regions"}, 0, both),
              "Sources : Limites administratives. Réalisation : Moi, 1 janvier 1970.");
    EXPECT_EQ(both.items().size(), 2u) << both.format();
}

TEST(Credits, AKnownEditionOrAnAttributionWithoutPlaceholderGivesNoWarning) {
    const fs::path dir = test::temp_dir("credits-known");
    const auto p = project_in(dir, "Sites : enquête 2024", "Limites : {edition}");
    Diagnostics warnings;
    EXPECT_EQ(pipeline::credits_text(p, map_m(), {"departements", "regions"}, 0, warnings),
              "Sources : Sites : enquête 2024 ; Limites : IGN 2018. Réalisation : Moi, 1 janvier 1970.");
    EXPECT_TRUE(warnings.empty()) << warnings.format();
}

TEST(Credits, WithoutSentenceRemovesTheSentenceOfTheToken) {
    EXPECT_EQ(without_sentence("Sources : {sources}. Réalisation : {date}.", "{sources}"), "Réalisation : {date}.");
    EXPECT_EQ(without_sentence("Carte : {producer}. Données : {sources}.", "{sources}"), "Carte : {producer}.");
    EXPECT_EQ(without_sentence("A. Données : {sources}. B.", "{sources}"), "A. B.");
    EXPECT_EQ(without_sentence("{sources}", "{sources}"), "");
    EXPECT_EQ(without_sentence("Réalisation : {date}.", "{sources}"), "Réalisation : {date}.");
}

TEST(Credits, AMapWhoseLayersNameNoSourceSaysNoEmptySourcesAndIsWarned) {
    const fs::path dir = test::temp_dir("credits-none");
    const auto p = project_in(dir, "", "");  // no attribution text; regions' edition from its SOURCES.json
    pipeline::MapDecl m = map_m();
    m.declared_at = SourceLocation{p.file, 20, 3, "maps.m"};
    // One layer credited (by its SOURCES.json): the sentence stays, and no warning.
    Diagnostics none;
    EXPECT_EQ(pipeline::credits_text(p, m, {"departements", "regions"}, 0, none),
              "Sources : IGN 2018. Réalisation : Moi, 1 janvier 1970.");
    EXPECT_TRUE(none.empty()) << none.format();
    // None credited: no "Sources : ." on the page, and a warning at the map.
    fs::remove(dir / "layers" / "cache" / "SOURCES.json");
    Diagnostics warnings;
    EXPECT_EQ(pipeline::credits_text(p, m, {"departements", "regions"}, 0, warnings), "Réalisation : Moi, 1 janvier 1970.");
    ASSERT_EQ(warnings.items().size(), 1u) << warnings.format();
    EXPECT_NE(warnings.format().find("cartelier.yaml:20:3: warning: maps.m: no layer drawn on map 'm' names its source"),
              std::string::npos)
        << warnings.format();
}

TEST(Credits, TheDefaultLineNamesTheProducerOnlyWhenTheProjectHasOne) {
    const fs::path dir = test::temp_dir("credits-producer");
    std::ofstream(dir / "style.json") << R"({"version": 8, "sources": {}, "layers": []})";
    auto load = [&](const std::string& producer_line) {
        std::ofstream(dir / "cartelier.yaml") << "version: 1\n" << producer_line
                                              << "layers: {}\nmaps:\n  m:\n    style: style.json\n    extent: [0, 0, 1000, 1000]\n";
        return pipeline::load_project((dir / "cartelier.yaml").string()).maps.at(0).credits_template;
    };
    EXPECT_EQ(load("producer: Moi\n"), "Sources : {sources}. Réalisation : {producer}, {date}.");
    EXPECT_EQ(load(""), "Sources : {sources}. Réalisation : {date}.");
}

}  // namespace
}  // namespace cartelier
