#include "data/geojson_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <fmt/format.h>
#include <simdjson.h>

namespace cartelier::data {

namespace {

namespace od = simdjson::ondemand;

/// Thrown inside the reader when the file is not one it reads exactly as GDAL does: why.
struct Decline {
    std::string why;
};

[[noreturn]] void decline(std::string why) { throw Decline{std::move(why)}; }

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/// Whether GDAL's GeoJSON driver might take this text for a date, a time or a date-time (it then
/// types the field as such, and gives "2020/01/02" for "2020-01-02"): a superset of what OGRParseDate
/// accepts — after spaces and a sign, a digit, and somewhere a '-', '/' or ':'.
bool might_be_a_date(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && s[i] == ' ') ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    return s.find_first_of("-/:", i) != std::string_view::npos;
}

/// The file, read a block at a time, cut into JSON values without parsing them: enough to walk the
/// root object and to hand each feature whole to simdjson. Memory: one block and the largest feature.
class Input {
public:
    /// The file at `path`, or, when `text` is given, those bytes.
    Input(const std::string& path, const std::string_view* text)
        : file_(text ? (text->empty() ? nullptr : fmemopen(const_cast<char*>(text->data()), text->size(), "rb"))
                     : std::fopen(path.c_str(), "rb")),
          block_(text ? 61 : std::size_t{1} << 20) {  // text (the fuzz target): values cut across blocks everywhere
        if (!file_) decline("the file cannot be opened, or is empty");
    }
    ~Input() {
        if (file_) std::fclose(file_);
    }
    Input(const Input&) = delete;
    Input& operator=(const Input&) = delete;

    /// The next byte after whitespace (not taken); 0 at the end of the file.
    char peek() {
        for (;;) {
            while (pos_ < buf_.size()) {
                const char c = buf_[pos_];
                if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return c;
                ++pos_;
            }
            if (!more(pos_)) return 0;
        }
    }

    /// Takes `c`, the next byte after whitespace.
    void take(char c, std::string_view where) {
        if (peek() != c) decline(fmt::format("expected '{}' {}", c, where));
        ++pos_;
    }

    /// After a member of an object or an element of an array: takes the ',' before another (true), or
    /// `close` (false).
    bool another(char close, std::string_view where) {
        if (peek() == ',') {
            ++pos_;
            return true;
        }
        take(close, where);
        return false;
    }

    /// Takes the next value (after whitespace) whole — an object, an array, a string or a scalar — and
    /// returns its bytes, valid until the next call.
    std::string_view value() {
        const char first = peek();
        if (!first) decline("the file ends where a value was expected");
        std::size_t start = pos_;
        std::size_t i = pos_;
        auto need = [&](std::size_t at) {  // makes buf_[at] readable, or declines
            while (at >= buf_.size()) {
                const std::size_t kept_from = start;
                if (!more(kept_from)) decline("the file ends inside a value");
                i -= kept_from;
                at -= kept_from;
                start = 0;
            }
            return at;
        };
        if (first == '{' || first == '[') {
            int depth = 0;
            bool in_string = false;
            for (;; ++i) {
                i = skip_nested(i, depth, in_string);
                i = need(i);
                const char c = buf_[i];
                if (in_string) {
                    if (c == '\\') ++i;  // the escaped byte is skipped whatever it is
                    else if (c == '"') in_string = false;
                    continue;
                }
                if (c == '"') in_string = true;
                else if (c == '{' || c == '[') ++depth;
                else if ((c == '}' || c == ']') && --depth == 0) break;
            }
            ++i;
        } else if (first == '"') {
            for (++i;; ++i) {
                i = need(i);
                if (buf_[i] == '\\') ++i;
                else if (buf_[i] == '"') break;
            }
            ++i;
        } else {
            for (;; ++i) {
                if (i >= buf_.size()) {
                    const std::size_t kept_from = start;
                    if (!more(kept_from)) break;  // a scalar may end the file (it is then invalid anyway)
                    i -= kept_from;
                    start = 0;
                    if (i >= buf_.size()) break;
                }
                const char c = buf_[i];
                if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t') break;
            }
        }
        pos_ = i;
        return std::string_view(buf_).substr(start, i - start);
    }

private:
    /// From byte `i` of an object or array being taken, outside its strings at nesting `depth`: the
    /// first byte at or after `i` that the byte-by-byte scan must look at — sixteen bytes are passed at
    /// once (SSE2) while they hold no quote and too few closing brackets to end the value, with `depth`
    /// counted over them. A feature's coordinates, most of a file, are passed that way.
    std::size_t skip_nested(std::size_t i, int& depth, bool in_string) const {
#ifdef __SSE2__
        if (in_string) return i;
        const __m128i quote = _mm_set1_epi8('"'), open_brace = _mm_set1_epi8('{'), open_bracket = _mm_set1_epi8('['),
                      close_brace = _mm_set1_epi8('}'), close_bracket = _mm_set1_epi8(']');
        while (depth > 0 && i + 16 <= buf_.size()) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(buf_.data() + i));
            if (_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote))) break;
            const int opens = __builtin_popcount(static_cast<unsigned>(
                _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, open_brace), _mm_cmpeq_epi8(v, open_bracket)))));
            const int closes = __builtin_popcount(static_cast<unsigned>(
                _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, close_brace), _mm_cmpeq_epi8(v, close_bracket)))));
            if (closes >= depth) break;  // the value may end among them
            depth += opens - closes;
            i += 16;
        }
