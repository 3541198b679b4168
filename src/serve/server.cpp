#include "serve/server.hpp"

#include <algorithm>
#include <cmath>
#include <sys/socket.h>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "core/document.hpp"
#include "serve/assets.hpp"

namespace cartelier::serve {

namespace {

/// A JSON string literal safe inside a <script> element (no "</script>").
std::string script_string(const std::string& s) {
    std::string j = nlohmann::json(s).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
    std::string out;
    for (char c : j) {
        if (c == '<') out += "\\u003c";
        else if (c == '>') out += "\\u003e";
        else if (c == '&') out += "\\u0026";
        else out += c;
    }
    return out;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

void security_headers(httplib::Response& res) {
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
                   "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
}

void text(httplib::Response& res, int status, const std::string& message) {
    res.status = status;
    res.set_content(message + "\n", "text/plain; charset=utf-8");
}

/// The lower-case host name of a Host header value ("Example.org:8080" → "example.org", "[::1]:80" →
/// "[::1]") and its port (0 when absent or not a number).
std::pair<std::string, int> split_host(const std::string& value) {
    std::string host = value, port;
    if (!host.empty() && host.front() == '[') {
        auto close = host.find(']');
        if (close == std::string::npos) return {"", 0};
        if (close + 1 < host.size() && host[close + 1] == ':') port = host.substr(close + 2);
        host = host.substr(0, close + 1);
    } else if (auto colon = host.rfind(':'); colon != std::string::npos) {
        port = host.substr(colon + 1);
        host = host.substr(0, colon);
    }
    std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
    int p = 0;
    if (!port.empty()) {
        if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }))
            return {"", -1};
        p = std::stoi(port);
    }
    return {host, p};
}

}  // namespace

