// The build report: out/build-report.json (out/build-report.shard-K-of-N.json for a shard), for
// schedulers and people, and the short summary printed at the end of a build.
//
// Per map: status (built, up to date, failed, interrupted), why it was rebuilt, its inputs and their
// hashes, the date its outputs carry, seconds per stage (load, join, reproject, check, prepare, render,
// write), warnings and errors (file, line, column, path, message, hint), label statistics, the scale
// of each frame (main map and insets), the land hidden by the page furniture (mm²), and each output
// with its size and SHA-256.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "pipeline/pipeline.hpp"
#include "pipeline/project.hpp"

namespace cartelier::pipeline {

/// Where the report of a build with these options goes.
std::string report_path(const BuildOptions& options);

nlohmann::json diagnostic_json(const Diagnostic& d);
nlohmann::json report_json(const Project& project, const BuildOptions& options, const BuildOutcome& outcome);
/// Writes the report atomically; returns its path.
std::string write_report(const Project& project, const BuildOptions& options, const BuildOutcome& outcome);

/// "3 maps: 1 built, 2 up to date, 0 failed in 0.41 s (2 threads)".
std::string summary_line(const BuildOutcome& outcome);

/// "2026-11-25T19:04:29Z".
std::string iso_date(std::int64_t seconds_since_epoch);

}  // namespace cartelier::pipeline
