// Neutral strokes as grey for the print PDF (pipeline/pdfx.hpp): Cairo writes every colour as RGB, and
// Ghostscript converts RGB strokes through the printer profile, which makes a black or grey line rich
// black (cyan + magenta + yellow + black: misregistration on press). Rewritten as DeviceGray, the
// stroking colours with r = g = b reach Ghostscript as grey, which it converts without the profile (see
// pdfx.cpp: `Graphic_GRAY None`) into black ink alone. Fills are left as they are (they keep the
// profile's rendering). Standard types only: the implementation (pdf_strokes.cpp) includes qpdf and is
// compiled as C++17 (src/CMakeLists.txt: qpdf 11.3's headers do not compile as C++20 with clang 14).
#pragma once

#include <string>
#include <string_view>

namespace cartelier::pipeline {

/// The content stream `content` with every stroking RGB colour whose three components are equal
/// (`r g b RG`, r = g = b as numbers: `0.5 0.5 .5 RG` too) replaced by the grey `r G`; every other token
/// (fills `rg`, other colours, strings, inline images, comments) unchanged.
std::string gray_neutral_strokes_in_content(std::string_view content);

/// `pdf` with that rewrite applied to the content of every page, of every form XObject they use (at
/// any depth) and of every tiling pattern of their resources; its streams written uncompressed. Throws Error when qpdf cannot read the
/// bytes as a PDF, or finds it damaged.
std::string gray_neutral_strokes(std::string_view pdf);

}  // namespace cartelier::pipeline
