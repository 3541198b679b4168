#include "pipeline/prepared_cache.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <thread>
#include <variant>
#include <type_traits>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <xxhash.h>

#include "core/file_io.hpp"
#include "core/payload_reader.hpp"
#include "core/paths.hpp"
#include "pipeline/hashing.hpp"
#include "pipeline/output.hpp"
#include "pipeline/state.hpp"
#include "geo/geos.hpp"

namespace cartelier::pipeline {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'C', 'R', 'T', 'L', 'P', 'R', 'E', 'P'};
/// 2: warnings about vertices outside the CRS's area of use are no longer stored.
/// 3: paths inside the project folder (source, warnings' files) stored relative to it.
/// 4: a copy's LayerSubset.
/// 5: the features in chunks of kFeaturesPerChunk, each chunk's size in bytes written before them.
/// 6: written only by a reader that checks feature ids are unique (a version-5 copy may hold duplicates).
/// 7: a projected copy's source digests (geo::SourceDigest, one per feature), after its subset.
constexpr std::uint32_t kVersion = 7;
/// Features per chunk: the chunks of a large layer are read back on several threads.
constexpr std::uint64_t kFeaturesPerChunk = 4096;

struct Header {
    char magic[8];
    std::uint32_t version;
    std::uint32_t reserved;
    std::uint64_t key;
    std::uint64_t payload_size;
    std::uint64_t payload_hash;
};
static_assert(std::is_trivially_copyable_v<Header> && sizeof(Header) == 40);

/// Adds a whole file's digest to `state`; false when it cannot be read.
/// (The digest is digest_file's, shared with the build's state: a file is read once per process.)
bool hash_file(const fs::path& path, XXH3_state_t* state) {
    std::optional<FileDigest> digest;
    try {
        digest = digest_file(path);
    } catch (const Error&) {
        return false;
    }
    if (!digest) return false;
    XXH3_64bits_update(state, digest->hash.data(), digest->hash.size());
    return true;
}

void hash_text(XXH3_state_t* state, const std::string& s) {
    const std::uint64_t n = s.size();
    XXH3_64bits_update(state, &n, sizeof n);
    XXH3_64bits_update(state, s.data(), s.size());
}

