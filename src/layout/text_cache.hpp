// A memo of text metrics in front of any TextMeasurer: a page measures the same texts again and again
// (a label's room before the furniture, its trial and final placements, the numbered list), and
// shaping text with Pango costs far more than finding it in a table.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "layout/text_style.hpp"

namespace cartelier::layout {

/// A (text, style) pair as a memo's key, and its lookup without copying the text and the style.
struct TextKey {
    std::string text;
    TextStyle style;

    struct Ref {
        const std::string& text;
        const TextStyle& style;
    };
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(const TextKey& k) const { return (*this)(Ref{k.text, k.style}); }
        std::size_t operator()(const Ref& k) const;
    };
    struct Equal {
        using is_transparent = void;
        bool operator()(const Ref& a, const Ref& b) const;
        bool operator()(const TextKey& a, const TextKey& b) const { return (*this)(Ref{a.text, a.style}, Ref{b.text, b.style}); }
        bool operator()(const Ref& a, const TextKey& b) const { return (*this)(a, Ref{b.text, b.style}); }
        bool operator()(const TextKey& a, const Ref& b) const { return (*this)(Ref{a.text, a.style}, b); }
    };
};

/// Measures with `inner` the first time a text is asked for in a style, and answers later requests for
/// the same text and style from memory. The metrics are exactly the inner measurer's (TextMeasurer
/// promises the same text and style always give the same metrics); two styles differing in any field
/// are measured apart. Thread-safe: concurrent calls are serialised, and the inner measurer is called
/// by one thread at a time. `inner` must outlive the cache.
class CachingTextMeasurer final : public TextMeasurer {
public:
    explicit CachingTextMeasurer(const TextMeasurer& inner) : inner_(inner) {}
    TextMetrics measure(const std::string& text, const TextStyle& style) const override;

    /// Distinct (text, style) pairs measured by the inner measurer so far.
    std::size_t size() const;

private:
    const TextMeasurer& inner_;
    mutable std::mutex mutex_;
    mutable std::unordered_map<TextKey, TextMetrics, TextKey::Hash, TextKey::Equal> memo_;
};

/// Text metrics kept by a process that stays up (`cartelier watch`) from one build to the next: a page
/// drawn again after a save finds the metrics of its names here instead of shaping them again. Holds
/// what measure_with measured, at most `max_entries` pairs (full, it starts again empty). The metrics
/// are exactly the measurer's (TextMeasurer promises the same text and style always give the same
/// metrics), so a page drawn with or without it is the same. A measurer's metrics may depend on what it
/// measures on (Pango on a PDF surface and on an image surface differ slightly): the caller names what
/// it measures on by `context` (a surface's kind and transformation), and the memo keeps those apart. Thread-safe: the measurer is called
/// outside its lock, pages measured on several threads at once are not serialised (two may measure the
/// same new text, and keep the same metrics).
class TextMetricsMemo {
public:
    explicit TextMetricsMemo(std::size_t max_entries = 65536) : max_entries_(max_entries) {}
    TextMetricsMemo(const TextMetricsMemo&) = delete;
    TextMetricsMemo& operator=(const TextMetricsMemo&) = delete;

    /// The metrics of `text` in `style` in `context`: from memory, else measured by `measurer` and kept.
    TextMetrics measure_with(const TextMeasurer& measurer, const std::string& context, const std::string& text,
                             const TextStyle& style);
    /// Pairs kept.
    std::size_t size() const;

private:
    std::size_t max_entries_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::unordered_map<TextKey, TextMetrics, TextKey::Hash, TextKey::Equal>> memo_;
    std::size_t size_ = 0;
};

/// A TextMeasurer answering from `memo` what it holds for `context`, and measuring the rest with
/// `inner` (kept in `memo`). Both must outlive it.
class MemoTextMeasurer final : public TextMeasurer {
public:
    MemoTextMeasurer(const TextMeasurer& inner, TextMetricsMemo& memo, std::string context = {})
        : inner_(inner), memo_(memo), context_(std::move(context)) {}
    TextMetrics measure(const std::string& text, const TextStyle& style) const override {
        return memo_.measure_with(inner_, context_, text, style);
    }

private:
    const TextMeasurer& inner_;
    TextMetricsMemo& memo_;
    std::string context_;
};

}  // namespace cartelier::layout
