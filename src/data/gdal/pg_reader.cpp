// Inside the GDAL module: a layer read from PostgreSQL/PostGIS through GDAL's PostgreSQL driver (libpq).
// Every read is one read-only, repeatable-read transaction, opened by the driver's PRELUDE_STATEMENTS,
// in which the digest of the rows and the rows themselves are read: what is drawn is what is hashed.
#include <algorithm>
#include <cctype>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "data/gdal/ogr_features.hpp"

namespace cartelier::data {

namespace {

/// A result set of GDALDataset::ExecuteSQL, released with its dataset's ReleaseResultSet.
class ResultSet {
public:
    ResultSet(GDALDataset& dataset, const std::string& sql)
        : dataset_(&dataset), layer_(dataset.ExecuteSQL(sql.c_str(), nullptr, nullptr)) {}
    ~ResultSet() {
        if (layer_) dataset_->ReleaseResultSet(layer_);
    }
    ResultSet(const ResultSet&) = delete;
    ResultSet& operator=(const ResultSet&) = delete;
    OGRLayer* get() const { return layer_; }

private:
    GDALDataset* dataset_;
    OGRLayer* layer_;
};

/// A string literal of SQL.
std::string literal(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

/// An identifier of SQL, quoted (as the server's quote_ident does for any name that needs it).
std::string identifier(const std::string& name) {
    std::string out = "\"";
    for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

/// The server's message, on one line, with any password removed.
std::string server_message(const GdalErrorCapture& errors) {
    std::string m = errors.last().empty() ? std::string("no message from the server") : errors.last();
    for (char& c : m)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    m = std::regex_replace(m, std::regex(" {2,}"), " ");
    while (!m.empty() && m.back() == ' ') m.pop_back();
    return redact_password(m);
}

/// One database read: the connection (and its transaction), the query of the layer, what went wrong.
class Session {
public:
    Session(const LayerSpec& spec, Diagnostics& diagnostics) : spec_(spec), db_(*spec.database), d_(diagnostics) {}

    /// Connects, in a read-only repeatable-read transaction with the statement timeout; false (said) when
    /// the server cannot be reached or refuses.
    bool open() {
        ensure_gdal_registered();
        const std::string conninfo =
            fmt::format("PG:{} connect_timeout={}", db_.connection, std::max(1, db_.connect_timeout_s));
        const std::string prelude = fmt::format(
            "PRELUDE_STATEMENTS=BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL statement_timeout = {}",
            static_cast<long long>(std::max(1, db_.statement_timeout_s)) * 1000);
        const char* options[] = {prelude.c_str(), "CLOSING_STATEMENTS=COMMIT", nullptr};
        const char* drivers[] = {"PostgreSQL", nullptr};
        dataset_.reset(GDALDataset::FromHandle(
            GDALOpenEx(conninfo.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, options, nullptr)));
        if (!dataset_) {
            fail("cannot connect to the database", "check the server, the connection string and the credentials "
                                                   "(~/.pgpass, PGSERVICEFILE, PGPASSWORD)");
            return false;
        }
        return true;
    }

    /// The query whose rows are the layer's features: the project's `sql`, or every row of `table` in the
    /// order of its primary key (else of the `id` field, else of the whole row), so that the drawing order
    /// does not follow the table's physical order. Empty (said) when the table does not exist.
    std::string query() {
        if (!db_.table.empty()) return table_query();
        std::string sql = db_.sql;
        while (!sql.empty() && (sql.back() == ';' || std::isspace(static_cast<unsigned char>(sql.back())))) sql.pop_back();
        return sql;
    }

    /// The digest (database_digest) of the rows of `query`; empty (said) when the server fails.
    std::string digest(const std::string& query) {
        std::string columns;
        {
            ResultSet shape(*dataset_, fmt::format("SELECT * FROM ({}) AS cartelier_row LIMIT 0", query));
            if (!shape.get()) return fail_query();
            OGRFeatureDefn* defn = shape.get()->GetLayerDefn();
            for (int i = 0; i < defn->GetFieldCount(); ++i)
                columns += fmt::format("{}:{};", defn->GetFieldDefn(i)->GetNameRef(),
                                       OGRFieldDefn::GetFieldTypeName(defn->GetFieldDefn(i)->GetType()));
            for (int i = 0; i < defn->GetGeomFieldCount(); ++i)
                columns += fmt::format("{}:geometry;", defn->GetGeomFieldDefn(i)->GetNameRef());
            if (const char* fid = shape.get()->GetFIDColumn(); fid && *fid) columns += fmt::format("fid:{};", fid);
        }
        ResultSet rows(*dataset_,
                       fmt::format("SELECT count(*)::text AS n, coalesce(md5(string_agg(h, '' ORDER BY h)), '') AS d "
                                   "FROM (SELECT md5(cartelier_row::text) AS h FROM ({}) AS cartelier_row) AS hashes",
                                   query));
        if (!rows.get()) return fail_query();
        std::unique_ptr<OGRFeature> f(rows.get()->GetNextFeature());
        if (!f) return fail_query();
        return fmt::format("rows {} md5 {} columns {}", f->GetFieldAsString(0), f->GetFieldAsString(1), columns);
    }

    /// Reads the rows of `query` into `layer` (or `sink`), their digest first, in the same snapshot.
    void read(const std::string& query, const FeatureSink& sink, Layer& layer) {
        layer.digest = digest(query);
        if (layer.digest.empty()) return;
        ResultSet rows(*dataset_, query);
        if (!rows.get()) {
            fail_query();
            return;
        }
        OGRFeatureDefn* defn = rows.get()->GetLayerDefn();
        std::vector<std::string> geometries;
        for (int i = 0; i < defn->GetGeomFieldCount(); ++i) geometries.emplace_back(defn->GetGeomFieldDefn(i)->GetNameRef());
        int geometry = 0;
        if (!db_.geometry.empty()) {
            geometry = defn->GetGeomFieldIndex(db_.geometry.c_str());
            if (geometry < 0) {
                d_.error(db_.declared_at,
                         fmt::format("layer '{}' ({}): no geometry column '{}' in the rows; their geometry columns: {}",
                                     spec_.name, describe(db_), db_.geometry,
                                     geometries.empty() ? std::string("none") : fmt::format("{}", fmt::join(geometries, ", "))),
                         suggest_name(db_.geometry, geometries));
                return;
            }
        } else if (geometries.empty()) {
            d_.error(db_.declared_at,
                     fmt::format("layer '{}' ({}): the rows have no geometry column", spec_.name, describe(db_)),
                     "select a PostGIS geometry column (the table's, or ST_… in the query)");
            return;
        } else if (geometries.size() > 1) {
            d_.error(db_.declared_at,
                     fmt::format("layer '{}' ({}): the rows have {} geometry columns ({}); expected 'geometry:' naming the "
                                 "one to draw",
                                 spec_.name, describe(db_), geometries.size(), fmt::join(geometries, ", ")),
                     fmt::format("add 'geometry: {}'", geometries.front()));
            return;
        }
        const bool had_errors = d_.has_errors();
        read_features(*rows.get(), spec_, errors_, d_, sink, layer, geometry);
        // A failure after some rows (a timeout, the server gone): never a layer with only part of its rows.
        if (!errors_.last().empty() && d_.has_errors() == had_errors) fail_query();
    }

private:
    std::string table_query() {
        ResultSet found(*dataset_,
                        fmt::format("SELECT to_regclass({0})::text AS relation, (SELECT string_agg(quote_ident(a.attname), "
                                    "', ' ORDER BY k.n) FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH "
                                    "ORDINALITY AS k(attnum, n) JOIN pg_attribute a ON a.attrelid = i.indrelid AND "
                                    "a.attnum = k.attnum WHERE i.indrelid = to_regclass({0}) AND i.indisprimary) AS pk",
                                    literal(db_.table)));
        std::unique_ptr<OGRFeature> f(found.get() ? found.get()->GetNextFeature() : nullptr);
        if (!f) return fail_query();
        if (!f->IsFieldSetAndNotNull(0)) {
            std::vector<std::string> tables;
            ResultSet list(*dataset_,
                           "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_schema "
                           "NOT IN ('pg_catalog', 'information_schema') ORDER BY 1");
            if (list.get())
                for (auto& row : *list.get()) tables.emplace_back(row->GetFieldAsString(0));
            d_.error(db_.declared_at,
                     fmt::format("layer '{}' ({}): no table or view '{}' in the database", spec_.name, describe(db_),
                                 db_.table),
                     tables.empty() ? std::string("the database has no table the connection's user can see")
                                    : suggest_name(db_.table, tables, {"tables: ", ""}));
            return {};
        }
        const std::string relation = f->GetFieldAsString(0);
        std::string order = f->IsFieldSetAndNotNull(1) ? std::string(f->GetFieldAsString(1)) : std::string();
        if (order.empty() && !spec_.id_field.empty()) order = identifier(spec_.id_field) + ", cartelier_row::text";
        if (order.empty()) order = "cartelier_row::text";
        return fmt::format("SELECT * FROM {} AS cartelier_row ORDER BY {}", relation, order);
    }

    void fail(const std::string& what, const std::string& hint) {
        d_.error(db_.declared_at,
                 fmt::format("layer '{}' ({}): {}: {}", spec_.name, describe(db_), what, server_message(errors_)), hint);
    }
    std::string fail_query() {
        fail(db_.table.empty() ? "the query failed" : "reading the table failed", {});
        return {};
    }

    const LayerSpec& spec_;
    const DatabaseSource& db_;
    Diagnostics& d_;
    GdalErrorCapture errors_;
    GDALDatasetUniquePtr dataset_;
};

}  // namespace

void read_database(const LayerSpec& spec, Diagnostics& diagnostics, const FeatureSink& sink, Layer& layer) {
    Session session(spec, diagnostics);
    if (!session.open()) return;
    const std::string query = session.query();
    if (query.empty()) return;
    session.read(query, sink, layer);
}

std::string digest_database(const LayerSpec& spec, Diagnostics& diagnostics) {
    Session session(spec, diagnostics);
    if (!session.open()) return {};
    const std::string query = session.query();
    if (query.empty()) return {};
    return session.digest(query);
}

}  // namespace cartelier::data
