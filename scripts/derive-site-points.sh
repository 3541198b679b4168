#!/usr/bin/env bash
# derive-site-points.sh — re-derive the lon/lat of layers/sites.csv from the communes layer.
#
# For every INSEE code in layers/sites.csv, the point is GEOS point-on-surface
# (SpatiaLite ST_PointOnSurface → GEOSPointOnSurface) of that commune's polygon in the communes
# layer (IGN Admin Express COG 2018, WGS84), rounded to 5 decimals (C printf "%.5f" of the double,
# read with 17 significant digits).
#
# Usage: scripts/derive-site-points.sh [--check] [--sites CSV] [--communes FILE] [--departements FILE]
#   (no option)  print id,insee,nom,lon,lat for every site
#   --check      also fail (exit 1) if a lon/lat in sites.csv differs from the derived point by
#                more than 1e-5°, or if a site's point is not within one of its listed
#                départements (ST_Within against the départements layer)
# Defaults: layers/sites.csv, layers/cache/communes.geojson, layers/cache/departements.geojson
# (fill the cache with scripts/fetch-layers.sh). Needs gdal-bin built with SpatiaLite (Debian's is).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sites=$root/layers/sites.csv
communes=$root/layers/cache/communes.geojson
departements=$root/layers/cache/departements.geojson
check=0
tolerance=1e-5

die() { echo "derive-site-points: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=1 ;;
    --sites) sites=$2; shift ;;
    --communes) communes=$2; shift ;;
    --departements) departements=$2; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option: $1" ;;
  esac
  shift
done

command -v ogr2ogr >/dev/null || die "ogr2ogr not found (apt-get install gdal-bin)"
[ -f "$sites" ] || die "no sites file: $sites"
[ -f "$communes" ] || die "no communes layer: $communes (run scripts/fetch-layers.sh)"
sites=$(cd "$(dirname "$sites")" && pwd)/$(basename "$sites")
sites_layer=$(basename "$sites" .csv)

# SpatiaLite must be present in GDAL's SQLite dialect for ST_PointOnSurface.
ogrinfo -q -ro "$sites" -dialect SQLite -sql "SELECT spatialite_version()" 2>/dev/null \
  | grep -q 'spatialite_version() (String) = ' \
  || die "this GDAL's SQLite dialect has no SpatiaLite (ST_PointOnSurface unavailable)"

# sql_csv DATASOURCE SQL: run a SQLite-dialect query, print CSV rows (header first, geometry as
# WKT with 17 significant digits in the first column). No value printed here contains a comma.
sql_csv() {
  ogr2ogr --config OGR_WKT_PRECISION 17 -f CSV /vsistdout/ "$1" -dialect SQLite -sql "$2" \
    -lco STRING_QUOTING=IF_NEEDED -lco GEOMETRY=AS_WKT
}

# The sites' codes (the CSV driver reads every column as text, so leading zeros stay).
codes=$(sql_csv "$sites" "SELECT DISTINCT insee FROM \"$sites_layer\"" | tail -n +2 | tr -d '"\r')
[ -n "$codes" ] || die "no insee codes in $sites"
in_list=""
for c in $codes; do
  [[ $c =~ ^[0-9][0-9AB][0-9]{3}$ ]] || die "bad INSEE code in $sites: '$c'"
  in_list+="${in_list:+,}'$c'"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. Keep only the sites' communes (native OGR attribute filter: ~2 s on the 55 MB layer, where a
#    SQLite-dialect scan of the whole layer takes ~40 s).
ogr2ogr -f GeoJSON "$tmp/communes.geojson" "$communes" -where "code IN ($in_list)" -nln communes

# 2. GEOS point on surface of each commune, joined to the sites (one row per site, file order).
sql_csv "$tmp/communes.geojson" "
  SELECT s.id AS id, c.code AS insee, c.nom AS nom,
         ST_PointOnSurface(c.geometry) AS geometry,
         CASE WHEN abs(CAST(s.lon AS REAL) - ST_X(ST_PointOnSurface(c.geometry))) <= $tolerance
               AND abs(CAST(s.lat AS REAL) - ST_Y(ST_PointOnSurface(c.geometry))) <= $tolerance
              THEN 'ok' ELSE 'DIFF' END AS status,
         s.lon AS csv_lon, s.lat AS csv_lat
  FROM '$sites'.\"$sites_layer\" s LEFT JOIN communes c ON c.code = s.insee
  ORDER BY s.rowid" > "$tmp/points.csv"

failures=0
echo "id,insee,nom,lon,lat"
while IFS=, read -r wkt id insee nom status csv_lon csv_lat; do
  if [ -z "$wkt" ]; then
    echo "$id: INSEE code $insee not found in $communes" >&2
    failures=$((failures + 1)); continue
  fi
  xy=${wkt#*(}; xy=${xy%)*}
  lon=$(LC_ALL=C printf '%.5f' "${xy% *}")
  lat=$(LC_ALL=C printf '%.5f' "${xy#* }")
  echo "$id,$insee,$nom,$lon,$lat"
  if [ "$check" = 1 ] && [ "$status" != ok ]; then
    echo "$id: sites.csv has $csv_lon,$csv_lat; derived $lon,$lat (tolerance $tolerance°)" >&2
    failures=$((failures + 1))
  fi
done < <(tail -n +2 "$tmp/points.csv" | tr -d '"\r')

if [ "$check" = 1 ]; then
  [ -f "$departements" ] || die "no départements layer: $departements (run scripts/fetch-layers.sh)"
  dep_layer=$(ogrinfo -q -ro "$departements" | sed -n 's/^1: \([^ ]*\).*/\1/p')
  # 3. Each site's point must lie within one of the départements it lists ("52;21").
  echo "id,departements,within,status"
  sql_csv "$departements" "
    SELECT s.id AS id, s.departements AS named, group_concat(d.code, ';') AS within,
           CASE WHEN count(d.code) > 0
                 AND min(instr(';' || s.departements || ';', ';' || d.code || ';')) > 0
                THEN 'ok' ELSE 'OUTSIDE' END AS status
    FROM '$sites'.\"$sites_layer\" s
    LEFT JOIN \"$dep_layer\" d
      ON ST_Within(MakePoint(CAST(s.lon AS REAL), CAST(s.lat AS REAL), 4326), d.geometry)
    GROUP BY s.rowid, s.id, s.departements ORDER BY s.rowid" > "$tmp/within.csv"
  while IFS=, read -r id named within status; do
    echo "$id,$named,${within:-none},$status"
    if [ "$status" != ok ]; then
      echo "$id: point not within département(s) $named (within: ${within:-none})" >&2
      failures=$((failures + 1))
    fi
  done < <(tail -n +2 "$tmp/within.csv" | tr -d '"\r')
  if [ "$failures" -gt 0 ]; then
    echo "derive-site-points: $failures check(s) failed" >&2
    exit 1
  fi
  echo "derive-site-points: all points match sites.csv within $tolerance° and lie in their départements" >&2
fi
