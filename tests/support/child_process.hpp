// A program the test starts and leaves running (`cartelier serve`, chromedriver): spawned without a
// shell, its standard output and error in a file the test reads, stopped (SIGINT, then SIGKILL after a
// grace time) when the object goes — a failed assertion never leaves it behind.
#pragma once

#include <chrono>
#include <csignal>
#include <fstream>
#include <functional>
#include <optional>
#include <regex>
#include <fcntl.h>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace cartelier::test {

class ChildProcess {
public:
    /// Starts `argv` (argv[0] a path, or a name looked up in PATH), its output into `log_file`.
    ChildProcess(std::vector<std::string> argv, std::string log_file) : log_(std::move(log_file)) {
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        const int rc = posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) pid_ = -1;
    }
    ~ChildProcess() { stop(SIGINT); }
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    bool started() const { return pid_ > 0; }
    pid_t pid() const { return pid_; }
    std::string output() const {
        std::ifstream in(log_);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    /// The first match of `pattern`'s group 1 in the output, waiting up to `limit` for it.
    std::optional<std::string> wait_for_output(const std::string& pattern,
                                               std::chrono::milliseconds limit = std::chrono::seconds(60)) const {
        const std::regex re(pattern);
        const auto end = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < end) {
            std::smatch m;
            const std::string text = output();
            if (std::regex_search(text, m, re)) return m.size() > 1 ? m[1].str() : m[0].str();
            if (exited()) return std::nullopt;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return std::nullopt;
    }
    /// True once the child has ended (its status is then in exit_status()).
    bool exited() const {
        if (pid_ <= 0) return true;
        if (status_) return true;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) status_ = status;
        return status_.has_value();
    }
    /// Sends `signal` and waits up to `grace` for the child to end, then kills it. Returns its wait status
    /// (nullopt when it had to be killed).
    std::optional<int> stop(int signal = SIGINT, std::chrono::milliseconds grace = std::chrono::seconds(10)) {
        if (pid_ <= 0) return status_;
        if (!exited()) {
            ::kill(pid_, signal);
            const auto end = std::chrono::steady_clock::now() + grace;
            while (!exited() && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(20));
            if (!exited()) {
                ::kill(pid_, SIGKILL);
                int status = 0;
                ::waitpid(pid_, &status, 0);
                pid_ = -1;
                return std::nullopt;
            }
        }
        pid_ = -1;
        return status_;
    }

private:
    pid_t pid_ = -1;
    std::string log_;
    mutable std::optional<int> status_;
};

}  // namespace cartelier::test
