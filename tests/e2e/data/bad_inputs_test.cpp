// The bad-inputs corpus (tests/bad-inputs/): one test per case of cases.tsv, each running the real
// `cartelier` program, so that one case runs alone (`ctest -R 'BadInputs/.*/csv_comma$'`) and the cases run
// in parallel (`ctest -j`): each works in its own temporary folder (test::temp_dir is per process, and
// CTest runs each test in its own process).
//
// For each case:
//  - BadInput.EndsWithItsStatusAndMessageAndNeverCrashes: the case's command (`check` or `build`) ends with
//    its expected exit status and prints its expected message fragment; no crash (status 0, 1 or 2, no
//    sanitizer report); a build writes nothing outside its output folder and a failing build keeps the
//    previous outputs.
//  - BadInput.CheckAndBuildReportTheSameDiagnostics: `check` and `build` on the same project print the same
//    error and warning lines and end with the same status (`check` is "everything build would reject").
//  - BadExport.EndsWithItsStatusAndMessageAndWritesNothingWhenItFails: an `export` case (`export LAYER -o
//    {out}/FILE …`, {out} the case's output folder), as the first test; a failing export writes nothing.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include "test_paths.hpp"

namespace fs = std::filesystem;
using namespace cartelier;

namespace {

/// One line of cases.tsv: case (folder), command (`check` or `build`, maybe followed by options such as
/// `--strict`, given to both commands by the check-and-build test; or `export` and its arguments, where
/// `{out}` stands for the case's output folder), expected status, expected fragment,
/// note. A malformed line becomes a case whose `malformed` holds the line, so that the test of that line
/// fails and says why.
struct Case {
    std::string name, command, args, fragment, note;
    int status = 0;
    std::string malformed;
};

/// The GoogleTest name of a case: its folder name with every character other than a letter or a digit
/// turned into '_' (GoogleTest accepts nothing else in parameter names).
std::string test_name(const std::string& name) {
    std::string out = name;
    for (char& c : out)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return out;
}

/// Every case of tests/bad-inputs/cases.tsv, in file order. Read when the tests are registered (so when
/// CTest lists them), hence no assertion here: problems become failing cases.
std::vector<Case> read_cases() {
    std::vector<Case> out;
    std::ifstream in(test::datapath("bad-inputs/cases.tsv"));
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> cols;
        std::stringstream ss(line);
        std::string col;
        while (std::getline(ss, col, '\t')) cols.push_back(col);
        Case c;
        c.name = cols.empty() ? fmt::format("line-{}", number) : cols[0];
        int status = -1;
        const std::string command = cols.size() >= 2 ? cols[1].substr(0, cols[1].find(' ')) : "";
        if (cols.size() >= 4 && std::sscanf(cols[2].c_str(), "%d", &status) == 1 &&
            (command == "check" || command == "build" || command == "export")) {
            c.command = command;
            if (cols[1].size() > command.size()) c.args = cols[1].substr(command.size());
            c.status = status;
            c.fragment = cols[3];
            c.note = cols.size() > 4 ? cols[4] : "";
        } else {
            c.malformed = fmt::format("cases.tsv:{}: expected case<TAB>check|build|export[ OPTIONS]<TAB>status<TAB>fragment[<TAB>note], "
                                      "found '{}'", number, line);
            c.name = fmt::format("line-{}", number);
        }
        out.push_back(std::move(c));
    }
    return out;
}

const std::vector<Case>& cases() {
    static const std::vector<Case> all = read_cases();
    return all;
}

/// The cases of `check` and `build` (exports: false), or those of `export` (true); malformed lines with
/// the first.
std::vector<Case> cases_of(bool exports) {
    std::vector<Case> out;
    for (const Case& c : cases())
        if ((c.command == "export") == exports) out.push_back(c);
    return out;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

std::vector<std::string> listing(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) out.push_back(fs::relative(e.path(), dir).string());
    std::sort(out.begin(), out.end());
    return out;
}

