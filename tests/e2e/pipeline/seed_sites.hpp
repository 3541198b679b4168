// The seed project's sites (layers/sites.csv) with the dispositif of their session (layers/sessions.csv):
// what the seed maps draw, for the tests that look for them on the page.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/geometry.hpp"
#include "data/table.hpp"
#include "test_paths.hpp"

namespace cartelier::test {

struct SeedSite {
    std::string id;          ///< first column of sites.csv
    Point lon_lat;           ///< EPSG:4326
    std::string dispositif;  ///< "flash" or "local"
};

/// Every site of the seed project, in file order. Fails the calling test when the CSVs do not read.
inline std::vector<SeedSite> seed_sites() {
    Diagnostics d;
    data::Table sites = data::read_csv(sourcepath("layers/sites.csv"), d);
    data::Table sessions = data::read_csv(sourcepath("layers/sessions.csv"), d);
    EXPECT_FALSE(d.has_errors()) << d.format();
    std::map<std::string, std::string> dispositif;
    for (const auto& row : sessions.rows) dispositif[row.cells[*sessions.column("key")]] = row.cells[*sessions.column("dispositif")];
    std::vector<SeedSite> out;
    for (const auto& row : sites.rows)
        out.push_back({row.cells[0],
                       Point{std::stod(row.cells[*sites.column("lon")]), std::stod(row.cells[*sites.column("lat")])},
                       dispositif[row.cells[*sites.column("session")]]});
    return out;
}

}  // namespace cartelier::test