/// Serialises a payload into a file through a 1 MB buffer, hashing it on the way: the payload is
/// never whole in memory (for a national layer of communes it would be tens of megabytes).
class Writer {
public:
    explicit Writer(std::ofstream& file) : file_(file), state_(new_xxh3_state()) {
        XXH3_64bits_reset(state_.get());
        buffer_.reserve(kChunk);
    }
    template <class T>
    void pod(const T& v) {
        static_assert(std::is_trivially_copyable_v<T>);
        bytes(reinterpret_cast<const char*>(&v), sizeof v);
    }
    void text(const std::string& s) {
        pod<std::uint32_t>(static_cast<std::uint32_t>(s.size()));
        bytes(s.data(), s.size());
    }
    template <class T>
    void array(const std::vector<T>& v) {
        static_assert(std::is_trivially_copyable_v<T>);
        pod<std::uint64_t>(v.size());
        bytes(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
    }
    /// Writes what is buffered; then size() and hash() cover the whole payload.
    void flush() {
        emit(buffer_.data(), buffer_.size());
        buffer_.clear();
    }
    std::uint64_t size() const { return size_; }
    std::uint64_t hash() const { return XXH3_64bits_digest(state_.get()); }

private:
    static constexpr std::size_t kChunk = 1 << 20;
    void bytes(const char* data, std::size_t n) {
        if (buffer_.size() + n > kChunk) {
            flush();
            if (n > kChunk) return emit(data, n);  // a large array: straight to the file
        }
        buffer_.append(data, n);
    }
    void emit(const char* data, std::size_t n) {
        XXH3_64bits_update(state_.get(), data, n);
        file_.write(data, static_cast<std::streamsize>(n));
        size_ += n;
    }
    std::ofstream& file_;
    Xxh3State state_;
    std::string buffer_;
    std::uint64_t size_ = 0;
};

/// A path: a flag (1: relative to the project folder, 0: as it was) and the text.
void write_path(Writer& w, const fs::path& root, const std::string& path) {
    const std::string stored = path_inside(root, path);
    w.pod<std::uint8_t>(stored != path ? 1 : 0);
    w.text(stored);
}

bool read_path(PayloadReader& r, const fs::path& root, std::string& path) {
    std::uint8_t relative = 0;
    if (!r.pod(relative) || !r.text(path)) return false;
    if (relative) path = path_against(root, path);
    return true;
}

void write_location(Writer& w, const SourceLocation& l, const fs::path& root) {
    write_path(w, root, l.file);
    w.pod<std::int32_t>(l.line);
    w.pod<std::int32_t>(l.column);
    w.text(l.path);
}

bool read_location(PayloadReader& r, SourceLocation& l, const fs::path& root) {
    std::int32_t line = 0, column = 0;
    if (!read_path(r, root, l.file) || !r.pod(line) || !r.pod(column) || !r.text(l.path)) return false;
    l.line = line;
    l.column = column;
    return true;
}

/// The bytes write_prepared writes for a feature (what its chunk's size adds up).
std::uint64_t stored_size(const Feature& f) {
    std::uint64_t n = 4 + f.id.size() + 4 + 4;
    for (const auto& v : f.values) {
        n += 1;
        if (std::holds_alternative<bool>(v)) n += 1;
        else if (std::holds_alternative<double>(v)) n += sizeof(double);
        else if (auto s = std::get_if<std::string>(&v)) n += 4 + s->size();
    }
    return n + 1 + 8 + f.geometry.points.size() * sizeof(Point) + 8 + f.geometry.rings.size() * sizeof(std::uint32_t) +
           8 + f.geometry.parts.size() * sizeof(std::uint32_t);
}

/// One feature as write_prepared wrote it; false when the bytes are not one.
bool read_feature(PayloadReader& r, Feature& f, std::uint64_t payload_size) {
    std::uint32_t values = 0;
    if (!r.text(f.id) || !r.pod(f.line) || !r.pod(values) || values > payload_size) return false;
    f.values.reserve(values);
    for (std::uint32_t i = 0; i < values; ++i) {
        std::uint8_t tag = 0;
        if (!r.pod(tag)) return false;
        switch (tag) {
            case 0: f.values.emplace_back(std::monostate{}); break;
            case 1: {
                std::uint8_t b = 0;
                if (!r.pod(b)) return false;
                f.values.emplace_back(b != 0);
                break;
            }
            case 2: {
                double d = 0;
                if (!r.pod(d)) return false;
                f.values.emplace_back(d);
                break;
            }
            case 3: {
                std::string s;
                if (!r.text(s)) return false;
                f.values.emplace_back(std::move(s));
                break;
            }
            default: return false;
        }
    }
    std::uint8_t type = 0;
    if (!r.pod(type) || type > static_cast<std::uint8_t>(GeometryType::Polygon)) return false;
    f.geometry.type = static_cast<GeometryType>(type);
    if (!r.array(f.geometry.points) || !r.array(f.geometry.rings) || !r.array(f.geometry.parts)) return false;
    // Offsets must stay inside their arrays (a checksum collision aside, this guards the renderer).
    for (std::uint32_t o : f.geometry.rings)
        if (o > f.geometry.points.size()) return false;
    for (std::uint32_t o : f.geometry.parts)
        if (o + 1 > f.geometry.rings.size() + 1) return false;
    return true;
}

/// The features of a layer from their chunks (`sizes`, from `at`): the chunks of a large layer are read
/// on several threads side by side (France's communes: while the build's workers wait for them).
/// False when a chunk is not exactly its features.
bool read_features(const char* at, const std::vector<std::uint64_t>& sizes, std::vector<Feature>& features,
                   std::uint64_t payload_size) {
    std::vector<const char*> starts;
    for (std::uint64_t n : sizes) {
        starts.push_back(at);
        at += n;
    }
    auto read_chunks = [&](std::size_t from, std::size_t to) {
        try {
            for (std::size_t c = from; c < to; ++c) {
                PayloadReader r(starts[c], sizes[c]);
                const std::size_t end = std::min<std::size_t>(features.size(), (c + 1) * kFeaturesPerChunk);
                for (std::size_t i = c * kFeaturesPerChunk; i < end; ++i)
                    if (!read_feature(r, features[i], payload_size)) return false;
                if (!r.done()) return false;
            }
            return true;
        } catch (const std::exception&) {  // out of memory: the caller reads the source instead
            return false;
        }
    };
    const std::size_t threads =
        std::min<std::size_t>({sizes.size(), std::max(1u, std::thread::hardware_concurrency()), 4});
    if (threads <= 1) return read_chunks(0, sizes.size());
    std::vector<char> ok(threads, 0);
    std::vector<std::thread> helpers;
    auto range = [&](std::size_t t) { return std::pair{sizes.size() * t / threads, sizes.size() * (t + 1) / threads}; };
    for (std::size_t t = 1; t < threads; ++t)
        helpers.emplace_back([&, t] {
            auto [from, to] = range(t);
            ok[t] = read_chunks(from, to);
        });
    auto [from, to] = range(0);
    ok[0] = read_chunks(from, to);
    for (auto& h : helpers) h.join();
    return std::all_of(ok.begin(), ok.end(), [](char v) { return v != 0; });
}

}  // namespace

