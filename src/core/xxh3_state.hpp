// An XXH3 streaming state owned as a unique_ptr (C++17: the PDF assembler, built as C++17, uses it too;
// header only: its users link libxxhash).
#pragma once

#include <memory>

#include <xxhash.h>

namespace cartelier {

struct Xxh3StateFree {
    void operator()(XXH3_state_t* s) const { XXH3_freeState(s); }
};
/// An XXH3 streaming state, freed with it.
using Xxh3State = std::unique_ptr<XXH3_state_t, Xxh3StateFree>;
/// A new state (null when out of memory), not yet reset.
inline Xxh3State new_xxh3_state() { return Xxh3State(XXH3_createState()); }

}  // namespace cartelier
