#include "pipeline/timing.hpp"

namespace cartelier::pipeline {

namespace {
thread_local StageTimes* tl_sink = nullptr;
thread_local ScopedStage* tl_innermost = nullptr;
}

void StageTimes::add(const std::string& stage, double seconds) {
    std::lock_guard lock(mutex_);
    seconds_[stage] += seconds;
}

std::map<std::string, double> StageTimes::snapshot() const {
    std::lock_guard lock(mutex_);
    return seconds_;
}

StageTimes* current_stage_times() { return tl_sink; }

StageSinkScope::StageSinkScope(StageTimes* sink) : previous_(tl_sink) { tl_sink = sink; }
StageSinkScope::~StageSinkScope() { tl_sink = previous_; }

ScopedStage::ScopedStage(const char* stage) : stage_(stage), outer_(tl_innermost) {
    if (outer_) outer_->pause();
    tl_innermost = this;
    start_ = std::chrono::steady_clock::now();
}

void ScopedStage::pause() {
    if (tl_sink)
        tl_sink->add(stage_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
}

void ScopedStage::resume() { start_ = std::chrono::steady_clock::now(); }

ScopedStage::~ScopedStage() {
    pause();
    tl_innermost = outer_;
    if (outer_) outer_->resume();
}

}  // namespace cartelier::pipeline
