#include "pipeline/database_digests.hpp"

namespace cartelier::pipeline {

std::string DatabaseDigests::current(const data::LayerSpec& spec) {
    {
        std::lock_guard lock(mutex_);
        if (auto it = known_.find(spec.name); it != known_.end()) return it->second;
        ++queries_;
    }
    std::string digest = data::database_digest(spec);
    std::lock_guard lock(mutex_);
    return known_.try_emplace(spec.name, std::move(digest)).first->second;  // a read in the meantime wins
}

void DatabaseDigests::loaded(const std::string& name, const std::string& digest) {
    std::lock_guard lock(mutex_);
    known_[name] = digest;
}

std::size_t DatabaseDigests::queries() const {
    std::lock_guard lock(mutex_);
    return queries_;
}

}  // namespace cartelier::pipeline
