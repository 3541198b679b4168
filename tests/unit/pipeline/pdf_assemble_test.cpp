// pipeline/pdf_assemble.hpp: the series PDF holds the pages in order, its /ID is the digest of what was
// written (deterministic, and another for other pages), and a page that cannot be read is named.
#include <string>
#include <vector>

#include <cairo-pdf.h>
#include <cairo.h>
#include <gtest/gtest.h>

#include <regex>

#include "core/diagnostic.hpp"
#include "pipeline/pdf_assemble.hpp"
#include "test_paths.hpp"
#include "text_files.hpp"

using cartelier::pipeline::assemble_pdfs;

namespace {

/// A one-page PDF of `width` points whose page shows `text`, written to `path`.
void write_page(const std::string& path, double width, const char* text) {
    cairo_surface_t* surface = cairo_pdf_surface_create(path.c_str(), width, 200);
    cairo_t* cr = cairo_create(surface);
    cairo_move_to(cr, 20, 100);
    cairo_set_font_size(cr, 12);
    cairo_show_text(cr, text);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_surface_destroy(surface);
}

/// The /ID elements of `pdf` (hexadecimal strings, as qpdf writes them).
std::vector<std::string> ids(const std::string& pdf) {
    std::smatch m;
    static const std::regex id(R"(/ID \[<([0-9a-f]*)><([0-9a-f]*)>\])");
    const std::string tail = pdf.substr(pdf.size() > 4096 ? pdf.size() - 4096 : 0);
    if (!std::regex_search(tail, m, id)) return {};
    return {m[1], m[2]};
}

/// The width of each page of `pdf`, in points, as poppler's pdfinfo reads them.
std::vector<double> widths(const std::string& dir, const std::string& pdf) {
    cartelier::test::save_text(dir + "/series.pdf", pdf);
    const std::string info = cartelier::test::run("pdfinfo -f 1 -l 99 " + dir + "/series.pdf").output;
    std::vector<double> out;
    static const std::regex size(R"(Page +\d+ size: +([0-9.]+) x)");
    for (auto it = std::sregex_iterator(info.begin(), info.end(), size); it != std::sregex_iterator(); ++it)
        out.push_back(std::stod((*it)[1]));
    return out;
}

}  // namespace

TEST(PdfAssemble, ThePagesInOrderWithAnIdThatIsTheDigestOfTheFile) {
    const std::string dir = cartelier::test::temp_dir("pdf-assemble");
    const std::string a = dir + "/a.pdf", b = dir + "/b.pdf", c = dir + "/c.pdf";
    write_page(a, 100, "one");
    write_page(b, 150, "two");
    write_page(c, 150, "three");
    const std::string series = assemble_pdfs({b, a, b});
    EXPECT_EQ(widths(dir, series), (std::vector<double>{150, 100, 150}));
    // Both elements the same 16 bytes, not qpdf's placeholder.
    const std::vector<std::string> id = ids(series);
    ASSERT_EQ(id.size(), 2u);
    EXPECT_EQ(id[0].size(), 32u);
    EXPECT_EQ(id[0], id[1]);
    EXPECT_EQ(series.find("31415926535897932384626433832795"), std::string::npos);
    // The same files, the same bytes; another page, another /ID.
    EXPECT_EQ(assemble_pdfs({b, a, b}), series);
    EXPECT_NE(ids(assemble_pdfs({b, a, c})), id);
}

TEST(PdfAssemble, APageThatCannotBeReadIsNamed) {
    const std::string dir = cartelier::test::temp_dir("pdf-assemble-bad");
    const std::string good = dir + "/good.pdf", bad = dir + "/bad.pdf", missing = dir + "/missing.pdf";
    write_page(good, 100, "one");
    cartelier::test::save_text(bad, "%PDF-1.5\nnot a PDF at all\n");
    for (const std::string& file : {bad, missing}) {
        try {
            assemble_pdfs({good, file});
            ADD_FAILURE() << "no error for " << file;
        } catch (const cartelier::Error& e) {
            EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("cannot assemble the series PDF"), std::string::npos) << e.what();
        }
    }
}