#else
        (void)depth;
        (void)in_string;
#endif
        return i;
    }

    /// Reads another block and drops the bytes before `keep_from` (positions shift by it); false, with
    /// nothing changed, at the end of the file.
    bool more(std::size_t keep_from) {
        if (eof_) return false;
        const std::size_t old = buf_.size();
        buf_.resize(old + block_);
        const std::size_t got = std::fread(buf_.data() + old, 1, block_, file_);
        buf_.resize(old + got);
        if (got < block_) {
            if (std::ferror(file_)) decline("the file cannot be read");
            eof_ = true;
        }
        if (got == 0) return false;
        buf_.erase(0, keep_from);
        pos_ -= std::min(pos_, keep_from);
        return true;
    }

    std::FILE* file_;
    std::size_t block_;  ///< bytes read at a time
    std::string buf_;
    std::size_t pos_ = 0;
    bool eof_ = false;
};

/// A transparent hash, to look fields up by std::string_view.
struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

/// What the values of a field have been so far (GDAL types a field from all of them).
enum Kind : unsigned { Text = 1, Integer = 2, Real = 4, Boolean = 8 };

class Reader {
public:
    /// `fields`: the file's fields, in order, when a first pass learnt them (see grew_late).
    Reader(const LayerSpec& spec, const std::string_view* text, const FeatureSink& sink, Layer& layer,
           const std::vector<std::string>& fields)
        : spec_(spec), text_(text), sink_(sink), layer_(layer), id_folded_(ascii_lower(spec.id_field)) {
        for (const auto& name : fields) field_index(name);
    }

