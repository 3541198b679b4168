// The order of an atlas's pages by a name (pipeline/collation.hpp): the Unicode Collation Algorithm's
// default order, not the bytes of the UTF-8 text.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "pipeline/collation.hpp"

using cartelier::pipeline::TextCollator;

// French commune names as a reader looks them up: accented capitals among their base letter, lower case
// beside upper case, hyphens and apostrophes no wall between words; by bytes, Écouves, Île-d'Arz and
// "abbaye" came after Yvrandes.
TEST(Collation, FrenchNamesInTheOrderAReaderLooksThemUp) {
    const std::vector<std::string> expected = {"abbaye", "Aigle", "Échalou", "Écouves", "Essay", "Fumel", "Île-d'Arz",
                                               "Isigny", "L'Aigle", "Laigle", "Œting", "Oisseau", "Saint-Aubin",
                                               "Sainte-Anne", "Yvrandes", "Zèbre"};
    const TextCollator collator;
    std::vector<std::string> names = expected;
    std::reverse(names.begin(), names.end());
    std::sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) { return collator.compare(a, b) < 0; });
    EXPECT_EQ(names, expected);
    // The keys sort alike, bytewise.
    std::reverse(names.begin(), names.end());
    std::sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) { return collator.key(a) < collator.key(b); });
    EXPECT_EQ(names, expected);
}

// Accents, then case decide between names that are otherwise the same; canonically equivalent texts
// (é precomposed, or e and a combining accent) have one key; broken UTF-8 is a replacement character,
// not a crash; an empty text comes first.
TEST(Collation, AccentsThenCaseThenEquivalentFormsAndBrokenText) {
    const TextCollator collator;
    EXPECT_LT(collator.compare("cote", "coté"), 0);
    EXPECT_LT(collator.compare("coté", "côte"), 0);
    EXPECT_LT(collator.compare("a", "A"), 0);
    EXPECT_EQ(collator.key("\xC3\xA9"), collator.key("e\xCC\x81"));
    EXPECT_EQ(collator.compare("\xC3\xA9", "e\xCC\x81"), 0);
    EXPECT_NE(collator.key("caf\xC3"), std::string());
    EXPECT_LT(collator.compare("", "a"), 0);
    EXPECT_LT(collator.key(""), collator.key("a"));
    // A key longer than the first buffer (64 bytes).
    const std::string long_name(300, 'x');
    EXPECT_LT(collator.key(long_name), collator.key(long_name + "y"));
}
