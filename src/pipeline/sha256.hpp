// SHA-256 in parts (Nettle), for a file hashed as it is written. Its own header, C++17 as well: the
// files that include qpdf's headers are compiled as C++17 (src/CMakeLists.txt).
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace cartelier::pipeline {

/// SHA-256 of bytes given in parts (a file written as it is made), as sha256_hex gives it.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void update(std::string_view bytes);
    /// 64 lower-case hex digits of the bytes given so far; the object is then reset.
    std::string hex();

private:
    struct Context;
    std::unique_ptr<Context> context_;
};

}  // namespace cartelier::pipeline