std::optional<std::uint64_t> prepared_key(const data::LayerSpec& spec, const std::string& crs,
                                          const fs::path& project_root, const std::string& database_digest) {
    const Xxh3State state = new_xxh3_state();
    if (!state || XXH3_64bits_reset(state.get()) == XXH_ERROR) return std::nullopt;
    hash_text(state.get(), fmt::format("cartelier prepared layer v{}", kVersion));
    const std::string path = path_inside(project_root, spec.path);
    for (const std::string* s : {&spec.name, &path, &spec.ogr_layer, &spec.crs, &spec.id_field, &spec.x_field,
                                 &spec.y_field, &crs})
        hash_text(state.get(), *s);
    for (const auto& id : spec.repaired) hash_text(state.get(), "repaired " + id);  // changes the warnings kept
    if (spec.database) {
        if (database_digest.empty()) return std::nullopt;
        const data::DatabaseSource& db = *spec.database;
        for (const std::string* s : {&db.connection, &db.table, &db.sql, &db.geometry, &database_digest})
            hash_text(state.get(), *s);
        return XXH3_64bits_digest(state.get());
    }
    if (!hash_file(spec.path, state.get())) return std::nullopt;
    // Sidecars of multi-file formats (Shapefile .dbf, .prj, .cpg…): same stem, other extension.
    const fs::path source(spec.path);
    std::error_code ec;
    std::vector<fs::path> sidecars;
    for (const auto& entry : fs::directory_iterator(source.parent_path(), ec))
        if (entry.path() != source && entry.path().stem() == source.stem() && entry.is_regular_file(ec))
            sidecars.push_back(entry.path());
    std::sort(sidecars.begin(), sidecars.end());
    for (const auto& s : sidecars) {
        hash_text(state.get(), s.filename().string());
        if (!hash_file(s, state.get())) return std::nullopt;
    }
    return XXH3_64bits_digest(state.get());
}

std::optional<std::uint64_t> recipe_key(const std::string& recipe, const std::vector<std::string>& files) {
    const Xxh3State state = new_xxh3_state();
    if (!state || XXH3_64bits_reset(state.get()) == XXH_ERROR) return std::nullopt;
    hash_text(state.get(), fmt::format("cartelier derived layer v{}", kVersion));
    hash_text(state.get(), recipe);
    for (const auto& file : files) {
        hash_text(state.get(), fs::path(file).filename().string());  // the recipe says where (relocatable)
        if (!hash_file(file, state.get())) return std::nullopt;
    }
    return XXH3_64bits_digest(state.get());
}

