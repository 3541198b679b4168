// The print PDF (`formats: [pdfx]`, `out/ID.x3.pdf`): the map's RGB PDF, drawn by Cairo, converted by
// Ghostscript (Debian package `ghostscript`, run as a child process: core/process.hpp) into PDF/X-3 in
// CMYK with the printer's own ICC profile (`print: {profile, condition, bleed_mm, crop_marks}`).
// Ghostscript 10.0 writes PDF/X-3 (no transparency allowed), not PDF/X-4.
//
// What the file holds: the Info dictionary's /GTS_PDFXVersion (PDF/X-3:2003), /Trapped /False, the
// title and the map's date as /CreationDate and /ModDate; one OutputIntent (/S /GTS_PDFX) whose
// /DestOutputProfile is the user's profile, byte for byte, with the given OutputConditionIdentifier;
// every colour converted to CMYK through that profile — except text, which Ghostscript converts without
// the profile, with full black generation and undercolour removal, so that grey and black text (the
// title, labels) is 100 % K ink (coloured text gets the same naive conversion); and except black and
// grey lines (a stroking colour with r = g = b: boundaries, frames, outlines), rewritten as DeviceGray
// in the master (pipeline/pdf_strokes.hpp), which Ghostscript keeps as grey, that is black ink alone;
// a TrimBox (the page),
// and, with a bleed or crop marks, a larger MediaBox, a BleedBox `bleed_mm` outside the TrimBox and
// 0.25 pt crop marks in 100 % K, 5 mm long, beyond the bleed (at least 3 mm from the trim).
//
// Transparency: PDF/X-3 has none, and Ghostscript turns a page with any into one 720 dpi CMYK image.
// The page elements' translucent backgrounds (legend, scale bar, north arrow, inset names) are drawn
// opaque in the print master so that the page stays vector; a style's opacity (`fill-opacity` < 1…) or
// translucent colour still makes Ghostscript rasterise the page, which the prepare stage warns of
// (style/print_check.hpp).
//
// Deterministic: the dates are pinned by pdfmark and Ghostscript's random file identifier (/ID) is
// replaced by one derived from the file's content, so the same master gives the same bytes.
#pragma once

#include <cstdint>
#include <string>

#include "pipeline/project.hpp"

namespace cartelier::pipeline {

/// What is wrong with `path` as a printer profile, or "" when it is a CMYK output ICC profile (its
/// header: at least 128 bytes, signature 'acsp', device class 'prtr', colour space 'CMYK'). The
/// message says what was found ("an RGB display profile (class 'mntr', colour space 'RGB ')").
std::string cmyk_output_profile_problem(const std::string& path);

/// The Ghostscript program (`gs` in PATH). Throws Error at `where` naming the Debian package to
/// install when there is none.
std::string ghostscript_program(const SourceLocation& where);

/// The page the print PDF is made for.
struct PdfxPage {
    double width_pt = 0, height_pt = 0;  ///< the trimmed page (the master's page size)
    std::string title;                   ///< Info /Title (UTF-8)
    std::int64_t date = 0;               ///< seconds since the epoch: /CreationDate and /ModDate
};

/// Converts the RGB PDF `master` (one page of `page`'s size) into the PDF/X-3 bytes described above,
/// with `print`'s profile and condition. Throws Error naming the map's print block (and Ghostscript's
/// own message) when Ghostscript fails or is missing, Interrupted when the build is interrupted (the
/// child is killed).
std::string convert_to_pdfx(const std::string& master, const PdfxPage& page, const PrintDecl& print);

/// Replaces the two file identifiers of the trailer's `/ID [<…><…>]` with one derived from the file's
/// content (the bytes with the identifier blanked), keeping every offset. Identifiers written as literal
/// strings (`/ID [(\('…)(…)]`, as Ghostscript sometimes does) are rewritten as 16-byte hexadecimal ones
/// (the trailer, after the cross-reference table, may change length). False when the file has no such
/// trailer entry (left unchanged).
bool pin_pdf_id(std::string& pdf);

}  // namespace cartelier::pipeline
