// core/process.hpp (spawns sh, so an e2e test): a child process run to its end, its standard error captured, stopped at a time limit
// or when the caller cancels, never left behind.
#include <chrono>
#include <csignal>
#include <filesystem>

#include <gtest/gtest.h>

#include "core/diagnostic.hpp"
#include "core/process.hpp"

using namespace cartelier;
using namespace std::chrono_literals;

namespace {

std::string shell() {
    auto sh = find_program("sh");
    EXPECT_TRUE(sh.has_value());
    return sh.value_or("/bin/sh");
}

}  // namespace

TEST(Process, ExitStatusAndStandardErrorAreReported) {
    ProcessResult r = run_process({shell(), "-c", "echo out; echo 'on stderr' >&2; exit 3"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.signal, 0);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.error_output, "on stderr\n");  // standard output goes to /dev/null

    ProcessResult fine = run_process({shell(), "-c", "exit 0"});
    EXPECT_TRUE(fine.ok());
}

TEST(Process, ArgumentsArePassedAsTheyAreWithoutAShell) {
    ProcessResult r = run_process({shell(), "-c", "printf '%s|' \"$@\" >&2", "sh", "a b", "$HOME", "'q'"});
    ASSERT_TRUE(r.ok()) << r.error_output;
    EXPECT_EQ(r.error_output, "a b|$HOME|'q'|");
}

TEST(Process, EnvironmentIsAddedToTheParents) {
    ProcessOptions options;
    options.environment = {"CARTELIER_PROCESS_TEST=42", "PATH=/usr/bin:/bin"};
    ProcessResult r = run_process({shell(), "-c", "echo \"$CARTELIER_PROCESS_TEST $PATH\" >&2"}, options);
    EXPECT_EQ(r.error_output, "42 /usr/bin:/bin\n");
}

TEST(Process, AChildPastItsTimeLimitIsKilled) {
    ProcessOptions options;
    options.timeout = 300ms;
    const auto start = std::chrono::steady_clock::now();
    ProcessResult r = run_process({shell(), "-c", "sleep 30"}, options);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
    EXPECT_TRUE(r.timed_out);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.signal, SIGKILL);
}

TEST(Process, ACancelledChildIsKilled) {
    ProcessOptions options;
    const auto start = std::chrono::steady_clock::now();
    options.cancelled = [&] { return std::chrono::steady_clock::now() - start > 200ms; };
    ProcessResult r = run_process({shell(), "-c", "sleep 30"}, options);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
    EXPECT_TRUE(r.cancelled);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.signal, SIGKILL);
}

TEST(Process, AMissingProgramIsAnErrorNamingIt) {
    EXPECT_FALSE(find_program("cartelier-no-such-program").has_value());
    EXPECT_FALSE(find_program("/nonexistent/gs").has_value());
    try {
        run_process({"/nonexistent/cartelier-no-such-program"});
        FAIL() << "expected an Error";
    } catch (const Error& e) {
        EXPECT_NE(e.diagnostics().items().front().message.find("/nonexistent/cartelier-no-such-program"),
                  std::string::npos);
    }
}
