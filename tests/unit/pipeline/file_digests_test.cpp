// digest_file: a file read once per process, and, through the saved table, once across builds; a file
// whose stamp moved is read again; a table that does not parse seeds nothing.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/diagnostic.hpp"
#include "pipeline/hashing.hpp"
#include "test_paths.hpp"
#include "text_files.hpp"

using namespace cartelier;
using namespace cartelier::pipeline;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) { return test::temp_dir("digests-" + name); }

void write_file(const fs::path& p, const std::string& text) { test::save_text(p.string(), text); }

/// Sets the file's modification time `seconds_ago` in the past (a file that has settled).
void age(const fs::path& p, int seconds_ago) {
    timespec times[2];
    ::clock_gettime(CLOCK_REALTIME, &times[0]);
    times[0].tv_sec -= seconds_ago;
    times[1] = times[0];
    ASSERT_EQ(::utimensat(AT_FDCWD, p.c_str(), times, 0), 0);
}

std::string read_all(const fs::path& p) { return test::read_text(p.string()); }

}  // namespace

TEST(FileDigests, ASettledFileIsReadOnceAndAChangedOneAgain) {
    fs::path dir = scratch("once");
    fs::path file = dir / "communes.geojson";
    write_file(file, "the bytes of a layer");
    age(file, 60);
    const std::size_t before = file_digest_reads();
    auto first = digest_file(file);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->hash, content_hash("the bytes of a layer"));
    EXPECT_EQ(first->stamp, *stat_file(file));
    auto second = digest_file(file);
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(second->hash, first->hash);
    EXPECT_EQ(file_digest_reads(), before + 1) << "the second digest comes from memory";

    write_file(file, "other bytes of a layer");  // another size and time
    age(file, 30);
    auto third = digest_file(file);
    ASSERT_TRUE(third.has_value());
    EXPECT_EQ(third->hash, content_hash("other bytes of a layer"));
    EXPECT_EQ(file_digest_reads(), before + 2);

    EXPECT_FALSE(digest_file(dir / "missing.geojson").has_value());
    fs::remove_all(dir);
}

TEST(FileDigests, AFileModifiedInTheLastTwoSecondsIsNotRemembered) {
    // Two writes of the same size within one tick of the kernel's clock could keep the same stamp.
    fs::path dir = scratch("fresh");
    fs::path file = dir / "sites.csv";
    write_file(file, "code,nom\n");
    const std::size_t before = file_digest_reads();
    ASSERT_TRUE(digest_file(file).has_value());
    ASSERT_TRUE(digest_file(file).has_value());
    EXPECT_EQ(file_digest_reads(), before + 2);
    fs::remove_all(dir);
}

TEST(FileDigests, AFileJustSavedIsReadOnceWhileABuildScopeLivesAndAgainAfter) {
    fs::path dir = scratch("scope");
    fs::path file = dir / "departements.geojson";
    write_file(file, "départements");
    const std::size_t before = file_digest_reads();
    {
        const FileDigestBuildScope build;
        ASSERT_TRUE(digest_file(file).has_value());
        {
            const FileDigestBuildScope nested;  // the memory lasts until the last scope ends
        }
        const auto again = digest_file(file);
        ASSERT_TRUE(again.has_value());
        EXPECT_EQ(again->hash, content_hash("départements"));
        EXPECT_EQ(file_digest_reads(), before + 1);
        // Saved again with another stamp (another size): read again, its new bytes.
        write_file(file, "départements, modifiés");
        const auto saved = digest_file(file);
        ASSERT_TRUE(saved.has_value());
        EXPECT_EQ(saved->hash, content_hash("départements, modifiés"));
        EXPECT_EQ(file_digest_reads(), before + 2);
    }
    // The next build reads it again (the two-second rule from one build to the next).
    ASSERT_TRUE(digest_file(file).has_value());
    EXPECT_EQ(file_digest_reads(), before + 3);
    fs::remove_all(dir);
}

