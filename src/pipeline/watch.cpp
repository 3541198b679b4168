#include "pipeline/watch.hpp"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <poll.h>
#include <set>
#include <sys/inotify.h>
#include <unistd.h>

#include <fmt/format.h>

#include "pipeline/dependencies.hpp"
#include "pipeline/layer_store.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/prepared_cache.hpp"
#include "pipeline/project.hpp"
#include "style/style.hpp"

namespace cartelier::pipeline {

namespace fs = std::filesystem;

namespace {

std::string canonical(const std::string& p) {
    std::error_code ec;
    fs::path c = fs::weakly_canonical(p, ec);
    return ec ? fs::absolute(p).lexically_normal().string() : c.string();
}

/// Per map: the files it depends on (pipeline/dependencies.hpp, as the incremental state hashes them),
/// and the project file. A style that does not parse depends on every layer. A path ending in '/' stands
/// for every file of that folder (the style's icons).
std::map<std::string, std::set<std::string>> dependencies(const Project& project, const std::string& project_path,
                                                          const std::vector<std::string>& maps) {
    std::map<std::string, std::set<std::string>> deps;
    std::vector<std::string> all_layers;
    for (const auto& [name, _] : project.layers) all_layers.push_back(name);
    for (const auto& m : project.maps) {
        if (!maps.empty() && std::find(maps.begin(), maps.end(), m.id) == maps.end()) continue;
        std::vector<std::string> used;
        try {
            used = style::load_style(m.style).source_layers();
        } catch (const Error&) {
            used = all_layers;
        }
        const MapDependencies d = map_dependencies(project, m, used, {});
        auto& files = deps[m.id];
        files.insert(canonical(project_path));
        files.insert(canonical(d.style));
        files.insert(canonical(d.icon_dir) + "/");
        if (d.logo) files.insert(canonical(*d.logo));
        if (d.print_profile) files.insert(canonical(*d.print_profile));
        for (const auto& f : d.data) files.insert(canonical(f));
    }
    return deps;
}

class Inotify {
public:
    Inotify() : fd_(inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
        if (fd_ < 0) throw Error(SourceLocation{}, "cannot watch files: inotify is not available");
    }
    ~Inotify() { ::close(fd_); }
    Inotify(const Inotify&) = delete;
    Inotify& operator=(const Inotify&) = delete;

    void watch_directory(const std::string& dir) {
        if (dirs_.count(dir)) return;
        int wd = inotify_add_watch(fd_, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE);
        if (wd >= 0) {
            dirs_.insert(dir);
            by_wd_[wd] = dir;
        }
    }
    /// Waits up to `timeout_ms`; returns the paths written or replaced.
    std::set<std::string> changes(int timeout_ms) {
        std::set<std::string> out;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) <= 0) return out;
        alignas(inotify_event) char buffer[16384];
        while (true) {
            ssize_t n = ::read(fd_, buffer, sizeof buffer);
            if (n <= 0) break;
            for (char* ptr = buffer; ptr < buffer + n;) {
                auto* e = reinterpret_cast<inotify_event*>(ptr);
                if (e->len > 0 && by_wd_.count(e->wd)) out.insert((fs::path(by_wd_[e->wd]) / e->name).string());
                ptr += sizeof(inotify_event) + e->len;
            }
        }
        return out;
    }

private:
    int fd_;
    std::set<std::string> dirs_;
    std::map<int, std::string> by_wd_;
};

std::string clock_time() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    return fmt::format("{:02}:{:02}:{:02}", tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/// What a watch keeps between rebuilds: the project as previewed (PNG only unless --all-formats) and
/// its layers as loaded (with what the renderer prepared from them), until the project file or a data
/// file changes. A style change — the cartographer's loop — then costs only the rendering.
struct WatchSession {
    std::optional<Project> preview;
    std::unique_ptr<LayerStore> store;
    std::set<std::string> data_files;  ///< canonical paths of every file the layers read (pipeline/dependencies.hpp)

    void reset(const Project& project, const WatchOptions& options) {
        store.reset();
        preview = project;
        if (!options.all_formats)
            for (auto& m : preview->maps) m.formats = {Format::Png};
        data_files.clear();
        std::vector<std::string> all_layers;
        for (const auto& [name, _] : project.layers) all_layers.push_back(name);
        for (const auto& m : project.maps)
            for (const auto& f : map_dependencies(project, m, all_layers, {}).data) data_files.insert(canonical(f));
    }
};

/// Builds the given maps; prints one line per map and the errors of failed ones.
void rebuild(WatchSession& session, const WatchOptions& options, const std::vector<std::string>& maps,
             std::ostream& out, std::ostream& err) {
    BuildOptions build;
    build.maps = maps;
    build.out_dir = options.out_dir;
    build.remove_unproduced = options.all_formats;  // a PNG preview leaves the other formats' files alone
    if (!session.store)
        session.store = std::make_unique<LayerStore>(*session.preview, prepared_dir(options.out_dir));
    build.layers = session.store.get();
    auto start = std::chrono::steady_clock::now();
    BuildOutcome outcome = run_build(*session.preview, build);
    double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    bool failed = false;
    for (const auto& m : outcome.maps) {
        for (const auto& d : m.diagnostics.items()) err << d.format() << '\n';
        if (m.ok()) {
            std::vector<std::string> files;
            for (const auto& o : m.outputs) files.push_back(o.path);
            double loading = 0;
            for (const char* stage : {"load", "validate", "join", "reproject", "write-cache"})
                if (auto it = m.stages.find(stage); it != m.stages.end()) loading += it->second;
            out << fmt::format("[{}] {} rebuilt in {:.2f} s (loading layers {:.3f} s) → {}\n", clock_time(), m.id,
                               m.seconds, loading, fmt::join(files, ", "));
        } else {
            failed = true;
            out << fmt::format("[{}] {} FAILED ({} error(s)); the last good output is kept\n", clock_time(), m.id,
                               m.diagnostics.error_count());
        }
    }
    // A layer that failed to load stays failed in the store: start afresh at the next change.
    if (failed) session.store.reset();
    out << fmt::format("[{}] done in {:.2f} s; watching…\n", clock_time(), total);
    out.flush();
}

}  // namespace

