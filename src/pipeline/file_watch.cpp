#include "pipeline/file_watch.hpp"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <fmt/format.h>

#include "pipeline/dependencies.hpp"
#include "style/style.hpp"

namespace cartelier::pipeline {

namespace fs = std::filesystem;

std::string canonical_path(const std::string& p) {
    std::error_code ec;
    fs::path c = fs::weakly_canonical(p, ec);
    return ec ? fs::absolute(p).lexically_normal().string() : c.string();
}

std::map<std::string, std::set<std::string>> map_dependency_files(const Project& project,
                                                                  const std::string& project_path,
                                                                  const std::vector<std::string>& maps) {
    std::map<std::string, std::set<std::string>> deps;
    std::vector<std::string> all_layers;
    for (const auto& [name, _] : project.layers) all_layers.push_back(name);
    for (const auto& m : project.maps) {
        // The ids asked for that select this map: its own, or pages of it (ATLAS/PAGE).
        std::vector<std::string> ids;
        if (maps.empty()) ids.push_back(m.id);
        for (const auto& id : maps)
            if (id == m.id || (m.atlas && id.size() > m.id.size() && id.compare(0, m.id.size() + 1, m.id + "/") == 0))
                ids.push_back(id);
        if (ids.empty()) continue;
        std::vector<std::string> used;
        try {
            used = style::load_style(m.style).source_layers();
        } catch (const Error&) {
            used = all_layers;
        }
        if (m.atlas) used.push_back(m.atlas->layer);
        const MapDependencies d = map_dependencies(project, m, used, {});
        auto& files = deps[ids.front()];
        files.insert(canonical_path(project_path));
        files.insert(canonical_path(d.style));
        files.insert(canonical_path(d.icon_dir) + "/");
        if (d.logo) files.insert(canonical_path(*d.logo));
        if (d.print_profile) files.insert(canonical_path(*d.print_profile));
        for (const auto& f : d.data) files.insert(canonical_path(f));
        for (std::size_t i = 1; i < ids.size(); ++i) deps[ids[i]] = files;
    }
    return deps;
}

std::set<std::string> project_data_files(const Project& project) {
    std::set<std::string> files;
    std::vector<std::string> all_layers;
    for (const auto& [name, _] : project.layers) all_layers.push_back(name);
    for (const auto& m : project.maps)
        for (const auto& f : map_dependencies(project, m, all_layers, {}).data) files.insert(canonical_path(f));
    return files;
}

std::string clock_time() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    return fmt::format("{:02}:{:02}:{:02}", tm.tm_hour, tm.tm_min, tm.tm_sec);
}

bool depends_on(const std::set<std::string>& files, const std::string& path) {
    if (files.count(path)) return true;
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext != ".svg" && ext != ".png") return false;
    for (const auto& f : files)
        if (!f.empty() && f.back() == '/' && path.compare(0, f.size(), f) == 0) return true;
    return false;
}

FileWatch::FileWatch() : fd_(inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
    if (fd_ < 0) throw Error(SourceLocation{}, "cannot watch files: inotify is not available");
}

FileWatch::~FileWatch() { ::close(fd_); }

void FileWatch::watch_directory(const std::string& dir) {
    if (dirs_.count(dir)) return;
    int wd = inotify_add_watch(fd_, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE);
    if (wd >= 0) {
        dirs_.insert(dir);
        by_wd_[wd] = dir;
    }
}

void FileWatch::watch_files(const std::set<std::string>& files) {
    for (const auto& f : files) {
        if (!f.empty() && f.back() == '/')
            watch_directory(f.substr(0, f.size() - 1));
        else
            watch_directory(fs::path(f).parent_path().string());
    }
}

std::map<std::string, bool> FileWatch::read_events(int timeout_ms) {
    std::map<std::string, bool> out;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return out;
    alignas(inotify_event) char buffer[16384];
    while (true) {
        ssize_t n = ::read(fd_, buffer, sizeof buffer);
        if (n <= 0) break;
        for (char* ptr = buffer; ptr < buffer + n;) {
            auto* e = reinterpret_cast<inotify_event*>(ptr);
            if (e->len > 0 && by_wd_.count(e->wd))
                out[(fs::path(by_wd_[e->wd]) / e->name).string()] = !(e->mask & IN_CREATE) || (e->mask & IN_ISDIR);
            ptr += sizeof(inotify_event) + e->len;
        }
    }
    return out;
}

std::set<std::string> FileWatch::changes(int timeout_ms, int settle_ms, int quiet_ms) {
    std::map<std::string, bool> changed = read_events(timeout_ms);
    if (changed.empty()) return {};
    for (;;) {
        const bool writing = std::any_of(changed.begin(), changed.end(), [](const auto& c) { return !c.second; });
        const std::map<std::string, bool> more = read_events(writing ? settle_ms : quiet_ms);
        if (more.empty()) break;
        for (const auto& [path, ended] : more) changed[path] = ended;
    }
    std::set<std::string> paths;
    for (const auto& [path, _] : changed) paths.insert(path);
    return paths;
}

}  // namespace cartelier::pipeline