    void run() {
        layer_.crs = spec_.crs.empty() ? "EPSG:4326" : spec_.crs;  // GDAL: a GeoJSON without "crs" is in WGS 84
        Input in(spec_.path, text_);
        in.take('{', "at the start of the file (a GeoJSON FeatureCollection)");
        bool type_seen = false, features_seen = false;
        bool first = true;
        for (;;) {
            if (first && in.peek() == '}') {
                in.take('}', "");
                break;
            }
            first = false;
            const std::string_view quoted = in.value();
            if (quoted.size() < 2 || quoted.front() != '"' || quoted.find('\\') != std::string_view::npos)
                decline("a member of the root object with a key that is not a plain string");
            const std::string key(quoted.substr(1, quoted.size() - 2));
            in.take(':', fmt::format("after the key \"{}\" of the root object", key));
            if (key == "features") {
                if (features_seen) decline("two \"features\" members");
                features_seen = true;
                read_features(in);
            } else if (key == "type") {
                if (type_seen) decline("two \"type\" members");
                type_seen = true;
                if (in.value() != "\"FeatureCollection\"") decline("a root object that is not a FeatureCollection");
            } else if (key == "crs") {
                decline("a \"crs\" member (GDAL reads the CRS it names)");
            } else {
                in.value();  // "name", "bbox" and the like: GDAL draws nothing from them either
            }
            if (!in.another('}', "after a member of the root object")) break;
        }
        if (in.peek() != 0) decline("bytes after the root object");
        if (!type_seen || !features_seen) decline("no \"type\": \"FeatureCollection\" with its \"features\"");
        if (count_ == 0) decline("no feature");
        if (!spec_.id_field.empty() && !id_index_) decline(fmt::format("no field '{}'", spec_.id_field));
        const auto& fields = layer_.schema->fields();
        for (std::size_t i = 0; i + 1 < fields.size(); ++i)
            if (!side_by_side_[i])
                decline(fmt::format("no feature with \"{}\" right after \"{}\": GDAL would choose their order",
                                    fields[i + 1], fields[i]));
        flush(true);
    }

    bool handed_over() const { return handed_over_; }
    /// Whether a field first appeared after features were handed over: those lack it, where GDAL gives
    /// every feature every field. The features read after it were dropped: read the file again, knowing
    /// its fields.
    bool grew_late() const { return grew_late_; }

private:
    void read_features(Input& in) {
        in.take('[', "for the \"features\" of the collection");
        if (in.peek() == ']') {
            in.take(']', "");
            return;
        }
        for (;;) {
            const std::string_view bytes = in.value();
            if (bytes.front() != '{') decline(fmt::format("feature {}: not an object", count_));
            read_feature(bytes);
            if (!in.another(']', "after a feature")) return;
        }
    }

    /// `bytes` copied where simdjson may read past their end (SIMDJSON_PADDING).
    simdjson::padded_string_view padded(std::string_view bytes, std::unique_ptr<char[]>& buffer, std::size_t& capacity) {
        const std::size_t wanted = bytes.size() + simdjson::SIMDJSON_PADDING;
        if (capacity < wanted) {
            capacity = std::max(wanted, capacity * 2);
            buffer = std::make_unique<char[]>(capacity);
        }
        std::memcpy(buffer.get(), bytes.data(), bytes.size());
        std::memset(buffer.get() + bytes.size(), 0, simdjson::SIMDJSON_PADDING);
        return simdjson::padded_string_view(buffer.get(), bytes.size(), capacity);
    }

    void read_feature(std::string_view bytes) {
        Feature f;
        const std::size_t number = count_++;
        try {
            od::document doc = parser_.iterate(padded(bytes, feature_bytes_, feature_capacity_));
            od::object object = doc.get_object();
            bool type = false, properties = false, geometry = false;
            for (auto member : object) {
                const std::string_view key = member.unescaped_key();
                if (key == "type") {
                    if (type) decline("two \"type\" members");
                    type = true;
                    if (std::string_view(member.value().get_string()) != "Feature") decline("a \"type\" other than \"Feature\"");
                } else if (key == "properties") {
                    if (properties) decline("two \"properties\" members");
                    properties = true;
                    od::value value = member.value();
                    const bool null = value.is_null();
                    if (!null) read_properties(value.get_object(), f);
                } else if (key == "geometry") {
                    if (geometry) decline("two \"geometry\" members");
                    geometry = true;
                    od::value value = member.value();
                    const bool null = value.is_null();
                    if (!null) {
                        // Read into a geometry kept from feature to feature, then copied at its size: the
                        // layer holds no vector capacity beyond its vertices (a third more for the
                        // communes when each ring grew by push_back).
                        scratch_.type = GeometryType::None;
                        scratch_.points.clear();
                        scratch_.rings.clear();
                        scratch_.parts.clear();
                        read_geometry(value.get_object(), scratch_);
                        f.geometry.type = scratch_.type;
                        f.geometry.points.assign(scratch_.points.begin(), scratch_.points.end());
                        f.geometry.rings.assign(scratch_.rings.begin(), scratch_.rings.end());
                        f.geometry.parts.assign(scratch_.parts.begin(), scratch_.parts.end());
                    }
                } else if (key == "id") {
                    decline("an \"id\" member (GDAL makes it the feature's number, or a field)");
                } else if (key != "bbox") {
                    decline(fmt::format("a member \"{}\"", key));
                }
            }
            if (!type) decline("no \"type\": \"Feature\"");
        } catch (const Decline& d) {
            decline(fmt::format("feature {} (its number in the file, from 0): {}", number, d.why));
        } catch (const simdjson::simdjson_error& e) {
            decline(fmt::format("feature {} (its number in the file, from 0): {}", number, e.what()));
        }
        if (spec_.id_field.empty()) f.id = fmt::format("{}", number);  // GDAL's FID: the feature's rank
        if (grew_late_) return;  // read for the fields and the declines only (grew_late)
        layer_.features.push_back(std::move(f));
        if (sink_ && layer_.features.size() == chunk_size) flush(false);
    }

