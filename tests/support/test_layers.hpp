// Small in-memory layers and features for unit tests (PDAL's FauxReader idea): no files needed.
#pragma once

#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/layer.hpp"
#include "style/expression/expression.hpp"

namespace cartelier::test {

/// An axis-aligned square polygon, lower-left corner (x, y), counter-clockwise.
inline Geometry square(double x, double y, double side) {
    Geometry g;
    g.type = GeometryType::Polygon;
    g.begin_part();
    g.points = {{x, y}, {x + side, y}, {x + side, y + side}, {x, y + side}, {x, y}};
    g.end_ring();
    return g;
}

/// `columns` × `rows` squares of side `side` from the origin, row by row: a coverage whose junctions
/// have degree 3 (edges) and 4 (inside).
inline std::vector<Geometry> grid_of_squares(int columns, int rows, double side) {
    std::vector<Geometry> out;
    for (int i = 0; i < columns; ++i)
        for (int j = 0; j < rows; ++j) out.push_back(square(side * i, side * j, side));
    return out;
}

/// A layer of axis-aligned square polygons, each with one text field `field` holding its code.
/// `squares`: (code, lower-left corner), all of side `side`, in `crs`.
inline Layer square_layer(const std::string& name, const std::string& source, const std::string& crs,
                          const std::string& field, double side,
                          std::initializer_list<std::pair<const char*, Point>> squares) {
    Layer l;
    l.name = name;
    l.source = source;
    l.crs = crs;
    l.schema->add(field);
    for (const auto& [code, p] : squares) {
        Feature f;
        f.id = code;
        f.values = {Value(std::string(code))};
        f.geometry.type = GeometryType::Polygon;
        f.geometry.begin_part();
        f.geometry.points = {{p.x, p.y}, {p.x + side, p.y}, {p.x + side, p.y + side}, {p.x, p.y + side}, {p.x, p.y}};
        f.geometry.end_ring();
        l.features.push_back(std::move(f));
    }
    return l;
}

/// A feature seen by the expression language, made of a few properties.
class MapFeature : public style::expr::FeatureView {
public:
    MapFeature(std::initializer_list<std::pair<const std::string, style::expr::Value>> props,
               std::string geometry = "Point")
        : props_(props), geometry_(std::move(geometry)) {}
    std::optional<style::expr::Value> property(const std::string& name) const override {
        auto it = props_.find(name);
        if (it == props_.end()) return std::nullopt;
        return it->second;
    }
    style::expr::Object properties() const override { return style::expr::Object(props_.begin(), props_.end()); }
    style::expr::Value id() const override { return style::expr::Value(); }
    std::string geometry_type() const override { return geometry_; }

private:
    std::map<std::string, style::expr::Value> props_;
    std::string geometry_;
};

/// What pipeline::LayerStore::drawn() holds of `whole` in `window`: the features whose bounds meet it, with
/// where each is in `whole` and what `whole`'s fields hold (LayerSubset).
inline Layer held_in(const Layer& whole, const Box& window) {
    Layer out = whole;
    out.features.clear();
    auto subset = std::make_shared<LayerSubset>();
    subset->whole_size = whole.features.size();
    subset->fields = field_stats(whole);
    for (std::size_t i = 0; i < whole.features.size(); ++i)
        if (whole.features[i].geometry.bounds().intersects(window)) {
            out.features.push_back(whole.features[i]);
            subset->index.push_back(static_cast<std::uint32_t>(i));
        }
    out.subset = std::move(subset);
    return out;
}

}  // namespace cartelier::test
