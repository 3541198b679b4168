// The bad-inputs corpus (tests/bad-inputs/): every case runs the real `cartelier` program and must end
// with its expected exit status and print its expected message fragment. Every failing case is
// reported, not only the first. Also checked for each case: no crash (status 0, 1 or 2, no sanitizer
// report), nothing written outside the output folder, and for a failing build, the previous outputs kept.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test_paths.hpp"

namespace fs = std::filesystem;
using namespace cartelier;

namespace {

struct Case {
    std::string name, command, fragment, note;
    int status = 0;
};

std::vector<Case> read_cases(const std::string& path) {
    std::vector<Case> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> cols;
        std::stringstream ss(line);
        std::string col;
        while (std::getline(ss, col, '\t')) cols.push_back(col);
        EXPECT_GE(cols.size(), 4u) << "malformed line in cases.tsv: " << line;
        if (cols.size() < 4) continue;
        out.push_back({cols[0], cols[1], cols[3], cols.size() > 4 ? cols[4] : "", std::stoi(cols[2])});
    }
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

}  // namespace

TEST(BadInputs, EveryCaseEndsWithItsStatusAndMessageAndNeverCrashes) {
    const fs::path corpus = test::datapath("bad-inputs");
    std::vector<Case> cases = read_cases((corpus / "cases.tsv").string());
    ASSERT_GE(cases.size(), 40u) << "the corpus must hold at least 40 bad inputs";

    std::vector<std::string> failures;
    for (const Case& c : cases) {
        const fs::path dir = corpus / c.name;
        if (!fs::is_directory(dir)) {
            failures.push_back(fmt::format("{}: no folder {}", c.name, dir.string()));
            continue;
        }
        const fs::path work = test::temp_dir("bad-inputs-" + c.name);
        const fs::path out = work / "out";
        const std::string previous = "previous output of map m\n";
        if (c.command == "build") {
            fs::create_directories(out);
            std::ofstream(out / "m.png", std::ios::binary) << previous;
        }
        std::string command = fmt::format("{} {} --project '{}'", test::cartelier_binary(), c.command,
                                          (dir / "cartelier.yaml").string());
        if (c.command == "build") command += fmt::format(" --out '{}'", out.string());
        auto r = test::run(command);
        std::vector<std::string> problems;
        if (r.status != c.status) problems.push_back(fmt::format("exit status {} (expected {})", r.status, c.status));
        if (r.output.find(c.fragment) == std::string::npos)
            problems.push_back(fmt::format("no '{}' in the output", c.fragment));
        if (r.status < 0 || r.status > 2) problems.push_back("crashed (status outside 0-2)");
        for (const char* report : {"AddressSanitizer", "runtime error:", "LeakSanitizer", "terminate called"})
            if (r.output.find(report) != std::string::npos) problems.push_back(fmt::format("'{}' in the output", report));
        if (c.command == "build") {
            // Nothing outside out/; a failing map keeps its previous outputs.
            for (const auto& entry : listing(work))
                if (entry != "out" && !entry.starts_with("out/"))
                    problems.push_back(fmt::format("wrote {} outside out/", entry));
            if (c.status != 0 && fs::exists(out / "m.png") && slurp(out / "m.png") != previous)
                problems.push_back("the failing map's previous output out/m.png was replaced");
            if (c.status != 0 && !fs::exists(out / "m.png")) problems.push_back("the previous output out/m.png was removed");
        }
        if (!problems.empty())
            failures.push_back(fmt::format("{} ({} {}): {}\n--- output:\n{}---", c.name, c.command,
                                           c.note.empty() ? "" : "— " + c.note, fmt::join(problems, "; "), r.output));
    }
    EXPECT_TRUE(failures.empty()) << failures.size() << " of " << cases.size() << " bad-input cases failed:\n"
                                  << fmt::format("{}", fmt::join(failures, "\n"));
    std::cout << fmt::format("[ corpus  ] {} bad-input cases, {} failed\n", cases.size(), failures.size());
}

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
