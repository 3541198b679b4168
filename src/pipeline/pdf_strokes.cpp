#include "pipeline/pdf_strokes.hpp"

#include <charconv>
#include <exception>
#include <memory>
#include <set>
#include <vector>

#include <fmt/format.h>
// qpdf 11 without its PointerHolder compatibility layer (std::shared_ptr only).
#define POINTERHOLDER_TRANSITION 4
#include <qpdf/Buffer.hh>
#include <qpdf/Pl_QPDFTokenizer.hh>
#include <qpdf/Pl_String.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFTokenizer.hh>
#include <qpdf/QPDFWriter.hh>

#include "core/diagnostic.hpp"
#include "pipeline/qpdf_lock.hpp"
#include "pipeline/qpdf_rewrite.hpp"

namespace cartelier::pipeline {

namespace {

using Object = QPDFObjectHandle;
using Token = QPDFTokenizer::Token;

bool number_value(const Token& token, double& value) {
    if (token.getType() != QPDFTokenizer::tt_integer && token.getType() != QPDFTokenizer::tt_real) return false;
    const std::string& text = token.getValue();
    const char* begin = text.data();
    if (!text.empty() && text.front() == '+') ++begin;
    const auto [end, ec] = std::from_chars(begin, text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size();
}

/// The rewrite as a qpdf token filter: the tokens since the last operator are held back until the next
/// operator says whether they are the three equal components of a stroking RGB colour.
class NeutralStrokeFilter : public Object::TokenFilter {
public:
    void handleToken(const Token& token) override {
        if (token.getType() == QPDFTokenizer::tt_eof) return;
        if (token.getType() != QPDFTokenizer::tt_word) {
            held_.push_back(token);
            return;
        }
        if (token.getValue() == "RG") {
            std::vector<std::size_t> operands;
            for (std::size_t i = 0; i < held_.size(); ++i)
                if (held_[i].getType() != QPDFTokenizer::tt_space) operands.push_back(i);
            double r = 0, g = 0, b = 0;
            if (operands.size() == 3 && number_value(held_[operands[0]], r) && number_value(held_[operands[1]], g) &&
                number_value(held_[operands[2]], b) && r == g && g == b) {
                for (std::size_t i = 0; i < operands[0]; ++i) writeToken(held_[i]);  // the space before
                writeToken(held_[operands[0]]);
                write(" G");
                held_.clear();
                return;
            }
        }
        flush();
        writeToken(token);
    }
    void handleEOF() override { flush(); }

private:
    void flush() {
        for (const Token& t : held_) writeToken(t);
        held_.clear();
    }
    std::vector<Token> held_;
};

/// Adds the filter to every form XObject and tiling pattern of `resources`, and of theirs, once each.
void filter_resources(Object resources, std::set<QPDFObjGen>& seen) {
    if (!resources.isDictionary()) return;
    for (const char* category : {"/XObject", "/Pattern"}) {
        Object entries = resources.getKey(category);
        if (!entries.isDictionary()) continue;
        for (const std::string& key : entries.getKeys()) {
            Object stream = entries.getKey(key);
            if (!stream.isStream()) continue;  // shading patterns are dictionaries, without content
            Object dict = stream.getDict();
            const bool form = dict.getKey("/Subtype").isNameAndEquals("/Form");
            const bool tiling = dict.getKey("/PatternType").isInteger() && dict.getKey("/PatternType").getIntValue() == 1;
            if (!form && !tiling) continue;  // images
            if (stream.isIndirect() && !seen.insert(stream.getObjGen()).second) continue;
            stream.addTokenFilter(std::make_shared<NeutralStrokeFilter>());
            filter_resources(dict.getKey("/Resources"), seen);
        }
    }
}

}  // namespace

std::string gray_neutral_strokes_in_content(std::string_view content) {
    std::lock_guard<std::mutex> lock(qpdf_mutex());  // pipeline/qpdf_lock.hpp
    std::string out;
    Pl_String sink("neutral strokes", nullptr, out);
    NeutralStrokeFilter filter;
    Pl_QPDFTokenizer tokenizer("neutral strokes", &filter, &sink);
    tokenizer.write(reinterpret_cast<const unsigned char*>(content.data()), content.size());
    tokenizer.finish();
    return out;
}

std::string gray_neutral_strokes(std::string_view pdf) {
    return rewrite_pdf(
        pdf, {"prepare the print PDF", "the master"},
        [](QPDF& document) {
            std::set<QPDFObjGen> seen;
            for (QPDFPageObjectHelper& page : QPDFPageDocumentHelper(document).getAllPages()) {
                page.addContentTokenFilter(std::make_shared<NeutralStrokeFilter>());
                filter_resources(page.getAttribute("/Resources", false), seen);
            }
        },
        [](QPDFWriter& writer) {
            writer.setCompressStreams(false);  // read once by Ghostscript: readable rather than small
            writer.setDecodeLevel(qpdf_dl_generalized);
        });
}

}  // namespace cartelier::pipeline
