// Issue 5: deterministic outputs (byte-identical builds, -j 4 = -j 1), dates from SOURCE_DATE_EPOCH or
// the newest input, and interrupted builds (kill -9, SIGTERM) that leave only complete files behind.
#include <algorithm>
#include <csignal>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "nightly_fixture.hpp"

extern char** environ;

using namespace cartelier;
using namespace cartelier::test::nightly;

namespace {

const std::string kSvg = "formats: [pdf, png, svg]";

/// Starts `cartelier build` in the background; output to dir/log.
pid_t spawn_build(const std::string& dir, const std::vector<std::string>& extra, const std::string& epoch) {
    std::vector<std::string> args = {test::cartelier_binary(), "build", "-p", dir + "/cartelier.yaml", "-o", dir + "/out"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e)
        if (std::string(*e).rfind("SOURCE_DATE_EPOCH=", 0) != 0) env_strings.emplace_back(*e);
    env_strings.push_back("SOURCE_DATE_EPOCH=" + epoch);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    std::string log = dir + "/log";
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? pid : -1;
}

/// Waits until a file of `out` matches `predicate` (or the process ends); true if seen.
template <typename Predicate>
bool wait_for(const std::string& out, pid_t pid, Predicate predicate) {
    for (int i = 0; i < 300000; ++i) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(out, ec))
            if (predicate(e.path().filename().string())) return true;
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) return false;
        std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    return false;
}

/// The fixture with eight maps (a longer build to interrupt).
std::string make_big_project(const std::string& name) {
    std::string dir = make_project(name, kSvg, 150);
    std::vector<std::pair<std::string, std::string>> maps;
    for (const char* id : {"m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8"}) maps.emplace_back(id, maps.size() % 2 ? "b.json" : "a.json");
    write_project(dir, maps, kSvg, 150);
    return dir;
}

/// Every complete output present in `out` equals the reference build's file of that name.
void expect_only_complete_outputs(const std::string& out, const std::map<std::string, std::string>& reference) {
    for (const auto& [name, sha] : digests(out)) {
        ASSERT_TRUE(reference.count(name)) << "unexpected file " << name;
        EXPECT_EQ(sha, reference.at(name)) << name << " is not the complete file";
    }
}

}  // namespace

TEST(Deterministic, TwoBuildsWithTheSameSourceDateEpochAreByteIdentical) {
    std::string a = make_project("det-a", kSvg), b = make_project("det-b", kSvg);
    ASSERT_EQ(run_cartelier(a, "", "SOURCE_DATE_EPOCH=1700000000").status, 0);
    auto first = digests(a + "/out");
    ASSERT_EQ(first.size(), 15u);  // PDF, PNG, SVG, the PNG's .pgw and .png.aux.xml, for 3 maps
    ASSERT_EQ(run_cartelier(a, "--force", "SOURCE_DATE_EPOCH=1700000000").status, 0);
    EXPECT_EQ(statuses(report(a))["alpha"], "built");
    EXPECT_EQ(digests(a + "/out"), first);
    // Another folder, another build: the same bytes (no paths, random ids or clock in the files).
    ASSERT_EQ(run_cartelier(b, "", "SOURCE_DATE_EPOCH=1700000000").status, 0);
    EXPECT_EQ(digests(b + "/out"), first);
    // The report's SHA-256 are the files'. (The report is held in a variable: a range-for over a member
    // of a temporary reads freed memory.)
    const nlohmann::json built = report(b);
    ASSERT_FALSE(built["maps"].empty());
    for (const auto& m : built["maps"])
        for (const auto& o : m["outputs"])
            EXPECT_EQ(o["sha256"], first.at(fs::path(o["file"].get<std::string>()).filename().string()));
    // And the date is in the PDF.
    auto info = test::run("pdfinfo " + a + "/out/alpha.pdf");
    EXPECT_NE(info.output.find("2023"), std::string::npos) << info.output;
    EXPECT_NE(read_file(a + "/out/alpha.pdf").find("20231114"), std::string::npos);
}

TEST(Deterministic, WithoutSourceDateEpochTheDateIsTheNewestInputAndATouchKeepsIt) {
    std::string a = make_project("det-date", kSvg);
    set_mtimes(a, 1577934245);  // 2020-01-02T03:04:05Z
    auto r = run_cartelier(a, "", "env -u SOURCE_DATE_EPOCH");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(report(a)["maps"][0]["date"], "2020-01-02T03:04:05Z");
    std::string pdf = read_file(a + "/out/alpha.pdf");
    EXPECT_NE(pdf.find("/CreationDate (20200102030405Z)"), std::string::npos) << "PDF creation date";
    auto first = digests(a + "/out");

    // A fresh checkout or a touch changes mtimes, not content: same date, same bytes.
    test::run(fmt::format("touch {}/a.json {}/sites.csv {}/cartelier.yaml", a, a, a));
    ASSERT_EQ(run_cartelier(a, "--force", "env -u SOURCE_DATE_EPOCH").status, 0);
    EXPECT_EQ(digests(a + "/out"), first);

    // A real change to a data file moves the date of the maps that read it to that file's mtime.
    write_file(a + "/sessions.csv", read_file(a + "/sessions.csv") + "s-extra,flash,2021\n");
    test::run(fmt::format("touch -d @1609556645 {}/sessions.csv", a));  // 2021-01-02T03:04:05Z
    ASSERT_EQ(run_cartelier(a, "", "env -u SOURCE_DATE_EPOCH").status, 0);
    auto rep = report(a);
    EXPECT_EQ(rep["maps"][0]["date"], "2021-01-02T03:04:05Z");
    EXPECT_EQ(rep["maps"][2]["status"], "up to date");
    EXPECT_EQ(rep["maps"][2]["date"], "2020-01-02T03:04:05Z");
}

