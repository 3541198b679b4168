// The live preview's latency (issue 16), measured as a cartographer sees it: `cartelier serve` started
// as a user starts it, the map's page open in headless Chromium, the style file saved (written, then
// renamed over the original), and the time until the page has painted the new rendering (the page's own
// clock: cartelierPreview.displayedAt, two animation frames after the new image is in place). Also the
// inspector's answer time on the communes benchmark project. Not a test: scripts/bench-serve.sh.
//
//   bench_serve PROJECT_DIR STYLE_FILE MAP_ID SAVES [--inspect N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "test_paths.hpp"
#include "text_files.hpp"
#include "webdriver.hpp"

using namespace cartelier;
using namespace std::chrono_literals;

namespace {

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 5) {
        std::cerr << "usage: bench_serve PROJECT_DIR STYLE_FILE MAP_ID SAVES [--inspect N]\n";
        return 2;
    }
    const std::string dir = argv[1], style = argv[2], map = argv[3];
    const int saves = std::stoi(argv[4]);
    const int inspections = argc >= 7 && std::string(argv[5]) == "--inspect" ? std::stoi(argv[6]) : 0;

    const auto started = std::chrono::steady_clock::now();
    test::ChildProcess server({test::cartelier_binary(), "serve", "--project", dir + "/cartelier.yaml", "--out",
                               dir + "/out", "--port", "0", "--map", map},
                              dir + "/serve.log");
    auto url = server.wait_for_output(R"((http://127\.0\.0\.1:\d+/))");
    if (!url) {
        std::cerr << server.output();
        return 1;
    }
    test::WebDriver browser(dir + "/chromedriver.log");
    browser.navigate(*url + "map/" + map);
    if (!browser.wait_until("return window.cartelierPreview && cartelierPreview.version >= 1", 300s)) {
        std::cerr << "the first rendering never came\n" << server.output();
        return 1;
    }
    const double first_display = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    // A cartographer looks at the page before the first save (the browser finishes painting it).
    std::this_thread::sleep_for(1s);

    // Each save changes the colour of the first paint property holding a hex colour.
    const std::string original = test::read_text(style);
    std::smatch m;
    const std::regex colour(R"re(("(?:background|fill)-color"\s*:\s*")#([0-9a-fA-F]{6})")re");
    if (!std::regex_search(original, m, colour)) {
        std::cerr << style << ": no background-color or fill-color to change\n";
        return 1;
    }
    std::vector<double> latency, rendering;
    for (int i = 0; i < saves; ++i) {
        const std::string edited = std::regex_replace(original, colour, fmt::format("$1#{:06x}\"", 0x406080 + 0x010203 * (i + 1)),
                                                      std::regex_constants::format_first_only);
        const int before = browser.execute("return cartelierPreview.version").get<int>();
        const std::int64_t saved = now_ms();
        test::save_text(style, edited);
        if (!browser.wait_until("return cartelierPreview.version > " + std::to_string(before), 60s)) {
            std::cerr << "save " << i + 1 << ": no new rendering\n" << server.output();
            return 1;
        }
        latency.push_back(static_cast<double>(browser.execute("return cartelierPreview.displayedAt").get<std::int64_t>() - saved) / 1000);
        rendering.push_back(browser.execute("return cartelierPreview.state.current.seconds").get<double>());
        std::this_thread::sleep_for(400ms);
    }
    test::save_text(style, original);

    std::string line = fmt::format("{:<10} first image {:5.2f} s | save → displayed: first {:.3f} s, median {:.3f} s, max {:.3f} s "
                                   "(rendering median {:.3f} s) over {} saves",
                                   map, first_display, latency.front(), median(latency),
                                   *std::max_element(latency.begin(), latency.end()), median(rendering), saves);
    std::cout << line << '\n';
    std::cout << "  each save (s):";
    for (double l : latency) std::cout << fmt::format(" {:.3f}", l);
    std::cout << '\n';

    if (inspections > 0) {
        // Clicks at random points of the main frame: the server's own answer time, and the round trip.
        const auto state = browser.execute("return cartelierPreview.state.current");
        const auto frame = state["frames"][0]["frame"];
        const int port = std::stoi(url->substr(url->rfind(':') + 1));
        httplib::Client c("127.0.0.1", port);
        std::mt19937 random(16);
        std::uniform_real_distribution<double> ux(frame[0].get<double>(), frame[0].get<double>() + frame[2].get<double>());
        std::uniform_real_distribution<double> uy(frame[1].get<double>(), frame[1].get<double>() + frame[3].get<double>());
        std::vector<double> server_s, round_trip;
        std::size_t found = 0;
        for (int i = 0; i < inspections; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            auto r = c.Get(fmt::format("/api/inspect?map={}&x={:.2f}&y={:.2f}", map, ux(random), uy(random)).c_str());
            round_trip.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            if (!r || r->status != 200) {
                std::cerr << "inspect failed\n";
                return 1;
            }
            auto j = nlohmann::json::parse(r->body);
            server_s.push_back(j["seconds"].get<double>());
            found += j["features"].size();
        }
        std::cout << fmt::format("  inspector over {} clicks: answer median {:.3f} ms, max {:.3f} ms (the first: {:.3f} ms, "
                                 "with its index); round trip median {:.2f} ms, max {:.2f} ms; {:.1f} features per click\n",
                                 inspections, median(server_s) * 1000,
                                 *std::max_element(server_s.begin(), server_s.end()) * 1000, server_s.front() * 1000,
                                 median(round_trip) * 1000,
                                 *std::max_element(round_trip.begin(), round_trip.end()) * 1000,
                                 static_cast<double>(found) / inspections);
    }
    server.stop(SIGINT);
    return 0;
}
