#include "pipeline/pdfx.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "core/file_io.hpp"
#include "core/process.hpp"
#include "pipeline/cancel.hpp"
#include "pipeline/hashing.hpp"
#include "pipeline/output.hpp"
#include "pipeline/pdf_strokes.hpp"
#include "pipeline/report.hpp"
#include "style/expression/parsing_context.hpp"

namespace cartelier::pipeline {

namespace fs = std::filesystem;

namespace {

constexpr double kPointsPerMm = 72.0 / 25.4;
constexpr double kMarkLengthMm = 5;      ///< crop marks' length
constexpr double kMarkMinOffsetMm = 3;   ///< crop marks never start closer than this to the trim
constexpr double kSlugExtraMm = 1;       ///< paper beyond the crop marks' outer ends

/// A temporary folder removed with everything in it at the end of the scope.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "cartelier-pdfx-XXXXXX").string();
        if (!::mkdtemp(pattern.data()))
            throw Error(SourceLocation{pattern, 0, 0, {}}, "cannot create a temporary folder for Ghostscript");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

std::string describe_space(const std::string& sig) {
    std::string s = sig;
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
}

/// A PostScript string literal: ( ) and \ escaped, bytes outside printable ASCII in octal.
std::string ps_string(const std::string& text) {
    std::string out = "(";
    for (unsigned char c : text) {
        if (c == '(' || c == ')' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 32 || c > 126) {
            out += fmt::format("\\{:03o}", c);
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + ")";
}

/// A PDF text string as a PostScript hex string: UTF-16BE with its byte order mark, so that any title
/// (accents, other scripts) reads back as written (the expression engine's UTF-16 conversion; an invalid
/// UTF-8 byte becomes U+FFFD).
std::string pdf_text_hex(const std::string& utf8) {
    std::string out = "<FEFF";
    for (char16_t unit : style::expr::to_utf16(utf8)) out += fmt::format("{:04X}", static_cast<unsigned>(unit));
    return out + ">";
}

/// PDF date of `seconds` since the epoch, in UTC: the report's ISO date without its separators.
std::string pdf_date(std::int64_t seconds) {
    std::string date = "D:";
    for (char c : iso_date(seconds))
        if (c != '-' && c != ':' && c != 'T') date += c;
    return date;  // D:YYYYMMDDHHmmSSZ
}

/// Ghostscript's own ICC profiles (default_rgb.icc, default_gray.icc…), which a replaced profile folder
/// must still hold.
fs::path ghostscript_profile_folder() {
    std::vector<fs::path> candidates{"/usr/share/color/icc/ghostscript"};
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/usr/share/ghostscript", ec))
        candidates.push_back(entry.path() / "iccprofiles");
    for (const fs::path& dir : candidates)
        if (fs::exists(dir / "default_rgb.icc", ec) && fs::exists(dir / "default_gray.icc", ec)) return dir;
    throw Error(SourceLocation{"/usr/share/color/icc/ghostscript", 0, 0, {}},
                "Ghostscript's own ICC profiles (default_rgb.icc) were not found",
                "install the Debian package libgs-common (it comes with ghostscript)");
}

/// The PostScript run before the master: document information, the OutputIntent with the user's
/// profile, full black generation for the text (see objects.txt), and the page geometry (bleed, marks).
std::string prologue(const PdfxPage& page, const PrintDecl& print, const fs::path& profile, double margin_pt) {
    const std::string date = ps_string(pdf_date(page.date));
    std::string ps = "%!PS\n";
    ps += fmt::format("[ /GTS_PDFXVersion (PDF/X-3:2003) /Title {} /Trapped /False /CreationDate {} /ModDate {} "
                      "/DOCINFO pdfmark\n",
                      pdf_text_hex(page.title), date, date);
    ps += "[/_objdef {icc_PDFX} /type /stream /OBJ pdfmark\n";
    ps += "[{icc_PDFX} << /N 4 >> /PUT pdfmark\n";
    ps += fmt::format("[{{icc_PDFX}} {} (r) file /PUT pdfmark\n", ps_string(profile.string()));
    ps += "[/_objdef {OutputIntent_PDFX} /type /dict /OBJ pdfmark\n";
    ps += fmt::format("[{{OutputIntent_PDFX}} << /Type /OutputIntent /S /GTS_PDFX /OutputCondition {0} "
                      "/OutputConditionIdentifier {0} /Info {0} /RegistryName (http://www.color.org) "
                      "/DestOutputProfile {{icc_PDFX}} >> /PUT pdfmark\n",
                      ps_string(print.condition));
    ps += "[{Catalog} << /OutputIntents [ {OutputIntent_PDFX} ] >> /PUT pdfmark\n";
    // Text is not colour-managed (objects.txt): its RGB goes to CMYK by the PostScript rule, where the
    // black generation and undercolour removal below move the whole grey component to K.
    ps += "{} setblackgeneration {} setundercolorremoval\n";
    if (margin_pt > 0) {
        const double w = page.width_pt, h = page.height_pt, m = margin_pt;
        const double b = print.bleed_mm * kPointsPerMm;
        std::string marks;
        if (print.crop_marks) {
            const double o = std::max(print.bleed_mm, kMarkMinOffsetMm) * kPointsPerMm;
            const double l = kMarkLengthMm * kPointsPerMm;
            for (double cx : {m, m + w})
                for (double cy : {m, m + h}) {
                    const double dx = cx == m ? -1 : 1, dy = cy == m ? -1 : 1;
                    marks += fmt::format("{:.4f} {:.4f} moveto {:.4f} {:.4f} lineto stroke\n", cx + dx * o, cy,
                                         cx + dx * (o + l), cy);
                    marks += fmt::format("{:.4f} {:.4f} moveto {:.4f} {:.4f} lineto stroke\n", cx, cy + dy * o, cx,
                                         cy + dy * (o + l));
                }
        }
        ps += fmt::format("<< /PDFXTrimBoxToMediaBoxOffset [{0:.4f} {0:.4f} {0:.4f} {0:.4f}]\n"
                          "   /BeginPage {{ pop {0:.4f} {0:.4f} translate }}\n"
                          "   /EndPage {{ exch pop 2 ne {{\n"
                          "     gsave initmatrix 0.25 setlinewidth 0 setgray\n{1}"
                          "     grestore [/BleedBox [{2:.4f} {3:.4f} {4:.4f} {5:.4f}] /PAGE pdfmark true }}"
                          " {{ false }} ifelse }}\n"
                          ">> setpagedevice\n",
                          m, marks, m - b, m - b, m + w + b, m + h + b);
    }
    return ps;
}

/// The last lines of Ghostscript's messages, for an error.
std::string tail_lines(const std::string& text, std::size_t lines) {
    std::size_t pos = text.size();
    while (pos > 0 && (text[pos - 1] == '\n' || text[pos - 1] == ' ')) --pos;
    std::size_t end = pos;
    for (std::size_t n = 0; n < lines && pos > 0; ++n) {
        pos = text.rfind('\n', pos - 1);
        if (pos == std::string::npos) {
            pos = 0;
            break;
        }
    }
    std::string out = text.substr(pos, end - pos);
    while (!out.empty() && out.front() == '\n') out.erase(0, 1);
    return out;
}

}  // namespace

std::string cmyk_output_profile_problem(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "cannot be read";
    std::array<char, 128> header{};
    in.read(header.data(), header.size());
    if (in.gcount() < static_cast<std::streamsize>(header.size()))
        return fmt::format("is not an ICC profile ({} bytes, shorter than an ICC header)", in.gcount());
    const std::string signature(header.data() + 36, 4);
    if (signature != "acsp") return "is not an ICC profile (no 'acsp' signature at byte 36)";
    const std::string device_class(header.data() + 12, 4);
    const std::string space(header.data() + 16, 4);
    if (device_class == "prtr" && space == "CMYK") return "";
    static const std::map<std::string, std::string> classes = {
        {"mntr", "display"}, {"scnr", "input"}, {"prtr", "output"}, {"link", "device link"},
        {"spac", "colour space"}, {"abst", "abstract"}, {"nmcl", "named colour"}};
    auto c = classes.find(device_class);
    return fmt::format("is a {} profile in {} (class '{}', colour space '{}'): expected a CMYK output (printer) "
                       "profile (class 'prtr', colour space 'CMYK')",
                       c != classes.end() ? c->second : "device", describe_space(space), device_class, space);
}

std::string ghostscript_program(const SourceLocation& where) {
    if (auto gs = find_program("gs")) return *gs;
    throw Error(where, "the pdfx format needs Ghostscript (the program gs), which is not installed",
                "install the Debian package ghostscript: apt-get install ghostscript");
}

std::string convert_to_pdfx(const std::string& master, const PdfxPage& page, const PrintDecl& print) {
    const std::string gs = ghostscript_program(print.declared_at);
    TempDir tmp;
    const fs::path dir = tmp.path();
    // Ghostscript 10.0's pdfwrite rejects -sOutputICCProfile (an `undefined in .putdeviceprops` error),
    // and converts to CMYK with the default_cmyk.icc of its profile folder: a folder of its own profiles
    // where default_cmyk.icc is the user's.
    const fs::path icc = dir / "icc";
    fs::create_directory(icc);
    for (const auto& entry : fs::directory_iterator(ghostscript_profile_folder()))
        if (entry.path().extension() == ".icc" && entry.path().filename() != "default_cmyk.icc")
            fs::create_symlink(entry.path(), icc / entry.path().filename());
    const std::string profile = read_file(print.profile);
    // Ghostscript's working files: read once by it and removed with the folder, never flushed to the disk.
    write_atomically(icc / "default_cmyk.icc", profile, Durability::Unsynced);
    const fs::path profile_copy = dir / "printer.icc";
    write_atomically(profile_copy, profile, Durability::Unsynced);
    // Black and grey lines: grey in the master, which Ghostscript keeps as DeviceGray (black ink only).
    write_atomically(dir / "master.pdf", gray_neutral_strokes(master), Durability::Unsynced);
    // Text is not colour-managed: converted with the black generation of the prologue (grey → K).
    write_atomically(dir / "objects.txt", "Text_RGB None\n", Durability::Unsynced);

    const double b = print.bleed_mm * kPointsPerMm;
    const double margin =
        print.crop_marks ? (std::max(print.bleed_mm, kMarkMinOffsetMm) + kMarkLengthMm + kSlugExtraMm) * kPointsPerMm : b;
    write_atomically(dir / "pdfx.ps", prologue(page, print, profile_copy, margin), Durability::Unsynced);

    const fs::path output = dir / "out.pdf";
    std::vector<std::string> argv = {gs,
                                     "-q",
                                     "-dBATCH",
                                     "-dNOPAUSE",
                                     "-dSAFER",
                                     "-dPDFSTOPONERROR",
                                     "-sstdout=%stderr",
                                     "--permit-file-read=" + dir.string() + "/",
                                     "-sICCProfilesDir=" + icc.string() + "/",
                                     "-sDEVICE=pdfwrite",
                                     "-dPDFX",
                                     "-sColorConversionStrategy=CMYK",
                                     "-sSourceObjectICC=" + (dir / "objects.txt").string(),
                                     fmt::format("-dDEVICEWIDTHPOINTS={:.4f}", page.width_pt + 2 * margin),
                                     fmt::format("-dDEVICEHEIGHTPOINTS={:.4f}", page.height_pt + 2 * margin),
                                     "-dFIXEDMEDIA",
                                     "-sOutputFile=" + output.string(),
                                     (dir / "pdfx.ps").string(),
                                     (dir / "master.pdf").string()};
    ProcessOptions options;
    options.cancelled = [] { return interrupt_signal() != 0; };
    ProcessResult r = run_process(argv, options);
    if (r.cancelled) throw Interrupted{interrupt_signal()};
    std::error_code ec;
    if (!r.ok() || !fs::exists(output, ec)) {
        std::string why = r.timed_out ? "it ran past its time limit and was stopped"
                          : r.signal  ? fmt::format("it was ended by signal {}", r.signal)
                                      : fmt::format("it exited with status {}", r.exit_code);
        throw Error(print.declared_at, fmt::format("Ghostscript could not make the PDF/X-3 file ({}): {}", why,
                                                   tail_lines(r.error_output, 6)));
    }
    std::string bytes = read_file(output.string());
    if (!pin_pdf_id(bytes)) {
        // What the file ends with, printable, as evidence (a file cut short, another trailer form).
        std::string tail = bytes.substr(bytes.size() > 160 ? bytes.size() - 160 : 0);
        for (char& c : tail)
            if (c != '\n' && (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)) c = '.';
        throw Error(print.declared_at,
                    fmt::format("Ghostscript's PDF/X-3 file ({} bytes, Ghostscript exit status {}) has no file identifier "
                                "(/ID) in its trailer; it ends with: {}",
                                bytes.size(), r.exit_code, tail));
    }
    return bytes;
}

namespace {

/// The end (one past the closing parenthesis) of the PDF literal string starting at `p` (its opening
/// parenthesis): balanced parentheses nest, a backslash escapes the next byte. npos when it is not closed.
std::size_t literal_string_end(const std::string& pdf, std::size_t p) {
    int depth = 0;
    for (; p < pdf.size(); ++p) {
        const char c = pdf[p];
        if (c == '\\') {
            ++p;
        } else if (c == '(') {
            ++depth;
        } else if (c == ')' && --depth == 0) {
            return p + 1;
        }
    }
    return std::string::npos;
}

}  // namespace

bool pin_pdf_id(std::string& pdf) {
    const std::size_t at = pdf.rfind("/ID");
    if (at == std::string::npos) return false;
    auto skip_space = [&](std::size_t p) {
        while (p < pdf.size() && (pdf[p] == ' ' || pdf[p] == '\n' || pdf[p] == '\r')) ++p;
        return p;
    };
    std::size_t p = skip_space(at + 3);
    if (p >= pdf.size() || pdf[p] != '[') return false;
    const std::size_t open = p++;
    std::vector<std::pair<std::size_t, std::size_t>> ids;  // hex digits: start, length
    bool literal = false;  // an identifier written as a literal string: (\('\260…)
    for (int k = 0; k < 2; ++k) {
        p = skip_space(p);
        if (p < pdf.size() && pdf[p] == '(') {
            p = literal_string_end(pdf, p);
            if (p == std::string::npos) return false;
            literal = true;
            continue;
        }
        if (p >= pdf.size() || pdf[p] != '<') return false;
        const std::size_t start = ++p;
        while (p < pdf.size() && std::isxdigit(static_cast<unsigned char>(pdf[p]))) ++p;
        if (p >= pdf.size() || pdf[p] != '>' || p == start) return false;
        ids.emplace_back(start, p - start);
        ++p;
    }
    p = skip_space(p);
    if (p >= pdf.size() || pdf[p] != ']') return false;
    if (literal) {
        // Ghostscript writes the identifier as a literal string when it likes (its bytes are random):
        // the array is rewritten in hexadecimal, 16 bytes each. The trailer follows the cross-reference
        // table it ends, so a trailer of another length moves no offset the file records.
        const std::string zeros(32, '0');
        pdf.replace(open, p + 1 - open, "[<" + zeros + "><" + zeros + ">]");
        ids = {{open + 2, 32}, {open + 36, 32}};
    }
    for (const auto& [start, length] : ids) std::fill_n(pdf.begin() + static_cast<std::ptrdiff_t>(start), length, '0');
    const std::string digest = sha256_hex(pdf);  // 64 hex digits
    for (const auto& [start, length] : ids)
        for (std::size_t i = 0; i < length; ++i) pdf[start + i] = static_cast<char>(std::toupper(digest[i % digest.size()]));
    return true;
}

}  // namespace cartelier::pipeline
