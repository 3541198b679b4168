// --shard K/N: the K-th (1-based) of N shares of the maps, for job arrays (Slurm, Kubernetes indexed
// Jobs, CI matrices) that build one atlas with no coordination.
//
// The maps are sorted by id and dealt round-robin: share K gets the maps at positions K-1, K-1+N, …
// of that order. Shares are equal (sizes differ by at most one), disjoint, cover every map, and depend
// only on the set of map ids (not on their order in the file, the machine, or the time). Adding or
// removing a map may move maps sorted after it to another share; with per-map state files that only
// matters when shards keep separate output folders (then a moved map is rebuilt once).
#pragma once

#include <string>
#include <vector>

namespace cartelier::pipeline {

struct Shard {
    int index = 1;  ///< K, 1-based
    int count = 1;  ///< N
};

/// Parses "K/N" (1 ≤ K ≤ N); throws Error naming what was expected.
Shard parse_shard(const std::string& text);

/// The ids of share `shard`, in sorted order.
std::vector<std::string> shard_maps(std::vector<std::string> ids, const Shard& shard);

}  // namespace cartelier::pipeline
