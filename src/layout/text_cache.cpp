#include "layout/text_cache.hpp"

#include <functional>

namespace cartelier::layout {

namespace {
void mix(std::size_t& seed, std::size_t h) { seed ^= h + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2); }
void mix(std::size_t& seed, double v) { mix(seed, std::hash<double>{}(v)); }
void mix(std::size_t& seed, const style::Color& c) {
    mix(seed, c.r);
    mix(seed, c.g);
    mix(seed, c.b);
    mix(seed, c.a);
}
}  // namespace

// Any field of TextStyle may be left out of the hash without harm (equal styles still hash alike; the
// lookup compares whole styles).
std::size_t TextKey::Hash::operator()(const Ref& k) const {
    std::size_t seed = std::hash<std::string>{}(k.text);
    const TextStyle& s = k.style;
    mix(seed, s.fonts.size());
    for (const auto& f : s.fonts) mix(seed, std::hash<std::string>{}(f));
    mix(seed, s.size_pt);
    mix(seed, s.color);
    mix(seed, s.opacity);
    mix(seed, s.halo_color);
    mix(seed, s.halo_width_pt);
    mix(seed, s.letter_spacing_em);
    mix(seed, s.line_height_em);
    mix(seed, s.max_width_em);
    mix(seed, std::hash<std::string>{}(s.justify));
    mix(seed, static_cast<std::size_t>(s.markup));
    return seed;
}

bool TextKey::Equal::operator()(const Ref& a, const Ref& b) const {
    return a.text == b.text && a.style == b.style;
}

TextMetrics CachingTextMeasurer::measure(const std::string& text, const TextStyle& style) const {
    const std::lock_guard lock(mutex_);
    if (auto it = memo_.find(TextKey::Ref{text, style}); it != memo_.end()) return it->second;
    const TextMetrics m = inner_.measure(text, style);
    memo_.emplace(TextKey{text, style}, m);
    return m;
}

std::size_t CachingTextMeasurer::size() const {
    const std::lock_guard lock(mutex_);
    return memo_.size();
}

TextMetrics TextMetricsMemo::measure_with(const TextMeasurer& measurer, const std::string& context, const std::string& text,
                                          const TextStyle& style) {
    {
        const std::lock_guard lock(mutex_);
        if (auto c = memo_.find(context); c != memo_.end())
            if (auto it = c->second.find(TextKey::Ref{text, style}); it != c->second.end()) return it->second;
    }
    const TextMetrics m = measurer.measure(text, style);
    const std::lock_guard lock(mutex_);
    if (size_ >= max_entries_) {
        memo_.clear();
        size_ = 0;
    }
    if (memo_[context].try_emplace(TextKey{text, style}, m).second) ++size_;
    return m;
}

std::size_t TextMetricsMemo::size() const {
    const std::lock_guard lock(mutex_);
    return size_;
}

}  // namespace cartelier::layout
