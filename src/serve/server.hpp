// `cartelier serve`'s HTTP side (cpp-httplib): an index of the project's maps, one preview page per map,
// and the page's API — the map's state, its renderings as PNG by version, the inspector, and a stream
// of Server-Sent Events announcing each new state (no polling). It serves its own page and the
// renderings held in memory only: no path of a request ever reaches the file system.
//
// Security: binds 127.0.0.1 unless told otherwise; a request whose Host is not one of the server's own
// names (localhost, 127.0.0.1, [::1], the --host given, each with the port) or whose Origin is not one of
// them is refused (403), which defeats DNS rebinding; only GET and HEAD are answered. Each event stream
// waits on the session with a timeout and writes with a write timeout: a client that stops reading
// loses its stream, it never holds up the rendering thread or the other clients.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "serve/preview.hpp"

namespace httplib {
class Server;
}

namespace cartelier::serve {

struct ServerOptions {
    std::string host = "127.0.0.1";
    int port = 8080;                         ///< 0: a free port chosen by the system
    std::vector<std::string> allowed_hosts;  ///< more names the server answers to (a reverse proxy's)
    std::size_t max_streams = 32;            ///< event streams open at once; more are refused (503)
};

class Server {
public:
    Server(PreviewSession& session, ServerOptions options);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Binds the address; returns the port. Throws Error naming host:port when it cannot.
    int bind();
    /// Answers requests until stop() (call bind() first).
    void listen();
    /// Ends every event stream and stops listening (from any thread).
    void stop();
    /// "http://127.0.0.1:8080/".
    std::string url() const;

    /// True when a request with this Host header (and Origin header, empty when absent) may be answered.
    bool host_allowed(const std::string& host, const std::string& origin) const;

private:
    void routes();
    PreviewSession& session_;
    ServerOptions options_;
    int port_ = 0;
    std::unique_ptr<httplib::Server> http_;
    std::atomic<std::size_t> streams_{0};
};

}  // namespace cartelier::serve
