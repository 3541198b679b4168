// Per-stage timings for the build report. The pipeline installs a sink for the map a thread is working
// on; the stages (LayerStore's load/join/reproject, the pipeline's prepare/render/write) add their
// elapsed time to it with a ScopedStage. Without a sink, a ScopedStage costs two clock reads.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace cartelier::pipeline {

/// Seconds spent per stage name ("load", "validate", "join", "reproject", "write-cache", "check", "prepare",
/// "render", "write").
class StageTimes {
public:
    void add(const std::string& stage, double seconds);
    std::map<std::string, double> snapshot() const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, double> seconds_;
};

/// The sink of the current thread (null: timings are not recorded).
StageTimes* current_stage_times();

/// Installs `sink` for the current thread for the lifetime of the object.
class StageSinkScope {
public:
    explicit StageSinkScope(StageTimes* sink);
    ~StageSinkScope();
    StageSinkScope(const StageSinkScope&) = delete;
    StageSinkScope& operator=(const StageSinkScope&) = delete;

private:
    StageTimes* previous_;
};

/// Adds the time between construction and destruction to the current thread's sink. Stages nest
/// exclusively: while an inner stage runs (a check reprojecting its container layer, say), the outer
/// one is paused, so the stage times of a map add up to at most its wall time.
class ScopedStage {
public:
    explicit ScopedStage(const char* stage);
    ~ScopedStage();
    ScopedStage(const ScopedStage&) = delete;
    ScopedStage& operator=(const ScopedStage&) = delete;

private:
    void pause();
    void resume();
    const char* stage_;
    std::chrono::steady_clock::time_point start_;
    ScopedStage* outer_;
};

}  // namespace cartelier::pipeline
