// `cartelier serve` at the HTTP level, as an attacker or a broken client would talk to it: no request
// path reaches the file system, other hosts and origins are refused (DNS rebinding), only GET is
// answered, clients that stop reading or send garbage hold up neither the rendering nor the others, and
// Ctrl-C stops it cleanly.
#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <netinet/in.h>
#include <regex>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "serve_fixture.hpp"

using namespace cartelier;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

/// A TCP connection to the server, spoken to byte for byte.
class RawClient {
public:
    explicit RawClient(int port, int receive_buffer = 0) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        timeval tv{10, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    ~RawClient() { ::close(fd_); }
    bool connected() const { return connected_; }
    void send(const std::string& bytes) { (void)!::write(fd_, bytes.data(), bytes.size()); }
    /// Says that nothing more will be sent.
    void finish() { ::shutdown(fd_, SHUT_WR); }
    /// Everything until the server closes the connection (or 10 s of silence).
    std::string read_all() {
        std::string out;
        char buffer[65536];
        for (ssize_t n; (n = ::read(fd_, buffer, sizeof buffer)) > 0;) out.append(buffer, static_cast<std::size_t>(n));
        return out;
    }

private:
    int fd_;
    bool connected_ = false;
};

/// The status code of a raw request's answer (0 when none).
int status_of(const std::string& response) {
    std::smatch m;
    if (std::regex_search(response, m, std::regex(R"(^HTTP/1\.[01] (\d{3}))"))) return std::stoi(m[1]);
    return 0;
}

struct ServeHttp : ::testing::Test {
    test::ServedProject project;
    void SetUp() override {
        if (!fs::exists(test::sourcepath("layers/cache/departements.geojson")))
            GTEST_SKIP() << "layers/cache is empty: run scripts/fetch-layers.sh";
        ASSERT_NO_FATAL_FAILURE(project.start(::testing::UnitTest::GetInstance()->current_test_info()->name(),
                                              {"--map", "flash"}));
        ASSERT_TRUE(wait_rendered(1)) << project.server->output();
    }
    std::string raw(const std::string& request_line, const std::string& host = "") {
        RawClient c(project.port);
        c.send(request_line + "\r\nHost: " + (host.empty() ? "127.0.0.1:" + std::to_string(project.port) : host) +
               "\r\nConnection: close\r\n\r\n");
        return c.read_all();
    }
    httplib::Client client() {
        httplib::Client c("127.0.0.1", project.port);
        c.set_read_timeout(10, 0);
        return c;
    }
    bool wait_rendered(int version, std::chrono::milliseconds limit = 60s) {
        auto end = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < end) {
            auto c = client();
            if (auto r = c.Get("/api/state?map=flash"); r && r->status == 200) {
                auto j = nlohmann::json::parse(r->body);
                if (!j["current"].is_null() && j["current"]["version"].get<int>() >= version) return true;
            }
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }
};

TEST_F(ServeHttp, NoRequestPathReachesTheFileSystem) {
    const std::string secret = test::read_text(project.dir + "/cartelier.yaml").substr(0, 40);
    for (const std::string path :
         {"/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd", "//etc/passwd",
          "/etc/passwd", "/cartelier.yaml", "/styles/flash.json", "/map/../cartelier.yaml", "/map/..%2fcartelier.yaml",
          "/map/%2e%2e%2fstyles%2fflash.json", "/map/flash/../../cartelier.yaml", "/map//etc/passwd",
          "/api/image?map=../../etc/passwd&v=1", "/api/image?map=flash&v=../../etc/passwd",
          "/api/image?map=flash&v=1&band=../../../etc/passwd", "/api/state?map=%2fetc%2fpasswd",
          "/events?map=..%2f..%2fcartelier.yaml", "/%00/etc/passwd", "/map/flash%00.json",
          "/api/inspect?map=flash&x=../etc&y=1"}) {
        const std::string response = raw("GET " + path + " HTTP/1.1");
        const int status = status_of(response);
        EXPECT_TRUE(status == 404 || status == 400) << path << " → " << response.substr(0, 200);
        EXPECT_EQ(response.find("root:"), std::string::npos) << path;
        EXPECT_EQ(response.find(secret), std::string::npos) << path;
        EXPECT_EQ(response.find("\"layers\""), std::string::npos) << path;  // no style file
    }
    // While the server's own pages and renderings are served.
    EXPECT_EQ(status_of(raw("GET / HTTP/1.1")), 200);
    EXPECT_EQ(status_of(raw("GET /map/flash HTTP/1.1")), 200);
    const std::string png = raw("GET /api/image?map=flash&v=1&band=0 HTTP/1.1");
    EXPECT_EQ(status_of(png), 200);
    EXPECT_NE(png.find("\x89PNG"), std::string::npos);
    EXPECT_NE(png.find("Content-Type: image/png"), std::string::npos);
}

TEST_F(ServeHttp, OtherHostsAndOriginsAreRefusedAsInADnsRebinding) {
    const std::string port = std::to_string(project.port);
    for (const std::string& host : std::vector<std::string>{"evil.example:" + port, "evil.example", "127.0.0.1.evil.example:" + port,
                                   "localhost.evil.example:" + port, "127.0.0.1:" + std::to_string(project.port + 1),
                                   "localhost:99999", "localhost:" + port + "x", "[::1:" + port, ""}) {
        const std::string response = raw("GET /api/state?map=flash HTTP/1.1", host.empty() ? " " : host);
        EXPECT_EQ(status_of(response), 403) << "Host: " << host << " → " << response.substr(0, 200);
        EXPECT_EQ(response.find("\"attempt\""), std::string::npos) << host;
    }
    for (const std::string& host : std::vector<std::string>{"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "[::1]:" + port})
        EXPECT_EQ(status_of(raw("GET /api/state?map=flash HTTP/1.1", host)), 200) << host;

    auto c = client();
    for (const std::string& origin : std::vector<std::string>{"http://evil.example", "http://evil.example:" + port, "null",
                                     "https://localhost:" + port, "http://localhost:" + port + "/x"}) {
        auto r = c.Get("/api/state?map=flash", {{"Origin", origin}});
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 403) << origin;
    }
    auto r = c.Get("/api/state?map=flash", {{"Origin", "http://localhost:" + port}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_NE(r->get_header_value("Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);
}

TEST_F(ServeHttp, OnlyGetIsAnsweredAndGarbageIsRefused) {
    for (const std::string method : {"POST", "PUT", "DELETE", "PATCH"})
        EXPECT_EQ(status_of(raw(method + " /api/state?map=flash HTTP/1.1")), 405) << method;
    for (const std::string& garbage : std::vector<std::string>{"GARBAGE\r\n\r\n", "GET\r\n\r\n", std::string(70000, 'A') + "\r\n\r\n",
                                      "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\n"}) {
        RawClient c(project.port);
        c.send(garbage);
        c.finish();
        const int status = status_of(c.read_all());
        EXPECT_TRUE(status == 0 || status >= 400) << garbage.substr(0, 30);
    }
    EXPECT_EQ(status_of(raw("GET /api/inspect?map=flash&x=abc&y=1 HTTP/1.1")), 400);
    EXPECT_EQ(status_of(raw("GET /api/inspect?map=flash&x=nan&y=1 HTTP/1.1")), 400);
    EXPECT_EQ(status_of(raw("GET /api/state?map=nosuchmap HTTP/1.1")), 404);
    // Still serving.
    EXPECT_TRUE(wait_rendered(1, 5s));
}

TEST_F(ServeHttp, ClientsThatStopReadingHoldUpNeitherTheRenderingNorTheOthers) {
    // Twenty clients ask for the page's image and for the event stream and never read a byte.
    std::vector<std::unique_ptr<RawClient>> stalled;
    const std::string host = "\r\nHost: 127.0.0.1:" + std::to_string(project.port) + "\r\n\r\n";
    for (int i = 0; i < 20; ++i) {
        stalled.push_back(std::make_unique<RawClient>(project.port, 4096));
        stalled.back()->send("GET /api/image?map=flash&v=1&band=" + std::to_string(i % 2) + " HTTP/1.1" + host);
        stalled.push_back(std::make_unique<RawClient>(project.port, 4096));
        stalled.back()->send("GET /events?map=flash HTTP/1.1" + host);
    }
    std::this_thread::sleep_for(300ms);
    // A save is rendered, and an attentive client sees it at once.
    const std::string style = project.dir + "/styles/flash.json";
    test::save_text(style, std::regex_replace(test::read_text(style), std::regex(R"("background-color": "#[0-9a-fA-F]+")"),
                                              R"("background-color": "#204060")", std::regex_constants::format_first_only));
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(wait_rendered(2, 20s)) << project.server->output();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
    auto c = client();
    auto r = c.Get("/api/image?map=flash&v=2&band=1");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body.substr(1, 3), "PNG");
}

TEST_F(ServeHttp, EventStreamsAnnounceEachNewStateAndCtrlCStopsTheServerCleanly) {
    // An open event stream receives the state, then the next one after a save.
    std::string received;
    std::thread listener([&] {
        httplib::Client c("127.0.0.1", project.port);
        c.set_read_timeout(30, 0);
        c.Get("/events?map=flash", [&](const char* data, std::size_t n) {
            received.append(data, n);
            return received.find("\"version\":2") == std::string::npos;
        });
    });
    std::this_thread::sleep_for(500ms);
    const std::string style = project.dir + "/styles/flash.json";
    test::save_text(style, std::regex_replace(test::read_text(style), std::regex(R"("background-color": "#[0-9a-fA-F]+")"),
                                              R"("background-color": "#305070")", std::regex_constants::format_first_only));
    listener.join();
    EXPECT_NE(received.find("event: state"), std::string::npos);
    EXPECT_NE(received.find("\"version\":2"), std::string::npos);

    // Ctrl-C with a stream open: the server ends it and exits 0, promptly.
    RawClient open_stream(project.port);
    open_stream.send("GET /events?map=flash HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(project.port) + "\r\n\r\n");
    std::this_thread::sleep_for(300ms);
    const auto start = std::chrono::steady_clock::now();
    auto status = project.server->stop(SIGINT, 10s);
    ASSERT_TRUE(status.has_value()) << "still running 10 s after SIGINT";
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    EXPECT_TRUE(WIFEXITED(*status));
    EXPECT_EQ(WEXITSTATUS(*status), 0);
    EXPECT_NE(project.server->output().find("stopped"), std::string::npos);
}

TEST_F(ServeHttp, AnUnknownMapOrABusyPortIsAnErrorAtStart) {
    test::ChildProcess typo({test::cartelier_binary(), "serve", "--project", project.dir + "/cartelier.yaml", "--map",
                             "flsh", "--port", "0"},
                            project.dir + "/typo.log");
    ASSERT_TRUE(typo.stop(0, 30s).has_value()) << "still running: " << typo.output();  // signal 0: wait for its end
    EXPECT_NE(typo.output().find("no map 'flsh'"), std::string::npos) << typo.output();
    EXPECT_NE(typo.output().find("did you mean 'flash'"), std::string::npos) << typo.output();

    if (fs::exists(test::sourcepath("layers/cache/communes.geojson"))) {
        test::ChildProcess page({test::cartelier_binary(), "serve", "--project", project.dir + "/cartelier.yaml", "--map",
                                 "fiches/flash-bar-le-dux", "--port", "0"},
                                project.dir + "/page.log");
        auto page_status = page.stop(0, 60s);
        ASSERT_TRUE(page_status.has_value()) << "still running: " << page.output();
        EXPECT_EQ(WEXITSTATUS(*page_status), 2);
        EXPECT_NE(page.output().find("atlas 'fiches' has no page 'flash-bar-le-dux' (did you mean 'fiches/flash-bar-le-duc'?)"),
                  std::string::npos)
            << page.output();
    }

    test::ChildProcess busy({test::cartelier_binary(), "serve", "--project", project.dir + "/cartelier.yaml", "--map",
                             "flash", "--port", std::to_string(project.port)},
                            project.dir + "/busy.log");
    auto busy_status = busy.stop(0, 30s);
    ASSERT_TRUE(busy_status.has_value()) << "a second server on the same port is running: " << busy.output();
    EXPECT_EQ(WEXITSTATUS(*busy_status), 2);
    EXPECT_NE(busy.output().find("cannot listen on 127.0.0.1:" + std::to_string(project.port)), std::string::npos)
        << busy.output();
}

}  // namespace

namespace {

TEST(ServeAtlas, AnAtlasPageIsRenderedWhenFirstAskedForAndTheIndexListsEveryPage) {
    if (!fs::exists(test::sourcepath("layers/cache/communes.geojson")))
        GTEST_SKIP() << "layers/cache has no communes: run scripts/fetch-layers.sh";
    test::ServedProject project;
    ASSERT_NO_FATAL_FAILURE(project.start("serve-atlas", {"--map", "fiches"}));
    httplib::Client c("127.0.0.1", project.port);
    c.set_read_timeout(30, 0);
    auto index = c.Get("/");
    ASSERT_TRUE(index);
    EXPECT_NE(index->body.find("/map/fiches/flash-bar-le-duc"), std::string::npos);
    EXPECT_NE(index->body.find("Ville de Bar-le-Duc"), std::string::npos);
    // Listing the pages renders none of them.
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(project.server->output().find("rendered in"), std::string::npos) << project.server->output();
    bool rendered = false;
    for (int i = 0; i < 600 && !rendered; ++i) {
        auto r = c.Get("/api/state?map=fiches/flash-bar-le-duc");
        ASSERT_TRUE(r);
        ASSERT_EQ(r->status, 200);
        rendered = !nlohmann::json::parse(r->body)["current"].is_null();
        if (!rendered) std::this_thread::sleep_for(100ms);
    }
    ASSERT_TRUE(rendered) << project.server->output();
    EXPECT_NE(project.server->output().find("fiches/flash-bar-le-duc rendered in"), std::string::npos);
    EXPECT_EQ(project.server->output().find("fiches/local-region-dieppoise rendered"), std::string::npos);
    auto page = c.Get("/map/fiches/flash-bar-le-duc");
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    EXPECT_NE(page->body.find("\"fiches/flash-bar-le-duc\""), std::string::npos);
}

}  // namespace
