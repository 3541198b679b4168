#include "test_paths.hpp"

#include <array>
#include <cstdio>
#include <filesystem>
#include <sys/wait.h>
#include <unistd.h>

namespace cartelier::test {

std::string datapath(const std::string& relative) { return std::string(CARTELIER_TEST_DATA) + "/" + relative; }

std::string sourcepath(const std::string& relative) {
    return std::string(CARTELIER_SOURCE_DIR) + "/" + relative;
}

std::string cartelier_binary() { return CARTELIER_BINARY; }

std::string temp_dir(const std::string& name) {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("cartelier-test-" + std::to_string(::getpid())) / name;
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