/// `cartelier COMMAND --project CASE/cartelier.yaml --out OUT`.
test::CommandResult run_cartelier(const std::string& command, const fs::path& project, const fs::path& out) {
    return test::run(fmt::format("{} {} --project '{}' --out '{}'", test::cartelier_binary(), command,
                                 project.string(), out.string()));
}

/// The diagnostics in a command's output: its "file:line:col: error: …" and "…: warning: …" lines (also
/// those without a location, "error: …"), sorted; not the command's own summary lines ("FAILED m …",
/// "m  ok", "1 error(s)", "project … is valid", "built m …").
std::vector<std::string> diagnostics_in(const std::string& output) {
    static const std::regex diagnostic("^(.*: )?(error|warning): .*");
    std::vector<std::string> out;
    std::stringstream in(output);
    std::string line;
    while (std::getline(in, line))
        if (std::regex_match(line, diagnostic)) out.push_back(line);
    std::sort(out.begin(), out.end());
    return out;
}

class BadInput : public ::testing::TestWithParam<Case> {
protected:
    void SetUp() override {
        const Case& c = GetParam();
        ASSERT_TRUE(c.malformed.empty()) << c.malformed;
        ASSERT_TRUE(fs::is_directory(folder())) << c.name << ": no folder " << folder().string();
    }
    fs::path folder() const { return fs::path(test::datapath("bad-inputs")) / GetParam().name; }
    fs::path project() const { return folder() / "cartelier.yaml"; }
};

}  // namespace

TEST(BadInputs, TheCorpusHoldsAtLeast40CasesWithDistinctNames) {
    ASSERT_GE(cases().size(), 40u) << "the corpus must hold at least 40 bad inputs";
    std::set<std::string> names;
    for (const Case& c : cases())
        EXPECT_TRUE(names.insert(test_name(c.name)).second)
            << "two cases of cases.tsv have the test name " << test_name(c.name) << " (" << c.name << ")";
}

/// BadInput.EndsWithItsStatusAndMessageAndNeverCrashes of `c`, whose project is `project`.
static void expect_ends_as_listed(const Case& c, const fs::path& project) {
    const fs::path work = test::temp_dir("bad-inputs-" + c.name);
    const fs::path out = work / "out";
    const std::string previous = "previous output of map m\n";
    if (c.command == "build") {
        fs::create_directories(out);
        std::ofstream(out / "m.png", std::ios::binary) << previous;
    }
    std::string args = c.args;
    if (c.command == "export") {
        fs::create_directories(out);
        for (auto at = args.find("{out}"); at != std::string::npos; at = args.find("{out}", at))
            args.replace(at, 5, out.string());
    }
    std::string command = fmt::format("{} {}{} --project '{}'", test::cartelier_binary(), c.command, args,
                                      project.string());
    if (c.command == "build") command += fmt::format(" --out '{}'", out.string());
    auto r = test::run(command);
    SCOPED_TRACE(fmt::format("{} ({}{})\n--- output:\n{}---", c.name, c.command, c.note.empty() ? "" : " — " + c.note,
                             r.output));
    EXPECT_EQ(r.status, c.status) << "exit status";
    EXPECT_NE(r.output.find(c.fragment), std::string::npos) << "no '" << c.fragment << "' in the output";
    EXPECT_TRUE(r.status >= 0 && r.status <= 2) << "crashed (status " << r.status << ", outside 0-2)";
    for (const char* report : {"AddressSanitizer", "ThreadSanitizer", "runtime error:", "LeakSanitizer",
                               "terminate called"})
        EXPECT_EQ(r.output.find(report), std::string::npos) << "'" << report << "' in the output";
    if (c.command == "build") {
        // Nothing outside out/; a failing map keeps its previous outputs.
        for (const auto& entry : listing(work))
            EXPECT_TRUE(entry == "out" || entry.starts_with("out/")) << "wrote " << entry << " outside out/";
        if (c.status != 0) {
            ASSERT_TRUE(fs::exists(out / "m.png")) << "the previous output out/m.png was removed";
            EXPECT_EQ(slurp(out / "m.png"), previous) << "the failing map's previous output out/m.png was replaced";
        }
    }
    if (c.command == "export") {
        // Nothing outside out/; a failing export writes nothing (no half file, no temporary file).
        for (const auto& entry : listing(work))
            EXPECT_TRUE(entry == "out" || entry.starts_with("out/")) << "wrote " << entry << " outside out/";
        if (c.status != 0) EXPECT_TRUE(fs::is_empty(out)) << "a failing export wrote into out/";
    }
}

