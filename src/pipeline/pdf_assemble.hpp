// The series PDF of an atlas: the pages' PDFs (as the build wrote them) joined by qpdf into one
// document, in page order, without drawing anything again; one thread at a time (pipeline/qpdf_lock.hpp).
#pragma once

#include <string>
#include <vector>

namespace cartelier::pipeline {

/// One PDF holding the pages of `files`, in order (each file's every page), written to memory. Its /ID
/// is twice the XXH3-128 digest of the file as written with a fixed placeholder there: the same files
/// give the same bytes, other pages another /ID. Throws Error naming the file that cannot be read or
/// that qpdf finds damaged.
std::string assemble_pdfs(const std::vector<std::string>& files);

}  // namespace cartelier::pipeline
