// pipeline/pdfx.hpp without Ghostscript: the printer profile's header check and the pinned file
// identifier. (The conversion itself: tests/e2e/pipeline/pdfx_test.cpp.)
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "pipeline/pdfx.hpp"
#include "test_paths.hpp"

using namespace cartelier;
namespace fs = std::filesystem;

namespace {

/// A 128-byte ICC header of `device_class` and `space` (the rest zero), and `extra` bytes after it.
std::string icc_header(const std::string& device_class, const std::string& space, const std::string& magic = "acsp") {
    std::string h(128, '\0');
    h.replace(12, 4, device_class);
    h.replace(16, 4, space);
    h.replace(36, 4, magic);
    return h;
}

std::string write_temp(const std::string& name, const std::string& bytes) {
    const std::string path = test::temp_dir("pdfx-unit") + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

}  // namespace

TEST(PrinterProfile, OnlyACmykOutputProfileIsAccepted) {
    EXPECT_EQ(pipeline::cmyk_output_profile_problem(write_temp("ok.icc", icc_header("prtr", "CMYK"))), "");

    const std::string rgb = pipeline::cmyk_output_profile_problem(write_temp("rgb.icc", icc_header("mntr", "RGB ")));
    EXPECT_EQ(rgb, "is a display profile in RGB (class 'mntr', colour space 'RGB '): expected a CMYK output (printer) "
                   "profile (class 'prtr', colour space 'CMYK')");
    // An output profile of another colour space (an RGB printer), and a CMYK profile of another class.
    EXPECT_NE(pipeline::cmyk_output_profile_problem(write_temp("rgbprinter.icc", icc_header("prtr", "RGB "))), "");
    EXPECT_NE(pipeline::cmyk_output_profile_problem(write_temp("link.icc", icc_header("link", "CMYK"))), "");

    EXPECT_EQ(pipeline::cmyk_output_profile_problem(write_temp("short.icc", "prtrCMYK")),
              "is not an ICC profile (8 bytes, shorter than an ICC header)");
    EXPECT_EQ(pipeline::cmyk_output_profile_problem(write_temp("nomagic.icc", icc_header("prtr", "CMYK", "xxxx"))),
              "is not an ICC profile (no 'acsp' signature at byte 36)");
    EXPECT_EQ(pipeline::cmyk_output_profile_problem(test::temp_dir("pdfx-unit") + "/absent.icc"), "cannot be read");
}

TEST(PrinterProfile, DebiansProfilesAreClassedByTheirHeader) {
    const std::string cmyk = "/usr/share/color/icc/ghostscript/ps_cmyk.icc";
    const std::string srgb = "/usr/share/color/icc/ghostscript/srgb.icc";
    if (!fs::exists(cmyk) || !fs::exists(srgb)) GTEST_SKIP() << "Debian's libgs-common profiles are not installed";
    EXPECT_EQ(pipeline::cmyk_output_profile_problem(cmyk), "");
    EXPECT_NE(pipeline::cmyk_output_profile_problem(srgb).find("class 'mntr'"), std::string::npos);
}

TEST(PinnedPdfId, TheIdentifierComesFromTheContentAndKeepsEveryOffset) {
    const std::string head = "%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<< /Size 2 /Root 1 0 R\n/ID [";
    const std::string tail = "]\n>>\nstartxref\n9\n%%EOF\n";
    std::string a = head + "<0123456789ABCDEF0123456789ABCDEF><FEDCBA9876543210FEDCBA9876543210>" + tail;
    std::string b = head + "<11111111111111111111111111111111><22222222222222222222222222222222>" + tail;
    const std::size_t size = a.size();
    ASSERT_TRUE(pipeline::pin_pdf_id(a));
    ASSERT_TRUE(pipeline::pin_pdf_id(b));
    EXPECT_EQ(a, b);  // the random identifiers Ghostscript wrote no longer matter
    EXPECT_EQ(a.size(), size);
    EXPECT_EQ(a.substr(0, head.size()), head);
    const std::string id = a.substr(head.size() + 1, 32);
    EXPECT_EQ(id.find_first_not_of("0123456789ABCDEF"), std::string::npos) << id;
    EXPECT_NE(id, std::string(32, '0'));
    EXPECT_EQ(a.substr(head.size() + 35, 32), id);  // both identifiers the same: the file was never updated

    // Another content, another identifier.
    std::string c = "%PDF-1.4\n%other\n" + head.substr(9) + "<0123456789ABCDEF0123456789ABCDEF><FEDCBA9876543210FEDCBA9876543210>" + tail;
    ASSERT_TRUE(pipeline::pin_pdf_id(c));
    EXPECT_NE(c.substr(c.find("/ID [<") + 6, 32), id);

    std::string none = "%PDF-1.4\ntrailer\n<< /Size 1 >>\n%%EOF\n";
    EXPECT_FALSE(pipeline::pin_pdf_id(none));
    EXPECT_EQ(none, "%PDF-1.4\ntrailer\n<< /Size 1 >>\n%%EOF\n");
}

TEST(PinnedPdfId, AnIdentifierWrittenAsALiteralStringIsPinnedToo) {
    // The trailer Ghostscript wrote once in CI (its identifier's random bytes escaped in a literal
    // string): the build failed, "no file identifier", one run in many.
    const std::string head = "%PDF-1.3\n1 0 obj\n<<>>\nendobj\nxref\n0 2\ntrailer\n<< /Size 29 /Root 1 0 R /Info 2 0 R\n/ID ";
    const std::string tail = "\n>>\nstartxref\n26997\n%%EOF\n";
    std::string a = head + "[(\\('\\260\\377 V2f1 \\n[\\243\\)\\335])(\\('\\260\\377 V2f1 \\n[\\243\\)\\335])]" + tail;
    std::string b = head + "[(\\(\\)x)(nested (paren) \\\\)]" + tail;
    std::string c = head + "[<0123456789ABCDEF0123456789ABCDEF><FEDCBA9876543210FEDCBA9876543210>]" + tail;
    ASSERT_TRUE(pipeline::pin_pdf_id(a));
    ASSERT_TRUE(pipeline::pin_pdf_id(b));
    ASSERT_TRUE(pipeline::pin_pdf_id(c));
    EXPECT_EQ(a, b) << "the random identifiers no longer matter";
    EXPECT_EQ(a, c) << "written in hexadecimal or as literals, the same file";
    EXPECT_EQ(a.substr(0, head.size()), head);
    EXPECT_EQ(a.substr(a.size() - tail.size()), tail) << "startxref and what follows unchanged";
    const std::string id = a.substr(head.size() + 2, 32);
    EXPECT_EQ(id.find_first_not_of("0123456789ABCDEF"), std::string::npos) << a;
    EXPECT_EQ(a.substr(head.size(), 70), "[<" + id + "><" + id + ">]");

    std::string unclosed = head + "[(\\)abc" + tail.substr(0, 3);
    const std::string before = unclosed;
    EXPECT_FALSE(pipeline::pin_pdf_id(unclosed));
    EXPECT_EQ(unclosed, before);
}