TEST_P(BadInput, EndsWithItsStatusAndMessageAndNeverCrashes) { expect_ends_as_listed(GetParam(), project()); }

/// The `export` cases: only their status and message (neither check nor build runs them).
class BadExport : public BadInput {};

TEST_P(BadExport, EndsWithItsStatusAndMessageAndWritesNothingWhenItFails) {
    expect_ends_as_listed(GetParam(), project());
}

TEST_P(BadInput, CheckAndBuildReportTheSameDiagnostics) {
    const Case& c = GetParam();
    // Both commands on the same project and the same (empty) output folder, check first (it writes nothing),
    // so that paths in the messages are the same.
    const fs::path out = fs::path(test::temp_dir("bad-inputs-same-" + c.name)) / "out";
    auto checked = run_cartelier("check" + c.args, project(), out);
    auto built = run_cartelier("build" + c.args, project(), out);
    const auto from_check = diagnostics_in(checked.output), from_build = diagnostics_in(built.output);
    const std::string both = fmt::format("--- cartelier check (status {}):\n{}--- cartelier build (status {}):\n{}---",
                                         checked.status, checked.output, built.status, built.output);
    EXPECT_EQ(checked.status, built.status) << "check and build end with different statuses\n" << both;
    EXPECT_EQ(from_check, from_build) << "check and build report different diagnostics\n" << both;
    // A failing case is reported by at least one diagnostic line: the comparison is never of two empty lists
    // because the line format changed.
    if (c.status != 0) EXPECT_FALSE(from_build.empty()) << "no error line found in the output\n" << both;
}

INSTANTIATE_TEST_SUITE_P(BadInputs, BadInput, ::testing::ValuesIn(cases_of(false)),
                         [](const ::testing::TestParamInfo<Case>& info) { return test_name(info.param.name); });
INSTANTIATE_TEST_SUITE_P(BadInputs, BadExport, ::testing::ValuesIn(cases_of(true)),
                         [](const ::testing::TestParamInfo<Case>& info) { return test_name(info.param.name); });

TEST(BadInputs, NeitherCheckNorBuildWritesIntoTheProjectFolder) {
    // `cartelier check` writes nothing; `cartelier build --out DIR` writes only under DIR.
    const fs::path project = test::datapath("bad-inputs/build-ok");
    std::error_code ec;
    fs::remove_all(project / "out", ec);  // left by an earlier run of a program that wrote there
    const auto before = listing(project);
    auto checked = test::run(fmt::format("{} check --project '{}'", test::cartelier_binary(),
                                         (project / "cartelier.yaml").string()));
    EXPECT_EQ(checked.status, 0) << checked.output;
    EXPECT_EQ(listing(project), before) << "`cartelier check` wrote into the project folder";
    const fs::path out = fs::path(test::temp_dir("bad-inputs-project-folder")) / "out";
    auto built = test::run(fmt::format("{} build --project '{}' --out '{}'", test::cartelier_binary(),
                                       (project / "cartelier.yaml").string(), out.string()));
    EXPECT_EQ(built.status, 0) << built.output;
    EXPECT_EQ(listing(project), before) << "`cartelier build --out " << out.string()
                                        << "` wrote into the project folder, outside its output folder";
    fs::remove_all(project / "out", ec);  // leave the corpus as committed for the next run
}