    void read_properties(od::object object, Feature& f) {
        ++feature_stamp_;
        std::optional<std::size_t> previous;
        for (auto member : object) {
            const std::string_view key = member.unescaped_key();
            const std::size_t index = field_index(key);
            if (seen_in_[index] == feature_stamp_) decline(fmt::format("the property \"{}\" twice", key));
            seen_in_[index] = feature_stamp_;
            // GDAL orders the fields by the order of the properties in each feature (a topological
            // sort, its own choice where the features leave it open); this reader only takes files in
            // which that order is the order fields first appear, and is the only one (see run()).
            if (previous && index < *previous)
                decline(fmt::format("the property \"{}\" before \"{}\", in another order than in earlier features",
                                    key, layer_.schema->fields()[*previous]));
            if (previous && index == *previous + 1) side_by_side_[*previous] = true;
            previous = index;
            if (f.values.size() <= index) f.values.resize(index + 1);
            Value& value = f.values[index];
            unsigned& kinds = kinds_[index];
            const bool is_id = id_index_ && *id_index_ == index;
            od::value v = member.value();
            const od::json_type json_type = v.type();
            switch (json_type) {
                case od::json_type::string: {
                    const std::string_view text = v.get_string();
                    if (might_be_a_date(text)) decline(fmt::format("the property \"{}\": \"{}\" (GDAL may read a date)", key, text));
                    if (text.find('\0') != std::string_view::npos) decline(fmt::format("the property \"{}\": text holding a NUL", key));
                    kinds |= Text;
                    value = std::string(text);
                    if (is_id) f.id = text;
                    break;
                }
                case od::json_type::number: {
                    const od::number_type type = v.get_number_type();
                    if (type == od::number_type::floating_point_number) {
                        kinds |= Real;
                        value = double(v.get_double());
                    } else if (type == od::number_type::signed_integer) {
                        const std::int64_t n = v.get_int64();
                        constexpr std::int64_t exact = std::int64_t{1} << 53;
                        if (n > exact || n < -exact) decline(fmt::format("the property \"{}\": an integer beyond 2^53", key));
                        kinds |= Integer;
                        value = static_cast<double>(n);
                        if (is_id) f.id = fmt::format("{}", n);
                    } else {
                        decline(fmt::format("the property \"{}\": an integer beyond 64 bits", key));
                    }
                    break;
                }
                case od::json_type::boolean: {
                    kinds |= Boolean;  // GDAL: an integer field of subtype boolean, read as 1 or 0
                    const bool b = v.get_bool();
                    value = b ? 1.0 : 0.0;
                    break;
                }
                case od::json_type::null:
                    value = std::monostate{};
                    break;
                default:
                    decline(fmt::format("the property \"{}\": an object or an array", key));
            }
            if ((kinds & Text) && (kinds & (Integer | Real | Boolean)))
                decline(fmt::format("the field \"{}\" holds text and numbers (GDAL turns the numbers into text)", key));
            if (is_id && (kinds & (Real | Boolean)))
                decline(fmt::format("the id field \"{}\" holds a decimal number or a boolean", key));
        }
    }