Server::Server(PreviewSession& session, ServerOptions options)
    : session_(session), options_(std::move(options)), http_(std::make_unique<httplib::Server>()) {
    // Every event stream holds a worker: enough workers for the streams and the other requests.
    const std::size_t workers = options_.max_streams + 16;
    http_->new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
    http_->set_read_timeout(5, 0);
    http_->set_write_timeout(5, 0);
    http_->set_keep_alive_max_count(100);
    http_->set_payload_max_length(64 * 1024);
    // SO_REUSEADDR (a restart may bind again at once) but not httplib's default SO_REUSEPORT, with which a
    // second server on the same port would start without error and share the connections.
    http_->set_socket_options([](int sock) {
        int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    routes();
}

Server::~Server() { stop(); }

bool Server::host_allowed(const std::string& host_header, const std::string& origin) const {
    auto allowed = [&](const std::string& value) {
        auto [host, port] = split_host(value);
        if (host.empty() || port < 0) return false;
        if (port != 0 && port != port_) return false;
        if (port == 0 && port_ != 80) return false;
        std::vector<std::string> names = {"localhost", "127.0.0.1", "[::1]"};
        std::string own = options_.host;
        std::transform(own.begin(), own.end(), own.begin(), [](unsigned char c) { return std::tolower(c); });
        if (own.find(':') != std::string::npos && own.front() != '[') own = "[" + own + "]";
        if (own != "0.0.0.0" && own != "[::]") names.push_back(own);
        for (std::string n : options_.allowed_hosts) {
            std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
            names.push_back(n);
        }
        return std::find(names.begin(), names.end(), host) != names.end();
    };
    if (!allowed(host_header)) return false;
    if (origin.empty()) return true;
    const std::string scheme = "http://";
    if (origin.compare(0, scheme.size(), scheme) != 0) return false;
    std::string rest = origin.substr(scheme.size());
    if (rest.find('/') != std::string::npos) return false;
    return allowed(rest);
}

void Server::routes() {
    httplib::Server& s = *http_;
    s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
        security_headers(res);
        if (!host_allowed(req.get_header_value("Host"), req.get_header_value("Origin"))) {
            text(res, 403,
                 fmt::format("cartelier serve: refused: the request names the host '{}'{}, and this server answers "
                             "to http://localhost:{}/ and http://127.0.0.1:{}/ only (a protection against DNS "
                             "rebinding); start it with --allow-host NAME to use another name",
                             req.get_header_value("Host"),
                             req.has_header("Origin") ? fmt::format(" (Origin '{}')", req.get_header_value("Origin")) : "",
                             port_, port_));
            return httplib::Server::HandlerResponse::Handled;
        }
        if (req.method != "GET" && req.method != "HEAD") {
            text(res, 405, "cartelier serve: only GET is answered");
            return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });
    s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
        if (res.body.empty()) {
            security_headers(res);
            res.set_content(fmt::format("cartelier serve: {}\n", res.status == 404 ? "not found" : fmt::format("HTTP status {}", res.status)),
                            "text/plain; charset=utf-8");
        }
    });

    s.Get("/", [this](const httplib::Request&, httplib::Response& res) {
        std::string rows;
        for (const auto& id : session_.map_ids()) {
            auto map = session_.map(id, false);
            std::string title = map ? map->title : "";
            rows += fmt::format("<li><a href=\"/map/{0}\">{1}</a> <span>{2}</span></li>\n", doc::markup_escape(id),
                                doc::markup_escape(id), doc::markup_escape(title));
        }
        std::string problems;
        const Diagnostics project_problems = session_.problems();
        for (const auto& d : project_problems.items()) problems += "<li><code>" + doc::markup_escape(d.format()) + "</code></li>";
        std::string page = kIndexHtml;
        replace_all(page, "<!--MAPS-->", rows.empty() ? "<li>(no map)</li>" : rows);
        replace_all(page, "<!--PROBLEMS-->", problems);
        res.set_content(page, "text/html; charset=utf-8");
    });

    s.Get(R"(/map/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
        const std::string id = req.matches[1];
        if (!session_.map(id)) return text(res, 404, fmt::format("cartelier serve: no map '{}' in this project", id));
        std::string page = kPreviewHtml;
        replace_all(page, "\"{{MAP_ID}}\"", script_string(id));
        replace_all(page, "{{MAP_TITLE}}", doc::markup_escape(id));
        res.set_header("Cache-Control", "no-store");
        res.set_content(page, "text/html; charset=utf-8");
    });

    s.Get("/api/state", [this](const httplib::Request& req, httplib::Response& res) {
        auto map = session_.map(req.get_param_value("map"));
        if (!map) return text(res, 404, "cartelier serve: no such map");
        res.set_header("Cache-Control", "no-store");
        res.set_content(snapshot_json(*map, session_.problems()), "application/json");
    });

    s.Get("/api/image", [this](const httplib::Request& req, httplib::Response& res) {
        auto map = session_.map(req.get_param_value("map"));
        if (!map) return text(res, 404, "cartelier serve: no such map");
        const std::string v = req.get_param_value("v");
        const std::string band = req.has_param("band") ? req.get_param_value("band") : "0";
        for (const auto* r : {map->current ? &*map->current : nullptr, map->previous ? &*map->previous : nullptr}) {
            if (!r || std::to_string(r->version) != v) continue;
            std::size_t b = 0;
            while (b < r->bands.size() && std::to_string(b) != band) ++b;
            if (b == r->bands.size()) return text(res, 404, "cartelier serve: no such band");
            // A rendering never changes once made: its URL names its version.
            res.set_header("Cache-Control", "private, max-age=3600, immutable");
            std::shared_ptr<const std::string> png = r->bands[b];
            res.set_content_provider(png->size(), "image/png",
                                     [png](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                                         return sink.write(png->data() + offset, length);
                                     });
            return;
        }
        text(res, 404, "cartelier serve: no such rendering (it was replaced by two newer ones)");
    });

    s.Get("/api/inspect", [this](const httplib::Request& req, httplib::Response& res) {
        auto map = session_.map(req.get_param_value("map"));
        if (!map) return text(res, 404, "cartelier serve: no such map");
        if (!map->current) return text(res, 409, "cartelier serve: the map has not been rendered yet");
        double x = 0, y = 0;
        try {
            x = std::stod(req.get_param_value("x"));
            y = std::stod(req.get_param_value("y"));
        } catch (const std::exception&) {
            return text(res, 400, "cartelier serve: inspect expects x and y, in page points");
        }
        if (!std::isfinite(x) || !std::isfinite(y)) return text(res, 400, "cartelier serve: x and y must be numbers");
        const Inspection found = map->current->inspector->inspect({x, y});
        res.set_header("Cache-Control", "no-store");
        res.set_content(inspection_json(found, map->current->version), "application/json");
    });

    s.Get("/events", [this](const httplib::Request& req, httplib::Response& res) {
        const std::string id = req.get_param_value("map");
        if (!session_.map(id)) return text(res, 404, "cartelier serve: no such map");
        if (streams_.fetch_add(1) >= options_.max_streams) {
            --streams_;
            return text(res, 503, "cartelier serve: too many open previews");
        }
        res.set_header("Cache-Control", "no-store");
        res.set_header("X-Accel-Buffering", "no");
        struct Stream {
            std::uint64_t generation = 0;
            std::string last;  ///< the state last sent
            bool first = true;
        };
        auto stream = std::make_shared<Stream>();
        res.set_chunked_content_provider(
            "text/event-stream",
            [this, id, stream](std::size_t, httplib::DataSink& sink) {
                if (session_.stopped()) return false;
                if (!stream->first) stream->generation = session_.wait_change(stream->generation, std::chrono::seconds(15));
                else stream->generation = session_.generation();
                stream->first = false;
                if (session_.stopped() || !sink.is_writable()) return false;
                auto map = session_.map(id);
                std::string out;
                if (!map) {
                    out = "event: gone\ndata: {}\n\n";
                } else {
                    std::string state = snapshot_json(*map, session_.problems());
                    if (state != stream->last) {
                        stream->last = state;
                        out = "event: state\ndata: " + state + "\n\n";
                    } else {
                        out = ": still here\n\n";  // keeps proxies and the browser from closing the stream
                    }
                }
                return sink.write(out.data(), out.size());
            },
            [this](bool) { --streams_; });
    });
}

int Server::bind() {
    if (options_.port == 0) {
        port_ = http_->bind_to_any_port(options_.host);
        if (port_ <= 0)
            throw Error(SourceLocation{}, fmt::format("cannot listen on {}: no free port", options_.host));
    } else {
        if (!http_->bind_to_port(options_.host, options_.port))
            throw Error(SourceLocation{},
                        fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)", options_.host,
                                    options_.port),
                        "choose another with --port, or stop what uses it");
        port_ = options_.port;
    }
    return port_;
}

void Server::listen() { http_->listen_after_bind(); }

void Server::stop() {
    if (http_ && http_->is_running()) http_->stop();
}

std::string Server::url() const {
    std::string host = options_.host;
    if (host == "0.0.0.0") host = "127.0.0.1";
    if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
    return fmt::format("http://{}:{}/", host, port_);
}

}  // namespace cartelier::serve
