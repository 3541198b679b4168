// `cartelier serve` on a copy of the seed project (its styles, tables and layers/cache), started as a
// user starts it (a process, a free port), for the browser and HTTP tests of the preview.
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "child_process.hpp"
#include "test_paths.hpp"
#include "text_files.hpp"

namespace cartelier::test {

struct ServedProject {
    std::string dir;
    std::unique_ptr<ChildProcess> server;
    std::string url;  ///< "http://127.0.0.1:PORT/"
    int port = 0;

    /// A copy of the seed project in a fresh folder, served with `extra` arguments (`--map flash`…).
    /// Sets `url` once the server listens; a failure is a fatal test failure.
    void start(const std::string& name, const std::vector<std::string>& extra) {
        namespace fs = std::filesystem;
        dir = temp_dir(name);
        fs::copy_file(sourcepath("cartelier.yaml"), dir + "/cartelier.yaml");
        fs::copy(sourcepath("styles"), dir + "/styles", fs::copy_options::recursive);
        fs::create_directories(dir + "/layers");
        for (const auto& e : fs::directory_iterator(sourcepath("layers")))
            if (e.path().extension() == ".csv") fs::copy_file(e.path(), dir + "/layers/" + e.path().filename().string());
        fs::create_directory_symlink(sourcepath("layers/cache"), dir + "/layers/cache");
        std::vector<std::string> argv = {cartelier_binary(), "serve", "--project", dir + "/cartelier.yaml", "--out",
                                         dir + "/out", "--port", "0"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        server = std::make_unique<ChildProcess>(argv, dir + "/serve.log");
        ASSERT_TRUE(server->started());
        auto found = server->wait_for_output(R"((http://127\.0\.0\.1:(\d+)/))");
        ASSERT_TRUE(found) << server->output();
        url = *found;
        port = std::stoi(url.substr(url.rfind(':') + 1));
    }
};

}  // namespace cartelier::test
