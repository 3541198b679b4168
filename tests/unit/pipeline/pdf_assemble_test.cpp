// pipeline/pdf_assemble.hpp: the series PDF holds the pages in order, its /ID is the digest of what was
// written (deterministic, and another for other pages), and a page that cannot be read is named.
#include <string>
#include <vector>

#include <cairo-pdf.h>
#include <cairo.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sys/resource.h>
#include <cctype>
#include <regex>

#include <fmt/format.h>

#include "core/diagnostic.hpp"
#include "core/file_io.hpp"
#include "pipeline/pdf_assemble.hpp"
#include "test_paths.hpp"
#include "text_files.hpp"

using cartelier::pipeline::AssembledPdf;
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

/// `count` one-page PDFs in `dir` (page-I.pdf, "page I", each wider than the one before); their paths.
std::vector<std::string> write_pages(const std::string& dir, int count) {
    std::vector<std::string> files;
    for (int i = 0; i < count; ++i) {
        files.push_back(fmt::format("{}/page-{}.pdf", dir, i));
        write_page(files.back(), 100 + 10 * i, fmt::format("page {}", i).c_str());
    }
    return files;
}

/// The SHA-256 of `file` (sha256sum), the key the build gives a page's PDF.
std::string key_of(const std::string& file) { return cartelier::test::run("sha256sum " + file).output.substr(0, 64); }

/// The /ID elements of `pdf` (hexadecimal strings, as qpdf writes them).
std::vector<std::string> ids(const std::string& pdf) {
    std::smatch m;
    static const std::regex id(R"(/ID \[<([0-9a-f]*)><([0-9a-f]*)>\])");
    const std::string tail = pdf.substr(pdf.size() > 4096 ? pdf.size() - 4096 : 0);
    if (!std::regex_search(tail, m, id)) return {};
    return {m[1], m[2]};
}

/// The series of `files` written to `target`, read back; its size and SHA-256 checked against what
/// assemble_pdfs returned.
std::string assemble(const std::vector<std::string>& files, const std::string& target) {
    const AssembledPdf written = assemble_pdfs(files, target);
    const std::string bytes = cartelier::test::read_text(target);
    EXPECT_EQ(written.bytes, bytes.size());
    EXPECT_EQ(written.sha256, key_of(target));
    return bytes;
}

/// The text of page `page` of the PDF at `path` (poppler's pdftotext), without white space.
std::string page_text(const std::string& path, int page) {
    std::string text = cartelier::test::run(fmt::format("pdftotext -f {0} -l {0} {1} -", page, path)).output;
    text.erase(std::remove_if(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); }), text.end());
    return text;
}

/// The width of each page of the PDF at `path`, in points, as poppler's pdfinfo reads them.
std::vector<double> widths(const std::string& path) {
    const std::string info = cartelier::test::run("pdfinfo -f 1 -l 99 " + path).output;
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
    const std::string series = assemble({b, a, b}, dir + "/series.pdf");
    EXPECT_EQ(widths(dir + "/series.pdf"), (std::vector<double>{150, 100, 150}));
    // qpdf finds nothing wrong with it; each page shows its own text.
    const auto check = cartelier::test::run("qpdf --check " + dir + "/series.pdf");
    EXPECT_EQ(check.status, 0) << check.output;
    EXPECT_NE(check.output.find("No syntax or stream encoding errors found"), std::string::npos) << check.output;
    EXPECT_EQ(page_text(dir + "/series.pdf", 1), "two");
    EXPECT_EQ(page_text(dir + "/series.pdf", 2), "one");
    EXPECT_EQ(page_text(dir + "/series.pdf", 3), "two");
    // Both elements the same 16 bytes.
    const std::vector<std::string> id = ids(series);
    ASSERT_EQ(id.size(), 2u);
    EXPECT_EQ(id[0].size(), 32u);
    EXPECT_EQ(id[0], id[1]);
    // The same files, the same bytes; another page, another /ID.
    EXPECT_EQ(assemble({b, a, b}, dir + "/again.pdf"), series);
    EXPECT_NE(ids(assemble({b, a, c}, dir + "/other.pdf")), id);
}