TEST(FileDigests, TheSavedTableIsTrustedForTheStampsItRecordsOnly) {
    fs::path dir = scratch("table");
    fs::path file = dir / "departements.geojson";
    write_file(file, "départements");
    age(file, 60);
    const FileStamp stamp = *stat_file(file);
    const std::string path = fs::absolute(file).lexically_normal().string();
    const std::string recorded(32, 'a');  // not the file's digest: shows that the table was believed
    fs::path table = dir / "file-digests";
    write_file(table, fmt::format("cartelier file digests 1\n{}\t{}\t{}\t{}\t{}\n", recorded, stamp.size, stamp.mtime_ns,
                                  stamp.inode, path));
    load_file_digests(table);
    std::size_t before = file_digest_reads();
    auto digest = digest_file(file);
    ASSERT_TRUE(digest.has_value());
    EXPECT_EQ(digest->hash, recorded);
    EXPECT_EQ(file_digest_reads(), before);

    // The file rewritten (another size): its stamp no longer matches the record, it is read.
    write_file(file, "départements, modifiés");
    age(file, 50);
    digest = digest_file(file);
    ASSERT_TRUE(digest.has_value());
    EXPECT_EQ(digest->hash, content_hash("départements, modifiés"));
    EXPECT_EQ(file_digest_reads(), before + 1);

    // Saved, the table holds what this process knows of the file now.
    ASSERT_TRUE(save_file_digests(table));
    const std::string saved = read_all(table);
    const FileStamp now = *stat_file(file);
    EXPECT_NE(saved.find(fmt::format("{}\t{}\t{}\t{}\t{}\n", content_hash("départements, modifiés"), now.size,
                                     now.mtime_ns, now.inode, path)),
              std::string::npos)
        << saved;
    EXPECT_EQ(saved.find(recorded), std::string::npos);
    fs::remove_all(dir);
}

TEST(FileDigests, ATableThatDoesNotParseSeedsNothing) {
    fs::path dir = scratch("bad");
    fs::path table = dir / "file-digests";
    const std::vector<std::string> damaged = {
        "cartelier file digests 0\n{line}",                                 // another version
        "cartelier file digests 1\n{cut}",                                  // cut short
        "cartelier file digests 1\nnot-hex\t1\t2\t3\t{path}\n{line}",      // a digest that is not one
        "cartelier file digests 1\n{hash}\tmany\t2\t3\t{path}\n{line}",    // a size that is not a number
        "cartelier file digests 1\n{hash}\t1\t2\t3\n{line}",               // a field missing
    };
    for (std::size_t i = 0; i < damaged.size(); ++i) {
        // A file of its own each time: what this process read is never replaced by a table.
        fs::path file = dir / fmt::format("regions-{}.geojson", i);
        write_file(file, "régions");
        age(file, 60);
        const FileStamp stamp = *stat_file(file);
        const std::string path = fs::absolute(file).lexically_normal().string();
        const std::string hash(32, 'b');
        const std::string line = fmt::format("{}\t{}\t{}\t{}\t{}\n", hash, stamp.size, stamp.mtime_ns, stamp.inode, path);
        write_file(table, fmt::format(fmt::runtime(damaged[i]), fmt::arg("line", line), fmt::arg("path", path),
                                      fmt::arg("hash", hash), fmt::arg("cut", line.substr(0, line.size() - 1))));
        load_file_digests(table);
        auto digest = digest_file(file);
        ASSERT_TRUE(digest.has_value());
        EXPECT_EQ(digest->hash, content_hash("régions")) << read_all(table);
    }
    // The same table whole is believed (the cases above fail for what they damage, not for the rest).
    fs::path file = dir / "regions-whole.geojson";
    write_file(file, "régions");
    age(file, 60);
    const FileStamp stamp = *stat_file(file);
    write_file(table, fmt::format("cartelier file digests 1\n{}\t{}\t{}\t{}\t{}\n", std::string(32, 'b'), stamp.size,
                                  stamp.mtime_ns, stamp.inode, fs::absolute(file).lexically_normal().string()));
    load_file_digests(table);
    EXPECT_EQ(digest_file(file)->hash, std::string(32, 'b'));
    load_file_digests(dir / "no-such-table");  // nothing happens
    fs::remove_all(dir);
}
