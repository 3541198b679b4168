// A layer read from a PostgreSQL/PostGIS database (through GDAL's PostgreSQL driver, which links libpq):
// what the project file declares, and the rules every message about it follows — a password never
// appears in one.
#pragma once

#include <regex>
#include <string>

#include "core/diagnostic.hpp"

namespace cartelier::data {

/// `layers.NAME.postgis` of the project file.
struct DatabaseSource {
    /// A libpq connection string of key=value pairs ("service=cartelier", "host=db dbname=atelier
    /// user=carto"); the password comes from ~/.pgpass (PGPASSFILE), the service file (PGSERVICEFILE)
    /// or PGPASSWORD, never from the project file (one written there is used, with a warning).
    std::string connection;
    std::string table;        ///< `schema.name` or `name` of a table or view; or empty with `sql`
    std::string sql;          ///< a SELECT whose rows are the features; or empty with `table`
    std::string geometry;     ///< the geometry column when the rows have several; empty: the first
    int connect_timeout_s = 10;     ///< libpq's connect_timeout
    int statement_timeout_s = 120;  ///< the server's statement_timeout for every query of a read
    SourceLocation declared_at;     ///< where the project file writes the `postgis` block
};

/// Whether a connection string or URI carries a password (`password=…`, `postgresql://user:pw@…`).
inline bool contains_password(const std::string& text) {
    static const std::regex key(R"((^|\s)password\s*=)", std::regex::icase);
    static const std::regex uri(R"(postgres(ql)?://[^/@\s:]*:[^/@\s]*@)", std::regex::icase);
    return std::regex_search(text, key) || std::regex_search(text, uri);
}

/// `text` (a connection string, or a message that may quote one) with every password replaced by ***.
inline std::string redact_password(const std::string& text) {
    static const std::regex key(R"((password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s'"]+))", std::regex::icase);
    static const std::regex uri(R"((postgres(?:ql)?://[^/@\s:]*:)[^/@\s]*@)", std::regex::icase);
    std::string out = std::regex_replace(text, key, "$1***");
    return std::regex_replace(out, uri, "$1***@");
}

/// How messages name the source: "PostgreSQL service=cartelier, table public.sites" (or ", query").
inline std::string describe(const DatabaseSource& source) {
    return "PostgreSQL " + redact_password(source.connection) +
           (source.table.empty() ? std::string(", query") : ", table " + source.table);
}

}  // namespace cartelier::data