TEST(PdfAssemble, FilesOfSeveralPagesAndFilesWithObjectStreamsAreJoinedWhole) {
    const std::string dir = cartelier::test::temp_dir("pdf-assemble-forms");
    const std::string a = dir + "/a.pdf", packed = dir + "/packed.pdf", two = dir + "/two.pdf";
    write_page(a, 100, "one");
    // The same page rewritten by qpdf with its objects in object streams and a cross-reference stream.
    ASSERT_EQ(cartelier::test::run("qpdf --object-streams=generate " + a + " " + packed).status, 0);
    {
        cairo_surface_t* surface = cairo_pdf_surface_create(two.c_str(), 120, 200);
        cairo_t* cr = cairo_create(surface);
        for (const char* text : {"first", "second"}) {
            cairo_move_to(cr, 20, 100);
            cairo_show_text(cr, text);
            cairo_show_page(cr);
        }
        cairo_destroy(cr);
        cairo_surface_destroy(surface);
    }
    const std::string series = dir + "/series.pdf";
    assemble({two, packed, a}, series);
    EXPECT_EQ(widths(series), (std::vector<double>{120, 120, 100, 100}));
    EXPECT_EQ(page_text(series, 1), "first");
    EXPECT_EQ(page_text(series, 2), "second");
    EXPECT_EQ(page_text(series, 3), "one");
    EXPECT_EQ(page_text(series, 4), "one");
    EXPECT_EQ(cartelier::test::run("qpdf --check " + series).status, 0);
    // A page of a later PDF version than the first raises the series' version.
    const std::string newer = dir + "/newer.pdf";
    ASSERT_EQ(cartelier::test::run("qpdf --min-version=1.7 " + a + " " + newer).status, 0);
    assemble({a, newer}, series);
    EXPECT_NE(cartelier::test::run("pdfinfo " + series).output.find("PDF version:     1.7"), std::string::npos)
        << cartelier::test::run("pdfinfo " + series).output;
    EXPECT_EQ(cartelier::test::run("qpdf --check " + series).status, 0);
}

// A series of many pages holds one page's file open at a time: it is assembled under a limit of open
// files far below its number of pages (qpdf's own writer, which kept every page open until the end,
// failed here with "Too many open files" past about a thousand pages under the usual limit).
TEST(PdfAssemble, OnePageFileIsOpenAtATime) {
    const std::string dir = cartelier::test::temp_dir("pdf-assemble-open-files");
    const std::string page = dir + "/page.pdf";
    write_page(page, 100, "one");
    std::vector<std::string> files(200, page);
    rlimit before{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &before), 0);
    // The descriptors open now (the test runner's), and 32 more.
    int open_now = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) open_now += entry.is_symlink() ? 1 : 0;
    rlimit low = before;
    low.rlim_cur = static_cast<rlim_t>(open_now + 32);
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
    std::string error;
    try {
        assemble_pdfs(files, dir + "/series.pdf");
    } catch (const std::exception& e) {
        error = e.what();
    }
    setrlimit(RLIMIT_NOFILE, &before);
    EXPECT_EQ(error, "");
    EXPECT_EQ(widths(dir + "/series.pdf").size(), 99u);  // pdfinfo -l 99
    EXPECT_NE(cartelier::test::run("pdfinfo " + dir + "/series.pdf").output.find("Pages:           200"), std::string::npos);
}

TEST(PdfAssemble, APageThatCannotBeReadIsNamed) {
    const std::string dir = cartelier::test::temp_dir("pdf-assemble-bad");
    const std::string good = dir + "/good.pdf", bad = dir + "/bad.pdf", missing = dir + "/missing.pdf";
    write_page(good, 100, "one");
    cartelier::test::save_text(bad, "%PDF-1.5\nnot a PDF at all\n");
    for (const std::string& file : {bad, missing}) {
        try {
            assemble_pdfs({good, file}, dir + "/series.pdf");
            ADD_FAILURE() << "no error for " << file;
        } catch (const cartelier::Error& e) {
            EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("cannot assemble the series PDF"), std::string::npos) << e.what();
        }
    }
}

