#include "core/process.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/diagnostic.hpp"

extern char** environ;

namespace cartelier {

namespace {

constexpr std::size_t kMaxErrorOutput = 64 * 1024;

bool executable_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

/// A file descriptor closed when it goes out of scope.
class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_;
};

/// A spawned child: killed and reaped when it goes out of scope before it was waited for.
class Child {
public:
    explicit Child(pid_t pid) : pid_(pid) {}
    ~Child() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            int status = 0;
            while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {}
        }
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    void kill() const { ::kill(pid_, SIGKILL); }
    /// Waits for the child's end; returns its wait status.
    int wait() {
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0) {
            if (errno != EINTR) break;
        }
        pid_ = -1;
        return status;
    }

private:
    pid_t pid_;
};

/// posix_spawn's attributes and file actions, destroyed at the end of the scope.
struct SpawnSetup {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    SpawnSetup() {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attributes);
    }
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
};

/// The parent's environment with `extra` added (an entry of the same name replaced).
std::vector<std::string> environment_with(const std::vector<std::string>& extra) {
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) {
        const std::string entry(*e);
        const std::string name = entry.substr(0, entry.find('='));
        bool replaced = false;
        for (const std::string& x : extra)
            if (x.substr(0, x.find('=')) == name) replaced = true;
        if (!replaced) env.push_back(entry);
    }
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
}

}  // namespace

std::optional<std::string> find_program(const std::string& name) {
    if (name.empty()) return std::nullopt;
    if (name.find('/') != std::string::npos) return executable_file(name) ? std::optional(name) : std::nullopt;
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        std::size_t end = dirs.find(':', start);
        if (end == std::string::npos) end = dirs.size();
        // An empty entry is the current folder, as for the shell.
        const std::string candidate = (end > start ? dirs.substr(start, end - start) : std::string(".")) + "/" + name;
        if (executable_file(candidate)) return candidate;
        start = end + 1;
    }
    return std::nullopt;
}

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
    if (argv.empty()) throw Error(SourceLocation{}, "internal error: run_process without a program");
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw Error(SourceLocation{argv[0], 0, 0, {}}, fmt::format("cannot create a pipe: {}", std::strerror(errno)));
    Fd read_end(fds[0]), write_end(fds[1]);

    SpawnSetup setup;
    posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&setup.actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&setup.actions, write_end.get(), 2);
    // The child starts with the default signal actions and no blocked signal, whatever the build's
    // threads installed or blocked.
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&setup.attributes, &none);
    posix_spawnattr_setsigdefault(&setup.attributes, &all);
    posix_spawnattr_setflags(&setup.attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<std::string> env_text = environment_with(options.environment);
    std::vector<char*> env;
    for (std::string& e : env_text) env.push_back(e.data());
    env.push_back(nullptr);

    pid_t pid = -1;
    const int spawn_error = ::posix_spawn(&pid, argv[0].c_str(), &setup.actions, &setup.attributes, args.data(), env.data());
    if (spawn_error != 0)
        throw Error(SourceLocation{argv[0], 0, 0, {}},
                    fmt::format("cannot run {}: {}", argv[0], std::strerror(spawn_error)));
    Child child(pid);
    write_end.reset();  // the child holds the only writing end: EOF when it exits

    ProcessResult result;
    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    char buffer[4096];
    bool open = true;
    while (open) {
        if (options.cancelled && options.cancelled()) {
            result.cancelled = true;
            child.kill();
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            result.timed_out = true;
            child.kill();
            break;
        }
        pollfd p{read_end.get(), POLLIN, 0};
        const int ready = ::poll(&p, 1, 100);
        if (ready < 0 && errno != EINTR) break;
        if (ready <= 0) continue;
        const ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            break;
        }
        if (n == 0) {
            open = false;
            break;
        }
        result.error_output.append(buffer, static_cast<std::size_t>(n));
        if (result.error_output.size() > kMaxErrorOutput)
            result.error_output.erase(0, result.error_output.size() - kMaxErrorOutput);
    }
    const int status = child.wait();
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    return result;
}

}  // namespace cartelier
