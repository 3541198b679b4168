// The series PDF of an atlas: the pages' PDFs (as the build wrote them) joined into one document, in
// page order, without drawing anything again. qpdf parses each page's file; its objects are written
// out at once, renumbered, and the file is closed before the next one is opened: a series of any
// length holds one page's objects in memory and one page's file open (qpdf's own writer keeps every
// source open and every object in memory until the end). One thread at a time (pipeline/qpdf_lock.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace cartelier::pipeline {

/// The series as written: its size in bytes and its SHA-256 (64 hexadecimal digits).
struct AssembledPdf {
    std::uintmax_t bytes = 0;
    std::string sha256;
};

/// Writes to `target`, atomically (pipeline/output.hpp), one PDF holding the pages of `files` in order
/// (each file's every page, with what they use: content, fonts, images), and nothing else of those
/// files (their catalogs, outlines and metadata are left out). Its version is the highest of the
/// files' (the first file's in the header, a higher one in the catalog's /Version). Each object is written as qpdf parsed it, streams with their data as stored (not decoded
/// again); a page's /Parent is the series' page tree. Its /ID is twice the XXH3-128 digest of every
/// byte before the cross-reference table: the same files give the same bytes, other pages another
/// /ID. Throws Error naming the file that cannot be read, that qpdf finds damaged or that is
/// encrypted; `target` is then left as it was.
AssembledPdf assemble_pdfs(const std::vector<std::string>& files, const std::filesystem::path& target);

}  // namespace cartelier::pipeline
