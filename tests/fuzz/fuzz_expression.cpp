// libFuzzer target: the expression compiler, then evaluation of what compiled on a small feature at a
// few zooms (so the evaluator meets every tree the compiler accepts).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/document.hpp"
#include "style/expression/expression.hpp"

using namespace cartelier;
using namespace cartelier::style::expr;

namespace {

class Feature : public FeatureView {
public:
    std::optional<Value> property(const std::string& name) const override {
        auto all = properties();
        auto it = all.find(name);
        if (it == all.end()) return std::nullopt;
        return it->second;
    }
    Object properties() const override {
        return Object{{"name", Value("Bar-le-Duc")}, {"session", Value("flash-2019")}, {"year", Value(2019)},
                      {"population", Value(15000.5)}, {"flag", Value(true)}, {"none", Value()},
                      {"list", Value(Array{Value(1), Value("a")})}};
    }
    Value id() const override { return Value(7); }
    std::string geometry_type() const override { return "Point"; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    try {
        doc::Document document = doc::load_string(text, "fuzz.json");
        Diagnostics d;
        ExpressionPtr e = compile(document.root, "fuzz.json", "expr", std::nullopt, d);
        if (!e) return 0;
        Feature f;
        for (double zoom : {0.0, 5.5, 22.0}) {
            Result r = e->evaluate({zoom, &f});
            if (r) (void)r.value->to_json();
        }
    } catch (const Error& e) {
        (void)e.diagnostics().format();
    }
    return 0;
}