    std::size_t field_index(std::string_view key) {
        if (auto it = index_.find(key); it != index_.end()) return it->second;
        if (key.empty()) decline("a property with an empty name");
        std::string folded = ascii_lower(key);
        // GDAL finds fields by name regardless of case: "Nom" and "nom" would be one field.
        if (!folded_.insert(folded).second) decline(fmt::format("two properties \"{}\" differing only in case", key));
        if (handed_over_) grew_late_ = true;
        const std::size_t index = layer_.schema->add(std::string(key));
        index_.emplace(std::string(key), index);
        kinds_.push_back(0);
        seen_in_.push_back(0);
        side_by_side_.push_back(false);
        if (!spec_.id_field.empty() && folded == id_folded_) id_index_ = index;
        return index;
    }

    void read_geometry(od::object object, Geometry& g) {
        std::string_view type;
        bool have_type = false, have_coordinates = false;
        std::optional<std::string_view> coordinates_first;  // the coordinates, met before the type
        for (auto member : object) {
            const std::string_view key = member.unescaped_key();
            if (key == "type") {
                if (have_type) decline("two geometry \"type\" members");
                have_type = true;
                type = member.value().get_string();
            } else if (key == "coordinates") {
                if (have_coordinates) decline("two \"coordinates\" members");
                have_coordinates = true;
                if (have_type) read_coordinates(type, member.value().get_array(), g);
                else {
                    od::array array = member.value().get_array();
                    coordinates_first = std::string_view(array.raw_json());
                }
            } else if (key != "bbox") {
                decline(fmt::format("a geometry member \"{}\"", key));
            }
        }
        if (!have_type || !have_coordinates) decline("a geometry without its \"type\" and \"coordinates\"");
        if (coordinates_first) {
            od::document doc = coordinates_parser_.iterate(padded(*coordinates_first, coordinate_bytes_, coordinate_capacity_));
            read_coordinates(type, doc.get_array(), g);
        }
    }

    static void position(od::array array, Geometry& g) {
        double xy[2] = {0, 0};
        int n = 0;
        for (auto number : array) {
            const double v = number.get_double();
            if (n < 2) xy[n] = v;
            ++n;
        }
        if (n < 2 || n > 3) decline(fmt::format("a position of {} numbers", n));
        g.points.push_back({xy[0], xy[1]});
    }
    static void line(od::array array, Geometry& g) {
        const std::size_t before = g.points.size();
        for (auto p : array) position(p.get_array(), g);
        if (g.points.size() == before) decline("an empty line or ring");
        g.end_ring();
    }
    static void polygon(od::array array, Geometry& g) {
        g.begin_part();
        bool any = false;
        for (auto ring : array) {
            line(ring.get_array(), g);
            any = true;
        }
        if (!any) decline("an empty polygon");
    }
    template <typename Each>
    static void parts(od::array array, Each each) {
        bool any = false;
        for (auto part : array) {
            each(part.get_array());
            any = true;
        }
        if (!any) decline("an empty multi-geometry");
    }

    /// The geometry of `type` from its coordinates, as data/gdal/ogr_reader.cpp builds GDAL's.
    static void read_coordinates(std::string_view type, od::array coordinates, Geometry& g) {
        if (type == "Point") {
            g.type = GeometryType::Point;
            g.begin_part();
            position(coordinates, g);
            g.end_ring();
        } else if (type == "MultiPoint") {
            g.type = GeometryType::Point;
            parts(coordinates, [&](od::array p) {
                g.begin_part();
                position(p, g);
                g.end_ring();
            });
        } else if (type == "LineString") {
            g.type = GeometryType::LineString;
            g.begin_part();
            line(coordinates, g);
        } else if (type == "MultiLineString") {
            g.type = GeometryType::LineString;
            parts(coordinates, [&](od::array l) {
                g.begin_part();
                line(l, g);
            });
        } else if (type == "Polygon") {
            g.type = GeometryType::Polygon;
            polygon(coordinates, g);
        } else if (type == "MultiPolygon") {
            g.type = GeometryType::Polygon;
            parts(coordinates, [&](od::array p) { polygon(p, g); });
        } else {
            decline(fmt::format("a geometry of type \"{}\"", type));
        }
    }

