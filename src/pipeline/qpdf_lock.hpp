// qpdf, one thread at a time. A build renders a map's formats on several threads, and qpdf's process-wide
// state is not safe to use from two of them at once: its crypto provider (the MD5 of the deterministic
// /ID), registered on first use, raced between the PDF's georeference (pdf_viewport.cpp) and the print
// master's strokes (pdf_strokes.cpp) under ThreadSanitizer. Every use of qpdf holds this lock; each takes
// a few tens of milliseconds.
#pragma once

#include <mutex>

namespace cartelier::pipeline {

/// The one mutex every qpdf call of the program holds (`std::lock_guard lock(qpdf_mutex());`).
inline std::mutex& qpdf_mutex() {
    static std::mutex mutex;
    return mutex;
}

}  // namespace cartelier::pipeline
