// libFuzzer target: the project-file reader (cartelier.yaml). The reader takes a path, so each input is
// written to one scratch file; paths inside it resolve against the scratch folder.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "pipeline/project.hpp"

using namespace cartelier;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = [] {
        auto dir = std::filesystem::temp_directory_path() / ("cartelier-fuzz-project-" + std::to_string(getpid()));
        std::filesystem::create_directories(dir);
        return (dir / "cartelier.yaml").string();
    }();
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    try {
        pipeline::Project p = pipeline::load_project(path);
        (void)p.find_map("x");
    } catch (const Error& e) {
        (void)e.diagnostics().format();
    }
    return 0;
}