fs::path prepared_dir(const fs::path& out_dir) {
    if (const char* dir = std::getenv("CARTELIER_CACHE_DIR"); dir && *dir) return fs::path(dir);
    return out_dir / ".cache" / "prepared";
}

fs::path prepared_path(const fs::path& dir, const std::string& layer, const std::string& crs) {
    std::string safe;
    for (char c : layer + "." + crs)
        safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
    if (safe.size() > 120) safe = fmt::format("{}-{:016x}", safe.substr(0, 100), XXH3_64bits(safe.data(), safe.size()));
    return dir / (safe + ".prepared");
}

bool write_prepared(const fs::path& path, std::uint64_t key, const Layer& layer,
                    const std::vector<Diagnostic>& warnings, const fs::path& project_root,
                    const std::vector<geo::SourceDigest>& source_digests) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    const fs::path tmp = path.parent_path() / fmt::format(".{}.tmp-{}", path.filename().string(), ::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return false;
        Header h{};
        out.write(reinterpret_cast<const char*>(&h), sizeof h);  // filled in once the payload is written
        Writer w(out);
        w.text(layer.name);
        write_path(w, project_root, layer.source);
        w.text(layer.crs);
        w.pod<std::uint32_t>(static_cast<std::uint32_t>(layer.schema->size()));
        for (const auto& field : layer.schema->fields()) w.text(field);
        w.pod<std::uint32_t>(static_cast<std::uint32_t>(warnings.size()));
        for (const auto& d : warnings) {
            w.pod<std::uint8_t>(d.severity == Severity::Error ? 0 : 1);
            write_location(w, d.where, project_root);
            w.text(d.message);
            w.text(d.hint);
        }
        w.pod<std::uint64_t>(layer.features.size());
        const std::uint64_t chunks = (layer.features.size() + kFeaturesPerChunk - 1) / kFeaturesPerChunk;
        for (std::uint64_t c = 0; c < chunks; ++c) {
            std::uint64_t bytes = 0;
            const std::size_t end = std::min<std::size_t>(layer.features.size(), (c + 1) * kFeaturesPerChunk);
            for (std::size_t i = c * kFeaturesPerChunk; i < end; ++i) bytes += stored_size(layer.features[i]);
            w.pod<std::uint64_t>(bytes);
        }
        for (const auto& f : layer.features) {
            w.text(f.id);
            w.pod<std::uint32_t>(f.line);
            w.pod<std::uint32_t>(static_cast<std::uint32_t>(f.values.size()));
            for (const auto& v : f.values) {
                w.pod<std::uint8_t>(static_cast<std::uint8_t>(v.index()));
                if (auto b = std::get_if<bool>(&v)) w.pod<std::uint8_t>(*b ? 1 : 0);
                else if (auto d = std::get_if<double>(&v)) w.pod(*d);
                else if (auto s = std::get_if<std::string>(&v)) w.text(*s);
            }
            w.pod<std::uint8_t>(static_cast<std::uint8_t>(f.geometry.type));
            w.array(f.geometry.points);
            w.array(f.geometry.rings);
            w.array(f.geometry.parts);
        }
        w.pod<std::uint8_t>(layer.subset ? 1 : 0);
        if (layer.subset) {
            w.pod<std::uint64_t>(layer.subset->whole_size);
            w.array(layer.subset->index);
            w.pod<std::uint32_t>(static_cast<std::uint32_t>(layer.subset->fields.size()));
            for (const FieldStats& s : layer.subset->fields) {
                w.pod<std::uint32_t>(s.set);
                w.pod<std::uint8_t>(s.kinds);
            }
        }
        static const std::vector<geo::SourceDigest> none;
        w.array(source_digests.size() == layer.features.size() ? source_digests : none);
        w.flush();
        std::memcpy(h.magic, kMagic, sizeof kMagic);
        h.version = kVersion;
        h.key = key;
        h.payload_size = w.size();
        h.payload_hash = w.hash();
        out.seekp(0);
        out.write(reinterpret_cast<const char*>(&h), sizeof h);
        if (!out.flush()) {
            out.close();
            fs::remove(tmp, ec);
            return false;
        }
    }
    fs::rename(tmp, path, ec);
    if (ec) fs::remove(tmp, ec);
    return !ec;
}

