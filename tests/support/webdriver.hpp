// A headless Chromium driven through WebDriver (Debian's chromium and chromium-driver): the browser
// tests and the preview latency benchmark open pages, run scripts in them, click, take screenshots.
// chromedriver is started on a free port for the object's life; the W3C WebDriver protocol is spoken
// with cpp-httplib's client.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "child_process.hpp"

namespace cartelier::test {

class WebDriver {
public:
    /// Starts chromedriver and a headless Chromium with a `width` × `height` window. Throws
    /// std::runtime_error (with chromedriver's output) when either cannot start.
    /// chromedriver picks its port, then binds it for IPv4 and IPv6: another process (a test's server
    /// running beside) may take it in between ("IPv4 port not available"), and it is started again.
    WebDriver(const std::string& log_file, int width = 1400, int height = 900) {
        std::optional<std::string> port;
        for (int attempt = 1; !port; ++attempt) {
            driver_ = std::make_unique<ChildProcess>(std::vector<std::string>{"chromedriver", "--port=0"}, log_file);
            if (!driver_->started())
                throw std::runtime_error("chromedriver cannot be started: install chromium-driver (scripts/setup.sh --tests)");
            port = driver_->wait_for_output(R"(started successfully on port (\d+))", std::chrono::seconds(30));
            if (!port && (attempt == 3 || driver_->output().find("port not available") == std::string::npos))
                throw std::runtime_error("chromedriver did not start: " + driver_->output());
        }
        client_ = std::make_unique<httplib::Client>("127.0.0.1", std::stoi(*port));
        client_->set_read_timeout(120, 0);
        const std::string size = "--window-size=" + std::to_string(width) + "," + std::to_string(height);
        nlohmann::json caps = {
            {"capabilities",
             {{"alwaysMatch",
               {{"browserName", "chrome"},
                {"goog:chromeOptions",
                 {{"binary", "/usr/bin/chromium"},
                  {"args", {"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                            "--hide-scrollbars", "--force-device-scale-factor=1", size}}}}}}}}};
        nlohmann::json session = call("POST", "/session", caps);
        session_ = session.at("sessionId").get<std::string>();
    }
    ~WebDriver() {
        if (!session_.empty()) {
            try {
                client_->Delete(("/session/" + session_).c_str());
            } catch (...) {
            }
        }
    }
    WebDriver(const WebDriver&) = delete;
    WebDriver& operator=(const WebDriver&) = delete;

    void navigate(const std::string& url) { call("POST", path("/url"), {{"url", url}}); }

    /// Runs `script` (a function body: `return …`) in the page; its return value.
    nlohmann::json execute(const std::string& script, nlohmann::json args = nlohmann::json::array()) {
        return call("POST", path("/execute/sync"), {{"script", script}, {"args", args}});
    }

    /// Polls `script` (returning a boolean) every 10 ms until it is true or `limit` passes.
    bool wait_until(const std::string& script, std::chrono::milliseconds limit) {
        const auto end = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < end) {
            if (execute(script) == true) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return false;
    }

    /// A real mouse click (move, press, release) at a point of the window (CSS pixels).
    void click_at(double x, double y) {
        nlohmann::json actions = {
            {"actions",
             {{{"type", "pointer"},
               {"id", "mouse"},
               {"parameters", {{"pointerType", "mouse"}}},
               {"actions",
                {{{"type", "pointerMove"}, {"duration", 0}, {"x", static_cast<int>(x)}, {"y", static_cast<int>(y)}, {"origin", "viewport"}},
                 {{"type", "pointerDown"}, {"button", 0}},
                 {{"type", "pointerUp"}, {"button", 0}}}}}}}};
        call("POST", path("/actions"), actions);
    }

    /// A mouse wheel turn at a point of the window (CSS pixels); negative `delta_y` scrolls up (zooms in
    /// a map).
    void wheel_at(double x, double y, int delta_y) {
        nlohmann::json actions = {
            {"actions",
             {{{"type", "wheel"},
               {"id", "wheel"},
               {"actions",
                {{{"type", "scroll"}, {"x", static_cast<int>(x)}, {"y", static_cast<int>(y)}, {"deltaX", 0},
                  {"deltaY", delta_y}, {"duration", 0}, {"origin", "viewport"}}}}}}}};
        call("POST", path("/actions"), actions);
    }

    /// The window as a PNG file.
    std::string screenshot_png() {
        const std::string b64 = call("GET", path("/screenshot"), nullptr).get<std::string>();
        return base64_decode(b64);
    }

private:
    std::string path(const std::string& tail) const { return "/session/" + session_ + tail; }

    nlohmann::json call(const std::string& method, const std::string& p, const nlohmann::json& body) {
        httplib::Result r = method == "GET" ? client_->Get(p.c_str())
                                            : client_->Post(p.c_str(), body.dump(), "application/json");
        if (!r) throw std::runtime_error("WebDriver " + p + ": no answer from chromedriver");
        nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
        if (j.is_discarded() || !j.contains("value")) throw std::runtime_error("WebDriver " + p + ": " + r->body);
        if (r->status != 200) throw std::runtime_error("WebDriver " + p + ": " + j["value"].dump());
        return j["value"];
    }

    static std::string base64_decode(const std::string& in) {
        static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        std::string out;
        int val = 0, bits = -8;
        for (unsigned char c : in) {
            auto pos = chars.find(static_cast<char>(c));
            if (pos == std::string::npos) continue;
            val = (val << 6) + static_cast<int>(pos);
            bits += 6;
            if (bits >= 0) {
                out.push_back(static_cast<char>((val >> bits) & 0xFF));
                bits -= 8;
            }
        }
        return out;
    }

    std::unique_ptr<ChildProcess> driver_;
    std::unique_ptr<httplib::Client> client_;
    std::string session_;
};

}  // namespace cartelier::test