    /// Hands the features read so far to the sink (at the end: also when it holds fewer than a chunk);
    /// without a sink, at the end, gives every feature a value for every field.
    void flush(bool end) {
        const std::size_t fields = layer_.schema->size();
        if (grew_late_) return;
        if (!sink_) {
            if (end)
                for (auto& f : layer_.features) f.values.resize(fields);
            return;
        }
        if (layer_.features.empty()) return;
        for (auto& f : layer_.features) f.values.resize(fields);  // later fields: missing (FeatureSink)
        std::vector<Feature> chunk;
        chunk.reserve(end ? 0 : chunk_size);
        chunk.swap(layer_.features);
        handed_over_ = true;
        sink_.take(layer_, std::move(chunk));
    }

    static constexpr std::size_t chunk_size = 1024;  // as data/gdal/ogr_reader.cpp
    const LayerSpec& spec_;
    const std::string_view* text_;
    const FeatureSink& sink_;
    Layer& layer_;
    std::string id_folded_;
    std::optional<std::size_t> id_index_;
    std::unordered_map<std::string, std::size_t, NameHash, std::equal_to<>> index_;
    std::unordered_set<std::string> folded_;
    std::vector<unsigned> kinds_;
    std::vector<std::uint64_t> seen_in_;
    std::vector<bool> side_by_side_;  ///< [i]: some feature has field i + 1 right after field i
    std::uint64_t feature_stamp_ = 0;
    std::size_t count_ = 0;
    bool handed_over_ = false;
    bool grew_late_ = false;
    Geometry scratch_;  ///< the geometry being read (see read_feature)
    od::parser parser_;
    od::parser coordinates_parser_;
    std::unique_ptr<char[]> feature_bytes_, coordinate_bytes_;
    std::size_t feature_capacity_ = 0, coordinate_capacity_ = 0;
};

}  // namespace

bool geojson_candidate(const LayerSpec& spec) {
    if (spec.database || !spec.ogr_layer.empty() || !spec.x_field.empty() || !spec.y_field.empty()) return false;
    std::string extension = ascii_lower(std::filesystem::path(spec.path).extension().string());
    if (extension != ".geojson" && extension != ".json") return false;
    std::error_code ec;
    return std::filesystem::is_regular_file(spec.path, ec);
}

namespace {

GeojsonRead attempt(const LayerSpec& spec, const std::string_view* text, const FeatureSink& sink, Layer& layer) {
    GeojsonRead result;
    std::vector<std::string> fields;
    for (int pass = 0; pass < 2; ++pass) {
        std::optional<Reader> reader;
        try {
            reader.emplace(spec, text, sink, layer, fields);
            reader->run();
            if (!reader->grew_late()) {
                result.read = true;
                return result;
            }
            fields = layer.schema->fields();  // the second pass knows them all: it cannot grow late
        } catch (const Decline& d) {
            result.declined = d.why;
        } catch (const simdjson::simdjson_error& e) {
            result.declined = e.what();
        }
        if (reader && reader->handed_over()) sink.restart();
        layer.features.clear();
        layer.schema = std::make_shared<Schema>();
        layer.crs.clear();
        if (!result.declined.empty()) break;
    }
    return result;
}

}  // namespace

GeojsonRead try_read_geojson(const LayerSpec& spec, const FeatureSink& sink, Layer& layer) {
    return attempt(spec, nullptr, sink, layer);
}

GeojsonRead try_read_geojson_text(std::string_view text, const LayerSpec& spec, const FeatureSink& sink, Layer& layer) {
    return attempt(spec, &text, sink, layer);
}

}  // namespace cartelier::data