// `watch` keeps what it parsed of each page between assemblies (PageBlockCache): assembling the series
// again after one page changed reads that page's file alone, and writes the same bytes as an
// assembly without the cache. A page whose key (its SHA-256) changed is read again even if its name did
// not; a budget too small for a page keeps nothing of it (read every time), and the bytes are the same.
TEST(PdfAssemble, AKeptCacheReadsTheChangedPageAloneAndWritesTheSameBytes) {
    using cartelier::file_read_count;
    using cartelier::pipeline::PageBlockCache;
    const std::string dir = cartelier::test::temp_dir("pdf-assemble-cache");
    std::vector<std::string> files = write_pages(dir, 5), keys;
    for (const auto& f : files) keys.push_back(key_of(f));
    PageBlockCache cache;
    const std::string series = dir + "/series.pdf", plain = dir + "/plain.pdf";
    assemble_pdfs(files, series, {keys, &cache, {}});
    EXPECT_GT(cache.bytes(), 0u);
    EXPECT_EQ(cartelier::test::read_text(series), assemble(files, plain));
    std::vector<std::size_t> reads;
    for (const auto& f : files) reads.push_back(file_read_count(f));

    // Page 2 drawn again with another text: only its file is read.
    write_page(files[2], 120, "page two, edited");
    keys[2] = key_of(files[2]);
    assemble_pdfs(files, series, {keys, &cache, {}});
    for (std::size_t i = 0; i < files.size(); ++i)
        EXPECT_EQ(file_read_count(files[i]), reads[i] + (i == 2 ? 1 : 0)) << files[i];
    EXPECT_EQ(cartelier::test::read_text(series), assemble(files, plain));
    EXPECT_EQ(page_text(series, 3), "pagetwo,edited");

    // Pages dropped and reordered: the kept blocks are written where they now stand.
    const std::vector<std::string> fewer = {files[4], files[0], files[2]};
    const std::vector<std::string> fewer_keys = {keys[4], keys[0], keys[2]};
    for (const auto& f : files) reads[&f - files.data()] = file_read_count(f);
    assemble_pdfs(fewer, series, {fewer_keys, &cache, {}});
    for (std::size_t i = 0; i < files.size(); ++i) EXPECT_EQ(file_read_count(files[i]), reads[i]) << files[i];
    EXPECT_EQ(cartelier::test::read_text(series), assemble(fewer, plain));

    // A budget of one byte keeps nothing: every page is read each time; the same bytes.
    PageBlockCache tiny(1);
    assemble_pdfs(files, series, {keys, &tiny, {}});
    EXPECT_EQ(tiny.bytes(), 0u);
    const std::size_t before = file_read_count(files[1]);
    assemble_pdfs(files, series, {keys, &tiny, {}});
    EXPECT_EQ(file_read_count(files[1]), before + 1);
    EXPECT_EQ(cartelier::test::read_text(series), assemble(files, plain));
}

