// The digests of the project's database layers for one command (data::database_digest): what the
// incremental state records for a layer read from PostgreSQL/PostGIS, instead of a file's content hash.
// Shared by the plan (is a map up to date?), the layer store (the prepared-cache key) and the inputs a
// build records, so that one command asks the server at most once per layer and records the digest of
// the rows it actually drew.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "data/layer_reader.hpp"

namespace cartelier::pipeline {

class DatabaseDigests {
public:
    /// The digest of the rows of database layer `spec.name`: the one its read gave in this command
    /// (loaded()), else the server's answer now, asked once and remembered. Throws Error (the layer, where
    /// the project declares it, the server's message) when the server cannot answer; a later call asks
    /// again. Thread-safe; the server is asked without the lock held.
    std::string current(const data::LayerSpec& spec);
    /// The layer `name` was read with these rows (their digest, computed in the read's own snapshot):
    /// current() answers it from now on.
    void loaded(const std::string& name, const std::string& digest);
    /// How many times the server was asked (for tests).
    std::size_t queries() const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::string> known_;
    std::size_t queries_ = 0;
};

}  // namespace cartelier::pipeline
