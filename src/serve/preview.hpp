// What `cartelier serve` shows: each map of the project rendered in memory by the build's own stages
// (pipeline/prepare.hpp, pipeline/render_format.hpp: the same PNG `build` writes, at the map's dpi),
// kept up to date as the files it depends on are saved (pipeline/file_watch.hpp), with the last good
// rendering and the one before it (to compare), the problems of the last attempt, and an inspector of
// the current rendering (serve/inspector.hpp). Nothing is written but the prepared-layer cache.
//
// The layers are loaded when the session starts and kept until a data file or the project file
// changes, so that a style save costs only the prepare and render stages. One thread renders (run());
// any thread reads snapshots (map(), wait_change()), so a slow reader never holds up a rendering.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "serve/inspector.hpp"

namespace cartelier::serve {

struct PreviewOptions {
    std::string project_path = "cartelier.yaml";
    std::vector<std::string> maps;  ///< map ids (an atlas: all its pages; ATLAS/PAGE: one page); empty: every map
    std::string out_dir = "out";    ///< where the prepared-layer cache is (OUT/.cache/prepared)
    /// Told one line per rendering ("[12:03:05] flash rendered in 0.21 s", or why it failed); may be unset.
    std::function<void(const std::string& line)> log;
};

/// One rendering of a map: the page's PNG as horizontal bands (pipeline::render_png_bands), one PNG file
/// each, drawn and encoded on as many cores.
struct Rendering {
    std::uint64_t version = 0;                ///< 1, 2… per map
    std::vector<std::shared_ptr<const std::string>> bands;  ///< PNG files, top to bottom
    std::vector<int> band_rows;               ///< the first pixel row of each band
    double dpi = 0;
    int width_px = 0, height_px = 0;
    double page_width_pt = 0, page_height_pt = 0;
    double seconds = 0;                       ///< prepare + render
    std::int64_t finished_ms = 0;             ///< when it was ready (milliseconds since the epoch)
    std::vector<render::FrameReport> frames;  ///< where each frame is on the page, and its view
    std::shared_ptr<const Inspector> inspector;
};

/// A map as the preview shows it at one moment.
struct MapSnapshot {
    std::string id;
    std::string title;
    std::uint64_t attempt = 0;        ///< counts every rendering tried (a change of state for the page)
    bool rendering = false;           ///< a rendering is under way
    std::optional<Rendering> current; ///< the last good rendering
    std::optional<Rendering> previous;///< the good rendering before it
    Diagnostics errors;               ///< why the last attempt failed (empty when it succeeded)
    Diagnostics warnings;             ///< the last attempt's warnings
    std::vector<std::string> changed; ///< the files whose saving caused the last attempt
};

class PreviewSession {
public:
    explicit PreviewSession(PreviewOptions options);
    ~PreviewSession();
    PreviewSession(const PreviewSession&) = delete;
    PreviewSession& operator=(const PreviewSession&) = delete;

    /// Reads the project, loads its layers and renders its maps (atlas pages: when first asked for).
    /// Returns false when the project file is unusable (its errors are in problems(); the session still
    /// runs and retries when it is saved). Call before run().
    bool start();
    /// The rendering thread: waits for saved files and re-renders the maps they affect, and renders the
    /// pages asked for, until stop().
    void run();
    void stop();

    /// The ids of the maps previewed, in project order (atlas pages in page order).
    std::vector<std::string> map_ids() const;
    /// A map's state; nullopt for an id that is not previewed. Asking (`ask`) for an atlas page not yet
    /// rendered queues its rendering; the index of the maps only looks.
    std::optional<MapSnapshot> map(const std::string& id, bool ask = true);
    /// The project file's problems (it does not parse, or names what is not there), empty when usable.
    Diagnostics problems() const;
    /// Counts every change of any map or of the project's problems.
    std::uint64_t generation() const;
    /// Blocks until generation() differs from `seen`, `timeout` passes or the session stops.
    std::uint64_t wait_change(std::uint64_t seen, std::chrono::milliseconds timeout) const;
    bool stopped() const { return stop_.load(); }

private:
    struct Loaded;
    struct MapEntry;
    void load();                                               ///< project and layers (may throw Error)
    void render(const std::string& id, const std::vector<std::string>& changed);
    void changed(const std::set<std::string>& paths);
    void bump();

    PreviewOptions options_;
    std::shared_ptr<Loaded> loaded_;                           ///< render thread only
    /// The data files saved since loaded_'s layers were loaded: the next load() loads again the layers
    /// they feed and takes the others from loaded_ (pipeline::LayerStore::adopt). Render thread only.
    std::set<std::string> saved_;
    mutable std::mutex mutex_;
    mutable std::condition_variable cv_;
    std::vector<std::string> ids_;                             ///< guarded by mutex_
    std::map<std::string, MapEntry> maps_;                     ///< guarded by mutex_
    std::deque<std::string> asked_;                            ///< pages asked for, to render; guarded
    Diagnostics problems_;                                     ///< guarded by mutex_
    std::uint64_t generation_ = 0;                             ///< guarded by mutex_
    std::atomic<bool> stop_{false};
};

/// The map's state as the JSON the preview page reads (no image bytes: those are fetched by version).
std::string snapshot_json(const MapSnapshot& map, const Diagnostics& project_problems);

}  // namespace cartelier::serve