// A build keeps what it parsed of each page on disk (KeptPageBlocks::folder, a file per page's
// SHA-256): the next build's series reads the page files that changed alone, and writes the same bytes
// as an assembly that reads them all. A block file cut short, altered or of another format is not
// read: the page is parsed again and its block written again. The folder ends with this series' blocks.
TEST(PdfAssemble, BlocksKeptOnDiskAreReadInsteadOfThePagesAndTheSeriesIsTheSame) {
    using cartelier::file_read_count;
    namespace fs = std::filesystem;
    const std::string dir = cartelier::test::temp_dir("pdf-assemble-disk");
    const fs::path folder = fs::path(dir) / "blocks";
    std::vector<std::string> files = write_pages(dir, 5), keys;
    for (const auto& f : files) keys.push_back(key_of(f));
    auto blocks = [&] {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(folder)) names.push_back(e.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    };
    auto expected_blocks = [&] {
        std::vector<std::string> names;
        for (const auto& k : keys) names.push_back(k + ".block");
        std::sort(names.begin(), names.end());
        return names;
    };
    auto reads = [&] {
        std::vector<std::size_t> n;
        for (const auto& f : files) n.push_back(file_read_count(f));
        return n;
    };
    const std::string series = dir + "/series.pdf", plain = dir + "/plain.pdf";
    assemble_pdfs(files, series, {keys, nullptr, folder});
    EXPECT_EQ(blocks(), expected_blocks());
    EXPECT_EQ(cartelier::test::read_text(series), assemble(files, plain));

    // Nothing changed: no page file is read.
    std::vector<std::size_t> before = reads();
    assemble_pdfs(files, series, {keys, nullptr, folder});
    EXPECT_EQ(reads(), before);
    EXPECT_EQ(cartelier::test::read_text(series), assemble(files, plain));

    // Page 2 drawn again: its file alone is read; its old block is removed.
    write_page(files[2], 120, "page two, edited");
    keys[2] = key_of(files[2]);
    before = reads();
    assemble_pdfs(files, series, {keys, nullptr, folder});
    for (std::size_t i = 0; i < files.size(); ++i)
        EXPECT_EQ(file_read_count(files[i]), before[i] + (i == 2 ? 1 : 0)) << files[i];
    EXPECT_EQ(blocks(), expected_blocks());
    EXPECT_EQ(cartelier::test::read_text(series), assemble(files, plain));
    EXPECT_EQ(page_text(series, 3), "pagetwo,edited");

    // A block altered (one byte of a stream), one cut short, one of another format: those three pages
    // are read again, their blocks written again (read, not parsed, the time after).
    auto block_of = [&](std::size_t i) { return (folder / (keys[i] + ".block")).string(); };
    {
        std::string bytes = cartelier::test::read_text(block_of(0));
        bytes[bytes.size() / 2] ^= 0x20;
        cartelier::test::save_text(block_of(0), bytes);
        bytes = cartelier::test::read_text(block_of(1));
        cartelier::test::save_text(block_of(1), bytes.substr(0, bytes.size() / 2));
        bytes = cartelier::test::read_text(block_of(3));
        const std::size_t at = bytes.find("page block ");
        ASSERT_NE(at, std::string::npos);
        ++bytes[at + 11];  // the next format number
        cartelier::test::save_text(block_of(3), bytes);
    }
    before = reads();
    assemble_pdfs(files, series, {keys, nullptr, folder});
    for (std::size_t i = 0; i < files.size(); ++i)
        EXPECT_EQ(file_read_count(files[i]), before[i] + (i == 0 || i == 1 || i == 3 ? 1 : 0)) << files[i];
    EXPECT_EQ(cartelier::test::read_text(series), assemble(files, plain));
    before = reads();
    assemble_pdfs(files, series, {keys, nullptr, folder});
    EXPECT_EQ(reads(), before);
    EXPECT_EQ(blocks(), expected_blocks());

    // Keys that are not one per file: nothing is kept or read from the folder.
    const fs::path unused = fs::path(dir) / "unused";
    assemble_pdfs(files, series, {{keys[0]}, nullptr, unused});
    EXPECT_FALSE(fs::exists(unused));
    EXPECT_EQ(cartelier::test::read_text(series), assemble(files, plain));
}

