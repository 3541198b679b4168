// Reading back a binary payload written field by field (the prepared cache's layers, the series'
// page blocks): each read checks what is left, so a file cut short or altered is a failed read, never
// a read past the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace cartelier {

/// The fields of `size` bytes at `data`, in order: a trivially copyable value (pod), a text (its
/// length as a u32, then its bytes), an array (its length as a u64, then its elements). A read returns
/// false when the bytes left are too few for it: the payload is then not what was written.
class PayloadReader {
public:
    PayloadReader(const char* data, std::size_t size) : p_(data), end_(data + size) {}
    template <class T>
    bool pod(T& v) {
        if (static_cast<std::size_t>(end_ - p_) < sizeof v) return false;
        std::memcpy(&v, p_, sizeof v);
        p_ += sizeof v;
        return true;
    }
    bool text(std::string& s) {
        std::uint32_t n = 0;
        if (!pod(n) || static_cast<std::size_t>(end_ - p_) < n) return false;
        s.assign(p_, n);
        p_ += n;
        return true;
    }
    template <class T>
    bool array(std::vector<T>& v) {
        std::uint64_t n = 0;
        if (!pod(n) || n > static_cast<std::uint64_t>(end_ - p_) / sizeof(T)) return false;
        v.resize(n);
        if (n != 0) std::memcpy(v.data(), p_, n * sizeof(T));  // an empty vector's data() may be null
        p_ += n * sizeof(T);
        return true;
    }
    bool done() const { return p_ == end_; }
    const char* here() const { return p_; }
    bool skip(std::uint64_t n) {
        if (static_cast<std::uint64_t>(end_ - p_) < n) return false;
        p_ += n;
        return true;
    }

private:
    const char* p_;
    const char* end_;
};

}  // namespace cartelier
