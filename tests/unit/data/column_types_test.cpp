#include <fmt/format.h>
#include <gtest/gtest.h>

#include "data/join.hpp"
#include "data/table.hpp"

using namespace cartelier;
using namespace cartelier::data;

namespace {

/// The inferred type of each column of `csv`, by name: "string", "integer" or "real".
std::vector<std::string> inferred(const std::string& csv) {
    Diagnostics d;
    Table t = parse_csv(csv, "t.csv", d);
    EXPECT_FALSE(d.has_errors()) << d.format();
    ColumnTypes types = column_types(t, {}, d);
    EXPECT_FALSE(d.has_errors()) << d.format();
    std::vector<std::string> out;
    for (ColumnType type : types.types) out.emplace_back(column_type_name(type));
    return out;
}

/// A layer "sites" of one field, one feature per value.
Layer one_field_layer(const std::string& field, std::vector<Value> values) {
    Layer l;
    l.name = "sites";
    l.source = "sites.csv";
    l.schema->add(field);
    for (auto& v : values) {
        Feature f;
        f.id = fmt::format("f{}", l.features.size());
        f.values = {std::move(v)};
        l.features.push_back(std::move(f));
    }
    return l;
}

}  // namespace

TEST(ColumnTypes, IntegersRealsAndTextAreInferred) {
    EXPECT_EQ(inferred("year,ratio,name\n2019,0.5,a\n2020,12,b\n"),
              (std::vector<std::string>{"integer", "real", "string"}));
}

TEST(ColumnTypes, CodesWithLeadingZerosStayText) {
    // One code written with its leading zero keeps the whole column text: 77 must still read "77".
    EXPECT_EQ(inferred("dep,insee,x\n77,77182,007.5\n07,07341,1\n"),
              (std::vector<std::string>{"string", "string", "string"}));
    EXPECT_EQ(inferred("dep\n77\n2A\n"), (std::vector<std::string>{"string"}));
    // A lone zero, and zero before the point, are numbers.
    EXPECT_EQ(inferred("n,r\n0,0.25\n10,-0.5\n"), (std::vector<std::string>{"integer", "real"}));
}

TEST(ColumnTypes, EmptyCellsAreIgnoredAndAnEmptyColumnIsText) {
    EXPECT_EQ(inferred("a,b,c\n1,,x\n,,y\n3,,z\n"), (std::vector<std::string>{"integer", "string", "string"}));
}

TEST(ColumnTypes, NegativeNumbersAndExponentsAreNumbers) {
    EXPECT_EQ(inferred("a,b,c\n-5,-2.75,1e3\n12,3,-1.5E-2\n"), (std::vector<std::string>{"integer", "real", "real"}));
}

TEST(ColumnTypes, MixedColumnsAndOddNumbersStayText) {
    // Text among numbers, a plus sign, a decimal comma, NaN, more than 15 digits, a lone sign.
    EXPECT_EQ(inferred("a;b;c;d;e;f\n1;+2;1,5;nan;1234567890123456;-\n2;3;2;1;1;1\n"),
              (std::vector<std::string>{"integer", "string", "string", "string", "string", "string"}));
    EXPECT_EQ(inferred("a\n2019\nn/a\n"), (std::vector<std::string>{"string"}));
}

TEST(ColumnTypes, TypedValuesAreNumbersAndEmptyNumbersNull) {
    EXPECT_EQ(std::get<double>(typed_value("2019", ColumnType::Integer)), 2019);
    EXPECT_EQ(std::get<double>(typed_value("-2.5", ColumnType::Real)), -2.5);
    EXPECT_TRUE(is_null(typed_value("", ColumnType::Integer)));
    EXPECT_EQ(std::get<std::string>(typed_value("", ColumnType::String)), "");
    EXPECT_EQ(std::get<std::string>(typed_value("07", ColumnType::String)), "07");
}

TEST(ColumnTypes, DeclaredTypesWinOverInference) {
    Diagnostics d;
    Table t = parse_csv("code,year,share\n77,2019,1\n22,2020,2\n", "t.csv", d);
    ColumnTypes types = column_types(
        t, {{"code", ColumnType::String, {}}, {"year", ColumnType::Integer, {}}, {"share", ColumnType::Real, {}}}, d);
    ASSERT_FALSE(d.has_errors()) << d.format();
    EXPECT_EQ(types.types, (std::vector<ColumnType>{ColumnType::String, ColumnType::Integer, ColumnType::Real}));
    EXPECT_EQ(types.declared, (std::vector<bool>{true, true, true}));
}

