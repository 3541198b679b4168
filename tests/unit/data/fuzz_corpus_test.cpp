// Replays the fuzz corpora (tests/fuzz/corpus/<target>/: seeds from the tests, plus every input a
// fuzzer ever crashed on, kept as a regression) through the code the libFuzzer targets exercise, in the
// ordinary and the sanitizer builds. A crash here is a crash of the program on that input.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "pipeline/project.hpp"
#include "core/document.hpp"
#include "data/geojson_reader.hpp"
#include "data/layer_reader.hpp"
#include "geojson_invariants.hpp"
#include "data/table.hpp"
#include "style/expression/expression.hpp"
#include "style/style.hpp"
#include "test_paths.hpp"

using namespace cartelier;
namespace fs = std::filesystem;

namespace {

std::vector<std::pair<std::string, std::string>> corpus(const std::string& target) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& e : fs::directory_iterator(test::datapath("fuzz/corpus/" + target))) {
        std::ifstream in(e.path(), std::ios::binary);
        out.emplace_back(e.path().filename().string(), std::string(std::istreambuf_iterator<char>(in), {}));
    }
    std::sort(out.begin(), out.end());
    return out;
}

class TestFeature : public style::expr::FeatureView {
public:
    std::optional<style::expr::Value> property(const std::string& name) const override {
        auto all = properties();
        auto it = all.find(name);
        if (it == all.end()) return std::nullopt;
        return it->second;
    }
    style::expr::Object properties() const override {
        return {{"name", style::expr::Value("Bar-le-Duc")}, {"year", style::expr::Value(2019)}};
    }
    style::expr::Value id() const override { return style::expr::Value(7); }
    std::string geometry_type() const override { return "Point"; }
};

}  // namespace

TEST(FuzzCorpus, CsvReaderSurvivesEveryInput) {
    auto inputs = corpus("csv");
    ASSERT_GE(inputs.size(), 5u);
    for (const auto& [name, text] : inputs) {
        Diagnostics d;
        data::Table t = data::parse_csv(text, name, d);
        for (const auto& row : t.rows) {
            EXPECT_EQ(row.cells.size(), t.columns.size()) << name << " line " << row.line;
            for (const auto& cell : row.cells) (void)data::parse_decimal(cell);
        }
    }
}

TEST(FuzzCorpus, GeojsonReaderReadsEveryInputWellOrDeclinesIt) {
    auto inputs = corpus("geojson");
    ASSERT_GE(inputs.size(), 5u);
    std::size_t read = 0;
    for (const auto& [name, text] : inputs) {
        data::LayerSpec spec;
        spec.name = "fuzz";
        spec.path = name;
        Layer layer;
        const data::GeojsonRead r = data::try_read_geojson_text(text, spec, {}, layer);
        if (r.read) {
            ++read;
            EXPECT_EQ(test::geojson_layer_problem(layer), "") << name;
        } else {
            EXPECT_FALSE(r.declined.empty()) << name;
            EXPECT_TRUE(layer.features.empty()) << name;
        }
    }
    EXPECT_GE(read, 2u);  // the seeds of well-formed collections
}

TEST(FuzzCorpus, ProjectReaderSurvivesEveryInput) {
    auto inputs = corpus("project");
    ASSERT_GE(inputs.size(), 2u);
    std::string dir = test::temp_dir("fuzz-project");
    for (const auto& [name, text] : inputs) {
        std::string path = dir + "/cartelier.yaml";
        std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
        try {
            (void)pipeline::load_project(path);
        } catch (const Error& e) {
            EXPECT_TRUE(e.diagnostics().has_errors()) << name;
        }
    }
}

TEST(FuzzCorpus, StyleReaderSurvivesEveryInput) {
    auto inputs = corpus("style");
    ASSERT_GE(inputs.size(), 5u);
    for (const auto& [name, text] : inputs) {
        try {
            Diagnostics warnings;
            (void)style::parse_style(doc::load_string(text, name), &warnings);
        } catch (const Error& e) {
            EXPECT_TRUE(e.diagnostics().has_errors()) << name;
        }
    }
}

TEST(FuzzCorpus, ExpressionCompilerSurvivesEveryInput) {
    auto inputs = corpus("expression");
    ASSERT_GE(inputs.size(), 50u);
    std::size_t compiled = 0;
    TestFeature f;
    for (const auto& [name, text] : inputs) {
        try {
            doc::Document document = doc::load_string(text, name);
            Diagnostics d;
            auto e = style::expr::compile(document.root, name, "expr", std::nullopt, d);
            if (!e) continue;
            ++compiled;
            for (double zoom : {0.0, 5.5, 22.0}) (void)e->evaluate({zoom, &f});
        } catch (const Error&) {
        }
    }
    EXPECT_GT(compiled, 20u);
}
