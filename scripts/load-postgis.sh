#!/usr/bin/env bash
# Loads the seed project's tables into a PostgreSQL/PostGIS database with ogr2ogr, so that the maps can be
# built from the database (layers/postgis/cartelier.yaml):
#   sites     ← layers/sites.csv     (a Point geometry `geom` in EPSG:4326 from lon/lat, which stay columns;
#                                      a serial primary key `ogc_fid` in file order)
#   sessions  ← layers/sessions.csv  (`year` an integer, as Cartelier reads the CSV)
#   --boundaries: also departements, regions (layers/cache/*.geojson, as fetched) and countries
#
#   scripts/load-postgis.sh [--boundaries] [CONNECTION]
#
# CONNECTION: a libpq connection string (default "service=cartelier"); the password comes from
# ~/.pgpass, PGSERVICEFILE or PGPASSWORD, never from the command line. The database must exist; the
# postgis extension is created in it when missing. Tables are replaced (-overwrite). Exits non-zero,
# saying why, when a step fails.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
boundaries=0
connection="service=cartelier"
for arg in "$@"; do
  case "$arg" in
    --boundaries) boundaries=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) echo "load-postgis.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
    *) connection=$arg ;;
  esac
done
command -v ogr2ogr >/dev/null || { echo "load-postgis.sh: ogr2ogr not found (apt-get install gdal-bin)" >&2; exit 1; }
command -v psql >/dev/null || { echo "load-postgis.sh: psql not found (apt-get install postgresql-client)" >&2; exit 1; }

log() { printf 'load-postgis: %s\n' "$*"; }
psql "$connection" -v ON_ERROR_STOP=1 -qc "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
load() {  # SOURCE TABLE [ogr2ogr options…]
  local source=$1 table=$2; shift 2
  ogr2ogr -f PostgreSQL "PG:$connection" "$source" -nln "$table" -overwrite -lco GEOMETRY_NAME=geom \
    -lco SPATIAL_INDEX=GIST "$@"
  log "$table ← ${source#$root/} ($(psql "$connection" -Atqc "SELECT count(*) FROM $table") rows)"
}
load "$root/layers/sites.csv" sites -oo X_POSSIBLE_NAMES=lon -oo Y_POSSIBLE_NAMES=lat -oo KEEP_GEOM_COLUMNS=YES \
  -a_srs EPSG:4326
load "$root/layers/sessions.csv" sessions -dialect SQLite \
  -sql "SELECT key, dispositif, CAST(year AS INTEGER) AS year, label, contractors FROM sessions"
if [ "$boundaries" = 1 ]; then
  for layer in departements regions; do
    [ -f "$root/layers/cache/$layer.geojson" ] || { echo "load-postgis.sh: layers/cache/$layer.geojson is missing (run scripts/fetch-layers.sh)" >&2; exit 1; }
    load "$root/layers/cache/$layer.geojson" "$layer" -nlt PROMOTE_TO_MULTI
  done
  load "$root/layers/cache/countries.gpkg" countries -nlt PROMOTE_TO_MULTI countries
fi
