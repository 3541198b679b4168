#include "pipeline/collation.hpp"

#include <unicode/coll.h>
#include <unicode/locid.h>
#include <unicode/stringpiece.h>
#include <unicode/unistr.h>

#include <fmt/format.h>

#include "core/diagnostic.hpp"

namespace cartelier::pipeline {

TextCollator::TextCollator() {
    UErrorCode status = U_ZERO_ERROR;
    collator_.reset(icu::Collator::createInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status) || !collator_)
        throw Error(SourceLocation{}, fmt::format("ICU cannot open its root collation: {}", u_errorName(status)));
    collator_->setStrength(icu::Collator::TERTIARY);
}

TextCollator::~TextCollator() = default;

std::string TextCollator::key(std::string_view text) const {
    const icu::UnicodeString s =
        icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<std::int32_t>(text.size())));
    std::string key(64, '\0');
    for (;;) {
        const std::int32_t n = collator_->getSortKey(s, reinterpret_cast<std::uint8_t*>(key.data()),
                                                     static_cast<std::int32_t>(key.size()));
        if (n <= static_cast<std::int32_t>(key.size())) {
            key.resize(n > 0 ? static_cast<std::size_t>(n - 1) : 0);  // without its terminating zero byte
            return key;
        }
        key.assign(static_cast<std::size_t>(n), '\0');
    }
}

int TextCollator::compare(std::string_view a, std::string_view b) const {
    UErrorCode status = U_ZERO_ERROR;
    const UCollationResult r =
        collator_->compareUTF8(icu::StringPiece(a.data(), static_cast<std::int32_t>(a.size())),
                               icu::StringPiece(b.data(), static_cast<std::int32_t>(b.size())), status);
    if (U_FAILURE(status)) return a < b ? -1 : a > b ? 1 : 0;
    return r == UCOL_LESS ? -1 : r == UCOL_GREATER ? 1 : 0;
}

}  // namespace cartelier::pipeline