TEST(ColumnTypes, ADeclaredIntegerColumnWithAnotherValueIsAnErrorAtTheCell) {
    Diagnostics d;
    Table t = parse_csv("id,year\na,2019\nb,2019.5\nc,\nd,deux mille\n", "t.csv", d);
    column_types(t, {{"year", ColumnType::Integer, {"cartelier.yaml", 9, 13, "layers.sites.types.year"}}}, d);
    ASSERT_EQ(d.error_count(), 2u) << d.format();
    EXPECT_EQ(d.items()[0].format(),
              "t.csv:3: error: column 'year': expected an integer (the column is declared integer), found '2019.5' "
              "(declare the column 'real' to keep its decimals)");
    EXPECT_EQ(d.items()[1].where.line, 5);
}

TEST(ColumnTypes, ADeclaredColumnThatIsNotInTheHeaderIsAnErrorAtTheDeclaration) {
    Diagnostics d;
    Table t = parse_csv("id,year\na,2019\n", "t.csv", d);
    column_types(t, {{"yaer", ColumnType::Integer, {"cartelier.yaml", 9, 13, "layers.sites.types.yaer"}}}, d);
    ASSERT_EQ(d.error_count(), 1u);
    EXPECT_EQ(d.items()[0].format(),
              "cartelier.yaml:9:13: error: layers.sites.types.yaer: types: no column 'yaer' in t.csv; the header "
              "has: id, year (did you mean 'year'?)");
}

TEST(ColumnTypes, AJoinCopiesTypedValuesAndStillMatchesKeysByTheirText) {
    Diagnostics d;
    // The table's key column is inferred integer (77, 22): the layer's "77" still finds its row.
    Table t = parse_csv("dep,year,label\n77,2019,Seine-et-Marne\n22,2020,Côtes-d'Armor\n", "t.csv", d);
    Layer l = one_field_layer("dep", {Value(std::string("77")), Value(22.0)});  // a number on the layer's side too
    JoinStats stats = join(l, t, {"dep", "dep", {}, true, false, {}}, d);
    ASSERT_FALSE(d.has_errors()) << d.format();
    EXPECT_EQ(stats.matched, 2u);
    EXPECT_EQ(std::get<double>(l.get(l.features[0], "year")), 2019);
    EXPECT_EQ(std::get<std::string>(l.get(l.features[1], "label")), "Côtes-d'Armor");
}

TEST(ColumnTypes, TypeNamesAreGdals) {
    EXPECT_EQ(column_type_named("integer"), ColumnType::Integer);
    EXPECT_EQ(column_type_named("real"), ColumnType::Real);
    EXPECT_EQ(column_type_named("string"), ColumnType::String);
    EXPECT_FALSE(column_type_named("int"));
}

TEST(ColumnTypes, AJoinOnARealColumnMatchesTheSameNumberWrittenOtherwise) {
    Diagnostics d;
    Table t = parse_csv("ratio,label\n5.10,a\n0.25,b\n", "t.csv", d);
    Layer l = one_field_layer("ratio", {typed_value("5.10", ColumnType::Real)});  // reads 5.1 as text
    JoinStats stats = join(l, t, {"ratio", "ratio", {}, true, false, {}}, d);
    ASSERT_FALSE(d.has_errors()) << d.format();
    EXPECT_EQ(stats.matched, 1u);
    EXPECT_EQ(std::get<std::string>(l.get(l.features[0], "label")), "a");
}

TEST(ColumnTypes, ACodeInAColumnDeclaredANumberIsAWarningOncePerColumn) {
    Diagnostics d;
    Table t = parse_csv("insee,n\n07341,1\n01053,2\n77182,0\n", "t.csv", d);
    ColumnTypes types = column_types(t, {{"insee", ColumnType::Integer, {}}, {"n", ColumnType::Integer, {}}}, d);
    EXPECT_FALSE(d.has_errors()) << d.format();
    ASSERT_EQ(d.items().size(), 1u) << d.format();
    EXPECT_EQ(d.items()[0].format(),
              "t.csv:2: warning: column 'insee': '07341' loses its leading zero as a number (the column is declared "
              "integer) (declare the column 'string' to keep codes as they are written)");
    EXPECT_EQ(std::get<double>(typed_value(t.rows[0].cells[0], types.types[0])), 7341);
}
