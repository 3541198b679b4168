// The order of texts as people read them: the atlas's pages sorted by a name (pipeline/atlas.hpp).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <unicode/uversion.h>

U_NAMESPACE_BEGIN
class Collator;
U_NAMESPACE_END

namespace cartelier::pipeline {

/// The Unicode Collation Algorithm's default order (CLDR root, as ICU implements it), strength
/// tertiary: letters first by their base letter (Écouves among the E's, before Fumel; abbaye before
/// Zèbre), then by accents, then by case. Byte order put every name starting with É or a lower-case
/// letter after Z. The same texts give the same order on every machine with the same ICU version (no
/// locale of the system is read).
class TextCollator {
public:
    /// Throws Error when ICU cannot open the root collation (its data missing).
    TextCollator();
    ~TextCollator();
    TextCollator(const TextCollator&) = delete;
    TextCollator& operator=(const TextCollator&) = delete;

    /// The sort key of UTF-8 `text`: keys compare bytewise (std::string's <) in the collation's order.
    /// Invalid UTF-8 sequences count as U+FFFD. Texts that differ only in what the collation ignores
    /// (control characters, canonically equivalent forms) have the same key.
    std::string key(std::string_view text) const;

    /// <0, 0, >0: a before, with, or after b.
    int compare(std::string_view a, std::string_view b) const;

private:
    std::unique_ptr<icu::Collator> collator_;
};

}  // namespace cartelier::pipeline
