// A memo of text metrics in front of any TextMeasurer: a page measures the same texts again and again
// (a label's room before the furniture, its trial and final placements, the numbered list), and
// shaping text with Pango costs far more than finding it in a table.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

#include "layout/text_style.hpp"

namespace cartelier::layout {

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
    struct Key {
        std::string text;
        TextStyle style;
    };
    /// A request looked up without copying its text and style.
    struct KeyRef {
        const std::string& text;
        const TextStyle& style;
    };
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(const Key& k) const { return (*this)(KeyRef{k.text, k.style}); }
        std::size_t operator()(const KeyRef& k) const;
    };
    struct Equal {
        using is_transparent = void;
        bool operator()(const KeyRef& a, const KeyRef& b) const;
        bool operator()(const Key& a, const Key& b) const { return (*this)(KeyRef{a.text, a.style}, KeyRef{b.text, b.style}); }
        bool operator()(const KeyRef& a, const Key& b) const { return (*this)(a, KeyRef{b.text, b.style}); }
        bool operator()(const Key& a, const KeyRef& b) const { return (*this)(KeyRef{a.text, a.style}, b); }
    };

    const TextMeasurer& inner_;
    mutable std::mutex mutex_;
    mutable std::unordered_map<Key, TextMetrics, Hash, Equal> memo_;
};

}  // namespace cartelier::layout