std::vector<std::string> watched_files(const std::string& project_path, const std::vector<std::string>& maps) {
    Project project = load_project(project_path);
    std::set<std::string> all;
    for (const auto& [_, files] : dependencies(project, project_path, maps)) all.insert(files.begin(), files.end());
    return {all.begin(), all.end()};
}

int run_watch(const WatchOptions& options, std::ostream& out, std::ostream& err, const std::atomic<bool>& stop) {
    Inotify inotify;
    std::optional<Project> project;
    WatchSession session;
    std::map<std::string, std::set<std::string>> deps;
    auto reload = [&]() -> bool {
        try {
            project = load_project(options.project_path);
            session.reset(*project, options);
        } catch (const Error& e) {
            for (const auto& d : e.diagnostics().items()) err << d.format() << '\n';
            out << fmt::format("[{}] the project file is unusable; fix it and save again\n", clock_time());
            out.flush();
            project.reset();
            return false;
        }
        deps = dependencies(*project, options.project_path, options.maps);
        for (const auto& [_, files] : deps)
            for (const auto& f : files) inotify.watch_directory(fs::path(f).parent_path().string());
        return true;
    };
    auto depends = [](const std::set<std::string>& files, const std::string& path) {
        if (files.count(path)) return true;
        for (const auto& f : files)
            if (!f.empty() && f.back() == '/' && path.compare(0, f.size(), f) == 0) return true;
        return false;
    };
    inotify.watch_directory(fs::path(canonical(options.project_path)).parent_path().string());
    if (reload()) {
        std::vector<std::string> all;
        for (const auto& [id, _] : deps) all.push_back(id);
        rebuild(session, options, all, out, err);
    }
    int rebuilds = 0;
    const std::string project_file = canonical(options.project_path);
    while (!stop.load() && (options.max_rebuilds < 0 || rebuilds < options.max_rebuilds)) {
        std::set<std::string> changed = inotify.changes(200);
        if (changed.empty()) continue;
        // Editors save in several steps (write a temporary file, rename): let them finish.
        for (auto more = inotify.changes(40); !more.empty(); more = inotify.changes(40)) changed.insert(more.begin(), more.end());
        std::set<std::string> relevant;
        for (const auto& c : changed) {
            std::string path = canonical(c);
            if (path == project_file) relevant.insert(path);
            for (const auto& [_, files] : deps)
                if (depends(files, path)) relevant.insert(path);
        }
        if (relevant.empty()) continue;
        out << fmt::format("[{}] changed: {}\n", clock_time(), fmt::join(relevant, ", "));
        if (relevant.count(project_file) || !project) {
            if (!reload()) {
                ++rebuilds;
                continue;
            }
        }
        for (const auto& r : relevant)
            if (session.data_files.count(r)) session.store.reset();  // the data changed: load it again
        // A style may have started drawing other layers: refresh the dependencies.
        deps = dependencies(*project, options.project_path, options.maps);
        for (const auto& [_, files] : deps)
            for (const auto& f : files) inotify.watch_directory(fs::path(f).parent_path().string());
        std::vector<std::string> maps;
        for (const auto& [id, files] : deps)
            for (const auto& r : relevant)
                if (depends(files, r)) {
                    maps.push_back(id);
                    break;
                }
        if (!maps.empty()) rebuild(session, options, maps, out, err);
        ++rebuilds;
    }
    return 0;
}

}  // namespace cartelier::pipeline
