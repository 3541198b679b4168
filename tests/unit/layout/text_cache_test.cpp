// CachingTextMeasurer: the inner measurer's metrics, each (text, style) measured once, styles that
// differ in any field measured apart, and the same answers under concurrent calls.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "fixed_measurer.hpp"
#include "layout/text_cache.hpp"

using namespace cartelier;

namespace {

/// The fixed measurer, counting its calls; the width also depends on the font, the letter spacing and
/// the justification, so that a cache confusing styles would return visibly wrong metrics.
class CountingMeasurer final : public layout::TextMeasurer {
public:
    layout::TextMetrics measure(const std::string& text, const layout::TextStyle& style) const override {
        ++calls;
        layout::TextMetrics m = fixed.measure(text, style);
        if (!style.fonts.empty() && style.fonts.front().find("Bold") != std::string::npos) m.width *= 1.1;
        m.width += style.letter_spacing_em * style.size_pt * static_cast<double>(text.size());
        if (style.justify == "center") m.width += 0.25;
        return m;
    }
    mutable std::atomic<int> calls{0};

private:
    test::FixedMeasurer fixed;
};

void expect_same(const layout::TextMetrics& a, const layout::TextMetrics& b) {
    EXPECT_EQ(a.width, b.width);
    EXPECT_EQ(a.height, b.height);
    EXPECT_EQ(a.lines, b.lines);
}

}  // namespace

TEST(CachingTextMeasurer, ReturnsTheInnerMetricsAndMeasuresEachTextOnce) {
    CountingMeasurer inner;
    layout::CachingTextMeasurer cache(inner);
    layout::TextStyle style;
    style.size_pt = 7.5;
    const auto first = cache.measure("Fontenay-sous-Bois", style);
    const int after_first = inner.calls;
    expect_same(first, inner.measure("Fontenay-sous-Bois", style));
    inner.calls = after_first;
    for (int k = 0; k < 5; ++k) expect_same(cache.measure("Fontenay-sous-Bois", style), first);
    EXPECT_EQ(inner.calls, 1);
    EXPECT_EQ(cache.size(), 1u);
    // Another text in the same style is measured.
    expect_same(cache.measure("Bobigny", style), inner.measure("Bobigny", style));
    EXPECT_EQ(cache.size(), 2u);
    EXPECT_NE(cache.measure("Bobigny", style).width, first.width);
}

TEST(CachingTextMeasurer, TellsStylesApart) {
    CountingMeasurer inner;
    layout::CachingTextMeasurer cache(inner);
    const std::string text = "Pays de Brie Champagne";
    layout::TextStyle base;
    base.size_pt = 8;
    std::vector<layout::TextStyle> styles(9, base);
    styles[1].size_pt = 9;
    styles[2].fonts = {"DejaVu Sans Bold"};
    styles[3].max_width_em = 6;
    styles[4].letter_spacing_em = 0.1;
    styles[5].justify = "center";
    styles[6].halo_width_pt = 1;
    styles[7].line_height_em = 1.5;
    styles[8].color = {1, 0, 0, 1};
    // Twice over: the second pass is answered from memory, each style with its own metrics.
    for (int pass = 0; pass < 2; ++pass)
        for (const auto& s : styles) {
            SCOPED_TRACE(pass);
            const int before = inner.calls;
            const auto expected = inner.measure(text, s);
            inner.calls = before;
            expect_same(cache.measure(text, s), expected);
        }
    EXPECT_EQ(inner.calls, static_cast<int>(styles.size()));
    EXPECT_EQ(cache.size(), styles.size());
    EXPECT_NE(cache.measure(text, styles[1]).width, cache.measure(text, styles[0]).width);
    EXPECT_NE(cache.measure(text, styles[3]).lines, cache.measure(text, styles[0]).lines);
}

TEST(CachingTextMeasurer, ConcurrentCallersGetTheSameMetrics) {
    CountingMeasurer inner;
    layout::CachingTextMeasurer cache(inner);
    layout::TextStyle style;
    const std::vector<std::string> texts = {"Lyon", "Villeurbanne", "Vénissieux", "Saint-Priest", "Bron"};
    std::vector<std::thread> threads;
    std::atomic<int> wrong{0};
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            test::FixedMeasurer fixed;
            for (int k = 0; k < 200; ++k) {
                const std::string& text = texts[static_cast<std::size_t>(k) % texts.size()];
                if (cache.measure(text, style).width != fixed.measure(text, style).width) ++wrong;
            }
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(wrong, 0);
    EXPECT_EQ(inner.calls, static_cast<int>(texts.size()));
}

// The memo a watch keeps between builds: what one measurer measured answers the next one (another
// page, another build) without calling it; bounded, it starts again empty and still answers right.
TEST(TextMetricsMemo, AnswersLaterMeasurersFromMemoryAndStaysWithinItsBound) {
    CountingMeasurer first_page, second_page;
    layout::TextMetricsMemo memo(3);
    layout::TextStyle style;
    style.size_pt = 6;
    const std::vector<std::string> names = {"Arras", "Lens", "Béthune"};
    {
        const layout::MemoTextMeasurer measure(first_page, memo);
        for (const auto& n : names) expect_same(measure.measure(n, style), first_page.measure(n, style));
    }
    EXPECT_EQ(first_page.calls, 6);  // three through the memo, three for the expectations
    EXPECT_EQ(memo.size(), 3u);
    {
        const layout::MemoTextMeasurer measure(second_page, memo);
        for (const auto& n : names) expect_same(measure.measure(n, style), first_page.measure(n, style));
        EXPECT_EQ(second_page.calls, 0);
        // Another style is another text.
        layout::TextStyle bold = style;
        bold.fonts = {"DejaVu Sans Bold"};
        const auto b = measure.measure("Arras", bold);
        EXPECT_EQ(second_page.calls, 1);
        EXPECT_NE(b.width, first_page.measure("Arras", style).width);
        // Full (three pairs): it started again with the bold one alone.
        EXPECT_EQ(memo.size(), 1u);
        expect_same(measure.measure("Lens", style), first_page.measure("Lens", style));
        EXPECT_EQ(second_page.calls, 2);
        EXPECT_EQ(memo.size(), 2u);
        // Measured on another kind of surface: kept apart, measured again.
        const layout::MemoTextMeasurer on_image(second_page, memo, "image 2.78");
        expect_same(on_image.measure("Lens", style), first_page.measure("Lens", style));
        EXPECT_EQ(second_page.calls, 3);
        EXPECT_EQ(memo.size(), 3u);
        expect_same(measure.measure("Lens", style), first_page.measure("Lens", style));
        EXPECT_EQ(second_page.calls, 3);
    }
}

TEST(TextMetricsMemo, PagesOnSeveralThreadsGetTheirOwnMeasurersMetrics) {
    layout::TextMetricsMemo memo;
    layout::TextStyle style;
    std::vector<std::string> texts;
    for (int k = 0; k < 300; ++k) texts.push_back(fmt::format("Commune {}", k));
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            CountingMeasurer own;  // each page its own measurer, as each page its own Pango context
            const layout::MemoTextMeasurer measure(own, memo);
            test::FixedMeasurer fixed;
            for (std::size_t k = 0; k < texts.size(); ++k) {
                const std::string& text = texts[(k * 7 + static_cast<std::size_t>(t) * 31) % texts.size()];
                if (measure.measure(text, style).width != fixed.measure(text, style).width) ++wrong;
            }
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(wrong, 0);
    EXPECT_EQ(memo.size(), texts.size());
}