/// Whether a file of `file_size` bytes starting with `h` holds a layer of this version stored with `key`
/// (any key when null).
bool header_matches(const Header& h, const std::uint64_t* key, std::uint64_t file_size) {
    return std::memcmp(h.magic, kMagic, sizeof kMagic) == 0 && h.version == kVersion && (!key || h.key == *key) &&
           file_size >= sizeof h && h.payload_size == file_size - sizeof h;
}

bool has_prepared(const fs::path& path, std::uint64_t key) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st {};
    Header h{};
    const bool read = ::fstat(fd, &st) == 0 && ::read(fd, &h, sizeof h) == static_cast<ssize_t>(sizeof h);
    ::close(fd);
    return read && header_matches(h, &key, static_cast<std::uint64_t>(st.st_size));
}

namespace {

std::optional<PreparedLayer> read_prepared_file(const fs::path& path, const std::uint64_t* key, const fs::path& project_root) {
    // The file mapped, not copied: no buffer to allocate, clear and fill (45 MB for France's communes in
    // Lambert-93, read while the workers wait for them). A cache file is only ever replaced by rename,
    // never truncated in place, so the mapping stays whole while it is read.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size < static_cast<off_t>(sizeof(Header))) {
        ::close(fd);
        return std::nullopt;
    }
    const std::size_t size = static_cast<std::size_t>(st.st_size);
    void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    ::close(fd);
    if (mapped == MAP_FAILED) return std::nullopt;
    struct Unmap {
        void* at;
        std::size_t size;
        ~Unmap() { ::munmap(at, size); }
    } unmap{mapped, size};
    const char* bytes = static_cast<const char*>(mapped);
    Header h{};
    std::memcpy(&h, bytes, sizeof h);
    if (!header_matches(h, key, size)) return std::nullopt;
    const char* payload = bytes + sizeof h;
    if (XXH3_64bits(payload, h.payload_size) != h.payload_hash) return std::nullopt;

    PayloadReader r(payload, h.payload_size);
    PreparedLayer out;
    Layer& layer = out.layer;
    std::uint32_t fields = 0, warnings = 0;
    if (!r.text(layer.name) || !read_path(r, project_root, layer.source) || !r.text(layer.crs) || !r.pod(fields)) return std::nullopt;
    for (std::uint32_t i = 0; i < fields; ++i) {
        std::string field;
        if (!r.text(field)) return std::nullopt;
        layer.schema->add(field);
    }
    if (!r.pod(warnings)) return std::nullopt;
    for (std::uint32_t i = 0; i < warnings; ++i) {
        Diagnostic d;
        std::uint8_t severity = 0;
        if (!r.pod(severity) || !read_location(r, d.where, project_root) || !r.text(d.message) || !r.text(d.hint))
            return std::nullopt;
        d.severity = severity == 0 ? Severity::Error : Severity::Warning;
        out.warnings.push_back(std::move(d));
    }
    std::uint64_t count = 0;
    if (!r.pod(count) || count > h.payload_size) return std::nullopt;
    std::vector<std::uint64_t> chunk_sizes((count + kFeaturesPerChunk - 1) / kFeaturesPerChunk);
    std::uint64_t features_size = 0;
    for (std::uint64_t& n : chunk_sizes) {
        if (!r.pod(n) || n > h.payload_size) return std::nullopt;
        features_size += n;
    }
    const char* features_at = r.here();
    if (!r.skip(features_size)) return std::nullopt;
    layer.features.resize(count);
    if (!read_features(features_at, chunk_sizes, layer.features, h.payload_size)) return std::nullopt;
    std::uint8_t has_subset = 0;
    if (!r.pod(has_subset) || has_subset > 1) return std::nullopt;
    if (has_subset) {
        auto subset = std::make_shared<LayerSubset>();
        std::uint64_t whole = 0;
        std::uint32_t field_count = 0;
        if (!r.pod(whole) || !r.array(subset->index) || !r.pod(field_count) || field_count != layer.schema->size() ||
            subset->index.size() != layer.features.size())
            return std::nullopt;
        subset->whole_size = static_cast<std::size_t>(whole);
        for (std::size_t i = 0; i < subset->index.size(); ++i)  // ascending, inside the whole layer
            if (subset->index[i] >= whole || (i > 0 && subset->index[i] <= subset->index[i - 1])) return std::nullopt;
        subset->fields.resize(field_count);
        for (FieldStats& st : subset->fields)
            if (!r.pod(st.set) || !r.pod(st.kinds)) return std::nullopt;
        layer.subset = std::move(subset);
    }
    if (!r.array(out.source_digests) || (!out.source_digests.empty() && out.source_digests.size() != layer.features.size()))
        return std::nullopt;
    if (!r.done()) return std::nullopt;
    return out;
}

}  // namespace