TEST(Parallel, FourJobsGiveTheSameBytesAsOne) {
    std::string a = make_project("par-1", kSvg), b = make_project("par-4", kSvg);
    auto one = run_cartelier(a, "-j 1", "SOURCE_DATE_EPOCH=1700000000");
    ASSERT_EQ(one.status, 0) << one.output;
    EXPECT_EQ(report(a)["jobs"], 1);
    for (int round = 0; round < 3; ++round) {
        auto four = run_cartelier(b, "-j 4 --force", "SOURCE_DATE_EPOCH=1700000000");
        ASSERT_EQ(four.status, 0) << four.output;
        EXPECT_EQ(report(b)["jobs"], 4);
        EXPECT_EQ(digests(b + "/out"), digests(a + "/out")) << "round " << round;
    }
    // The layers shared by the maps were loaded once: departements (by any map) and sites (by alpha or
    // beta), so at most two maps report load time.
    int loaded = 0;
    const nlohmann::json built = report(b);
    ASSERT_EQ(built["maps"].size(), 3u);
    for (const auto& m : built["maps"])
        if (m["stages"]["load"].get<double>() > 0) ++loaded;
    EXPECT_LE(loaded, 2);
}

TEST(Interrupted, ABuildKilledHalfwayLeavesNoPartialFileAndTheNextBuildRecovers) {
    // Reference bytes.
    std::string ref = make_big_project("kill-ref");
    ASSERT_EQ(run_cartelier(ref, "-j 1", "SOURCE_DATE_EPOCH=1700000000").status, 0);
    auto reference = digests(ref + "/out");
    ASSERT_EQ(reference.size(), 40u);  // PDF, PNG, SVG, the PNG's .pgw and .png.aux.xml, for 8 maps

    int killed_mid_write = 0, killed_between = 0;
    // Catching a temporary file is a race the test may lose on a busy machine: up to 40 attempts (it
    // stops at the first of each kind).
    for (int attempt = 0; attempt < 40 && (killed_mid_write < 1 || killed_between < 1); ++attempt) {
        std::string dir = make_big_project(fmt::format("kill-{}", attempt));
        fs::create_directories(dir + "/out");
        pid_t pid = spawn_build(dir, {"-j", "2"}, "1700000000");
        ASSERT_GT(pid, 0);
        // Kill while an output is being written (a temporary file exists), or once some maps are done.
        const bool mid_write = killed_mid_write < 1 && attempt % 2 == 0;
        bool seen = wait_for(dir + "/out", pid, [&](const std::string& name) {
            return mid_write ? name.find(".tmp-") != std::string::npos : name == "m3.svg";
        });
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        if (!seen) continue;
        std::size_t temps = temp_files(dir + "/out").size();
        if (temps) ++killed_mid_write;
        else ++killed_between;
        expect_only_complete_outputs(dir + "/out", reference);
        EXPECT_LT(digests(dir + "/out").size(), 24u) << "the build was not killed halfway";

        auto next = run_cartelier(dir, "-j 2", "SOURCE_DATE_EPOCH=1700000000");
        ASSERT_EQ(next.status, 0) << next.output;
        EXPECT_EQ(digests(dir + "/out"), reference);
        EXPECT_TRUE(temp_files(dir + "/out").empty()) << fmt::format("{}", fmt::join(temp_files(dir + "/out"), ", "));
        EXPECT_EQ(report(dir)["stale_temp_files_removed"].get<std::size_t>(), temps);
        if (temps) EXPECT_NE(next.output.find(fmt::format("removed {} temporary file(s)", temps)), std::string::npos);
        // The maps completed before the kill are not built again.
        auto st = statuses(report(dir));
        if (!temps) EXPECT_GT(std::count_if(st.begin(), st.end(), [](const auto& p) { return p.second == "up to date"; }), 0);
    }
    EXPECT_GT(killed_mid_write, 0) << "no attempt caught a build while it was writing an output";
    EXPECT_GT(killed_between, 0);
}

TEST(Interrupted, SigtermStopsTheBuildWithStatus143AndOnlyCompleteFiles) {
    std::string ref = make_big_project("term-ref");
    ASSERT_EQ(run_cartelier(ref, "-j 1", "SOURCE_DATE_EPOCH=1700000000").status, 0);
    auto reference = digests(ref + "/out");

    std::string dir = make_big_project("term");
    fs::create_directories(dir + "/out");
    pid_t pid = spawn_build(dir, {"-j", "1"}, "1700000000");
    ASSERT_GT(pid, 0);
    ASSERT_TRUE(wait_for(dir + "/out", pid, [](const std::string& name) { return name == "m1.pdf"; }));
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status)) << "the build must exit, not die, on SIGTERM";
    EXPECT_EQ(WEXITSTATUS(status), 143) << read_file(dir + "/log");
    EXPECT_TRUE(temp_files(dir + "/out").empty());
    expect_only_complete_outputs(dir + "/out", reference);
    EXPECT_LT(digests(dir + "/out").size(), 24u);
    EXPECT_NE(read_file(dir + "/log").find("interrupted by signal 15"), std::string::npos) << read_file(dir + "/log");
    auto rep = report(dir);
    EXPECT_EQ(rep["interrupted_by_signal"], 15);

    auto next = run_cartelier(dir, "-j 1", "SOURCE_DATE_EPOCH=1700000000");
    ASSERT_EQ(next.status, 0) << next.output;
    EXPECT_EQ(digests(dir + "/out"), reference);
}
