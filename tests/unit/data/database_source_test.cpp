// The rules every message about a database layer follows (data/database_source.hpp): a password never
// appears in one, whatever way the connection string or the server's message writes it.
#include <gtest/gtest.h>

#include "data/database_source.hpp"

using cartelier::data::contains_password;
using cartelier::data::DatabaseSource;
using cartelier::data::describe;
using cartelier::data::redact_password;

TEST(DatabaseSource, APasswordInAConnectionStringIsFoundWhereverItIsWritten) {
    EXPECT_TRUE(contains_password("host=db password=s3cret dbname=x"));
    EXPECT_TRUE(contains_password("password = 's3 cret'"));
    EXPECT_TRUE(contains_password("PASSWORD=x"));
    EXPECT_TRUE(contains_password("postgresql://carto:s3cret@db/atelier"));
    EXPECT_FALSE(contains_password("service=cartelier"));
    EXPECT_FALSE(contains_password("host=db passfile=/home/c/.pgpass dbname=x"));
    EXPECT_FALSE(contains_password("postgresql://carto@db/atelier"));
}

TEST(DatabaseSource, RedactionRemovesEveryPasswordAndKeepsTheRest) {
    EXPECT_EQ(redact_password("host=db password=s3cret dbname=x"), "host=db password=*** dbname=x");
    EXPECT_EQ(redact_password("host=db password='s3 \\' cret' dbname=x"), "host=db password=*** dbname=x");
    EXPECT_EQ(redact_password("a password=one and password = two"), "a password=*** and password = ***");
    EXPECT_EQ(redact_password("postgres://carto:s3cret@db:5432/atelier"), "postgres://carto:***@db:5432/atelier");
    EXPECT_EQ(redact_password("FATAL: password authentication failed for user \"reader\""),
              "FATAL: password authentication failed for user \"reader\"");
}

TEST(DatabaseSource, MessagesNameTheConnectionWithoutItsPasswordAndTheTableOrQuery) {
    DatabaseSource table;
    table.connection = "host=db user=carto password=s3cret";
    table.table = "public.sites";
    EXPECT_EQ(describe(table), "PostgreSQL host=db user=carto password=***, table public.sites");
    DatabaseSource query;
    query.connection = "service=cartelier";
    query.sql = "SELECT * FROM sites ORDER BY id";
    EXPECT_EQ(describe(query), "PostgreSQL service=cartelier, query");
}