std::optional<PreparedLayer> read_prepared(const fs::path& path, std::uint64_t key, const fs::path& project_root) {
    return read_prepared_file(path, &key, project_root);
}

std::optional<PreparedLayer> read_any_prepared(const fs::path& path, const fs::path& project_root) {
    return read_prepared_file(path, nullptr, project_root);
}

namespace {

/// The first line of a memo of valid polygons: its format and the GEOS that checked them.
std::string valid_polygons_header() { return fmt::format("cartelier valid polygons 2 geos {}\n", geo::geos_version()); }

}  // namespace

std::vector<geo::ValidPolygons::Digest> read_valid_polygons(const fs::path& dir, const std::string& layer) {
    using Digest = geo::ValidPolygons::Digest;
    if (dir.empty()) return {};
    std::string bytes;
    try {
        bytes = read_file(prepared_path(dir, layer, "valid-polygons").string());
    } catch (const Error&) {
        return {};  // none yet
    }
    const std::string header = valid_polygons_header();
    // The header, the digests (16 bytes each), then the XXH3-64 of all before it.
    constexpr std::size_t digest_size = 2 * sizeof(std::uint64_t);
    if (bytes.size() < header.size() + sizeof(std::uint64_t) || bytes.compare(0, header.size(), header) != 0) return {};
    const std::size_t body = bytes.size() - sizeof(std::uint64_t);
    if ((body - header.size()) % digest_size != 0) return {};
    std::uint64_t stored = 0;
    std::memcpy(&stored, bytes.data() + body, sizeof stored);
    if (stored != XXH3_64bits(bytes.data(), body)) return {};
    std::vector<Digest> out((body - header.size()) / digest_size);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const char* at = bytes.data() + header.size() + i * digest_size;
        std::memcpy(&out[i].first, at, sizeof out[i].first);
        std::memcpy(&out[i].second, at + sizeof out[i].first, sizeof out[i].second);
    }
    return out;
}

bool write_valid_polygons(const fs::path& dir, const std::string& layer, const std::vector<geo::ValidPolygons::Digest>& digests) {
    if (dir.empty()) return false;
    std::string bytes = valid_polygons_header();
    bytes.reserve(bytes.size() + digests.size() * 16 + 8);
    for (const auto& [high, low] : digests) {
        bytes.append(reinterpret_cast<const char*>(&high), sizeof high);
        bytes.append(reinterpret_cast<const char*>(&low), sizeof low);
    }
    const std::uint64_t check = XXH3_64bits(bytes.data(), bytes.size());
    bytes.append(reinterpret_cast<const char*>(&check), sizeof check);
    try {
        std::error_code ec;
        fs::create_directories(dir, ec);
        write_atomically(prepared_path(dir, layer, "valid-polygons"), bytes, Durability::Unsynced);  // checked on read
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace cartelier::pipeline
