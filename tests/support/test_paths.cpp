#include "test_paths.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <sys/wait.h>
#include <unistd.h>

#ifdef CARTELIER_TEST_WITH_GTEST
#include <gtest/gtest.h>
#endif

namespace cartelier::test {

namespace {

/// The folder of this process's temporary files, removed when the process ends — unless a test
/// failed (its files stay to be looked at: a golden test's actual and diff images) or
/// CARTELIER_KEEP_TEST_DIRS is set. Left behind, a run of the suite filled gigabytes of /tmp.
struct ProcessFolder {
    std::filesystem::path path = std::filesystem::temp_directory_path() / ("cartelier-test-" + std::to_string(::getpid()));
    pid_t owner = ::getpid();
    ~ProcessFolder() {
        if (::getpid() != owner || std::getenv("CARTELIER_KEEP_TEST_DIRS")) return;
#ifdef CARTELIER_TEST_WITH_GTEST
        if (!::testing::UnitTest::GetInstance()->Passed()) return;
#endif
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

const std::filesystem::path& process_folder() {
    static const ProcessFolder folder;
    return folder.path;
}

}  // namespace

std::string datapath(const std::string& relative) { return std::string(CARTELIER_TEST_DATA) + "/" + relative; }

std::string sourcepath(const std::string& relative) {
    return std::string(CARTELIER_SOURCE_DIR) + "/" + relative;
}

std::string cartelier_binary() { return CARTELIER_BINARY; }

std::string temp_dir(const std::string& name) {
    namespace fs = std::filesystem;
    fs::path dir = process_folder() / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir.string();
}

CommandResult run(const std::string& command) {
    CommandResult result;
    std::string full = command + " 2>&1";
    FILE* pipe = ::popen(full.c_str(), "r");
    if (!pipe) return result;
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
    int status = ::pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

}  // namespace cartelier::test
