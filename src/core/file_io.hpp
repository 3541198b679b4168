// Reading whole input files, through one function that counts its reads: an input read once per build
// (the style, whose bytes are parsed and hashed) can be checked to be read once.
#pragma once

#include <cstddef>
#include <string>

namespace cartelier {

/// The bytes of the file at `path`, exactly as stored. Throws Error naming the file ("cannot open
/// file: it does not exist or is not readable") when it cannot be opened or read. Safe to call from
/// several threads.
std::string read_file(const std::string& path);

/// How many times read_file has read `path` (spelt as it was passed) since the program started, failed
/// reads included. Safe to call from several threads; for tests that check an input is read once.
std::size_t file_read_count(const std::string& path);

}  // namespace cartelier
