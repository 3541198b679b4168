// libFuzzer target: the style reader (JSON or YAML text → typed style, with legacy syntaxes).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/document.hpp"
#include "style/style.hpp"

using namespace cartelier;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    try {
        doc::Document document = doc::load_string(text, "fuzz.json");
        Diagnostics warnings;
        style::Style s = style::parse_style(document, &warnings);
        (void)s.source_layers();
    } catch (const Error& e) {
        (void)e.diagnostics().format();
    }
    return 0;
}