// A series written a page file at a time (what a build does while its pages are drawn): finished, it is
// whole on the disk under a temporary name and the target is as it was; committed, it is the series
// assemble_pdfs writes of the same files, a page given by its bytes (its file not read) included;
// dropped before its commit, it leaves the target as it was and no temporary file. Synced on the way,
// its bytes are the same.
TEST(PdfAssemble, ASeriesWrittenPageByPageIsPutInPlaceOnlyWhenCommitted) {
    using cartelier::pipeline::SeriesAssembly;
    using cartelier::pipeline::SeriesPage;
    namespace fs = std::filesystem;
    const std::string dir = cartelier::test::temp_dir("pdf-assemble-ahead");
    const std::vector<std::string> files = write_pages(dir, 3);
    const std::string expected = assemble(files, dir + "/expected.pdf");
    const std::string target = dir + "/series.pdf";
    cartelier::test::save_text(target, "the series as it was");
    auto temporary_files = [&] {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(dir))
            if (e.path().filename().string().rfind(".series.pdf.tmp-", 0) == 0) names.push_back(e.path().filename());
        return names;
    };
    // The last page from its bytes, its file moved away: it is not read.
    const auto last = std::make_shared<const std::string>(cartelier::test::read_text(files[2]));
    const std::string last_key = key_of(files[2]);
    fs::rename(files[2], dir + "/elsewhere.pdf");
    {
        SeriesAssembly series(target);
        series.add(SeriesPage{files[0], key_of(files[0]), nullptr});
        // Synced (as while a page is being drawn): what was added is in the temporary file, the start of
        // the series; a sync asked for a MiB more than that writes nothing.
        series.sync(0);
        ASSERT_EQ(temporary_files().size(), 1u);
        const std::string temporary = dir + "/" + temporary_files().front();
        const std::string start = cartelier::test::read_text(temporary);
        EXPECT_GT(start.size(), 1000u);
        EXPECT_EQ(expected.compare(0, start.size(), start), 0);
        series.add(SeriesPage{files[1], "unknown", nullptr});
        series.sync(std::uint64_t{1} << 20);
        EXPECT_EQ(cartelier::test::read_text(temporary), start);
        series.add(SeriesPage{files[2], last_key, last});
        series.finish();
        EXPECT_EQ(cartelier::test::read_text(target), "the series as it was");
        ASSERT_EQ(temporary_files().size(), 1u);
        const AssembledPdf written = series.commit();
        EXPECT_EQ(cartelier::test::read_text(target), expected);
        EXPECT_EQ(written.bytes, expected.size());
        EXPECT_EQ(written.sha256, key_of(target));
        EXPECT_TRUE(temporary_files().empty());
    }
    // Finished and dropped: nothing changes.
    cartelier::test::save_text(target, "the series as it was");
    {
        SeriesAssembly series(target);
        series.add(SeriesPage{files[0], "", nullptr});
        series.finish();
    }
    EXPECT_EQ(cartelier::test::read_text(target), "the series as it was");
    EXPECT_TRUE(temporary_files().empty());
    // A commit before the end is an error naming the series, not a half file.
    {
        SeriesAssembly series(target);
        series.add(SeriesPage{files[0], "", nullptr});
        try {
            (void)series.commit();
            ADD_FAILURE() << "committed an unfinished series";
        } catch (const cartelier::Error& e) {
            EXPECT_NE(e.diagnostics().items().front().where.file.find("series.pdf"), std::string::npos);
        }
    }
    EXPECT_EQ(cartelier::test::read_text(target), "the series as it was");
    EXPECT_TRUE(temporary_files().empty());
}

// A process that stays up (a PageBlockCache) holds the series file a commit replaced open until it
// releases it, so that the rename does not wait for the file system to free it; a build without one
// holds nothing.
TEST(PdfAssemble, TheSeriesFileReplacedIsHeldOpenByTheCacheUntilReleased) {
    using cartelier::pipeline::PageBlockCache;
    namespace fs = std::filesystem;
    const std::string dir = cartelier::test::temp_dir("pdf-assemble-replaced");
    const std::vector<std::string> files = write_pages(dir, 2);
    std::vector<std::string> keys;
    for (const auto& f : files) keys.push_back(key_of(f));
    const std::string series = dir + "/series.pdf";
    // The descriptors of this process open on a file that no longer has a name ("… (deleted)").
    auto deleted_open = [&] {
        std::size_t n = 0;
        for (const auto& e : fs::directory_iterator("/proc/self/fd")) {
            std::error_code ec;
            const std::string target = fs::read_symlink(e.path(), ec).string();
            if (!ec && target.rfind(dir, 0) == 0 && target.find("(deleted)") != std::string::npos) ++n;
        }
        return n;
    };
    PageBlockCache cache;
    assemble_pdfs(files, series, {keys, &cache, {}});  // no file replaced
    EXPECT_EQ(deleted_open(), 0u);
    assemble_pdfs(files, series, {keys, &cache, {}});
    assemble_pdfs(files, series, {keys, &cache, {}});
    EXPECT_EQ(deleted_open(), 2u);
    EXPECT_EQ(cartelier::test::read_text(series), assemble(files, dir + "/plain.pdf"));
    cache.release_replaced();
    EXPECT_EQ(deleted_open(), 0u);
    assemble_pdfs(files, series, {keys, nullptr, {}});
    EXPECT_EQ(deleted_open(), 0u);
}
