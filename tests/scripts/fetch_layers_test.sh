#!/usr/bin/env bash
# fetch_layers_test.sh — runs scripts/fetch-layers.sh in temporary copies of the repository layout,
# one per source path that can run offline, and checks the cache it leaves behind.
#
#   tests/scripts/fetch_layers_test.sh
#
# Needs gdal-bin and Debian's qgis-common (world_map.gpkg). The mirror cases need the IGN 2018
# mirror: $CARTELIER_LAYERS_MIRROR, else ../shared/layers next to the repository; without it they
# are reported as skipped. Last line: "N passed, N failed"; exit status 1 if anything failed.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fetch=$repo/scripts/fetch-layers.sh
mirror=${CARTELIER_LAYERS_MIRROR:-$repo/../shared/layers}
world_map=${CARTELIER_WORLD_MAP:-/usr/share/qgis/resources/data/world_map.gpkg}
pin_dep=0c331e85eef244d8014f68a4c256bb732e28776aceec53ddf849624f2eb6c163

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0 skipped=0

ok()   { passed=$((passed + 1)); echo "ok   $*"; }
bad() {   # also shows the end of the current case's log
  failed=$((failed + 1)); echo "FAIL $*"
  if [ -n "${r:-}" ] && [ -f "$r.out" ]; then tail -n 15 "$r.out" | sed 's/^/     | /'; fi
}
skip() { skipped=$((skipped + 1)); echo "skip $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
equals() { local what=$1 got=$2 want=$3; if [ "$got" = "$want" ]; then ok "$what"; else bad "$what (got '$got', want '$want')"; fi; }

# new_repo NAME: a repository layout with only the script; prints its root.
new_repo() { mkdir -p "$work/$1/repo/scripts" && cp "$fetch" "$work/$1/repo/scripts/" && echo "$work/$1/repo"; }
# run ROOT ARGS...: run the script from an unrelated cwd; output in ROOT.out, status in $status.
run() { local root=$1; shift; (cd / && "$root/scripts/fetch-layers.sh" "$@") > "$root.out" 2>&1; status=$?; }
count() { ogrinfo -ro -so -al "$1" 2>/dev/null | sed -n 's/^Feature Count: //p' | head -n 1; }
# field ROOT LAYER KEY: a value from SOURCES.json (one line per layer).
field() {
  sed -n "s/^  \"$2\": {.*\"$3\": \"\\([^\"]*\\)\".*/\\1/p" "$1/layers/cache/SOURCES.json" 2>/dev/null
}
json_ok() {
  local f=$1/layers/cache/SOURCES.json
  [ -f "$f" ] || return 1
  if command -v jq >/dev/null; then jq -e . "$f" >/dev/null
  elif command -v python3 >/dev/null; then python3 -m json.tool "$f" >/dev/null
  else grep -q '^{$' "$f"; fi
}
has_line() { grep -q -- "$2" "$1.out"; }
sha_is() { [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

if [ ! -f "$world_map" ]; then
  echo "world_map.gpkg not found at $world_map (apt-get install qgis-common)"
  echo "0 passed, 1 failed"; exit 1
fi

# ---- 1. mirror next to the repository (default ../shared/layers, resolved from the repo root) -----
if [ -f "$mirror/ign-2018/SHA256SUMS" ]; then
  mirror=$(cd "$mirror" && pwd)
  r=$(new_repo mirror)
  mkdir -p "$work/mirror/shared" && ln -s "$mirror" "$work/mirror/shared/layers"
  (unset CARTELIER_LAYERS_MIRROR; cd / && "$r/scripts/fetch-layers.sh" --offline) > "$r.out" 2>&1; status=$?
  equals "mirror: exit status" "$status" 0
  check "mirror: log line for departements" has_line "$r" "^layer departements: mirror $work/mirror/shared/layers/ign-2018/departements-avec-outre-mer.geojson (sha256 0c331e85eef2…)"
  equals "mirror: departements features" "$(count "$r/layers/cache/departements.geojson")" 101
  equals "mirror: regions features" "$(count "$r/layers/cache/regions.geojson")" 18
  equals "mirror: communes features" "$(count "$r/layers/cache/communes.geojson")" 35357
  check "mirror: departements bytes = pinned SHA-256" sha_is "$r/layers/cache/departements.geojson" "$pin_dep"
  check "mirror: SOURCES.json is valid JSON" json_ok "$r"
  for l in departements regions communes; do
    equals "mirror: SOURCES.json $l source" "$(field "$r" $l source)" mirror
    equals "mirror: SOURCES.json $l edition" "$(field "$r" $l edition)" "IGN Admin Express COG 2018 (france-geojson 5d34ee6)"
  done
  equals "mirror: SOURCES.json departements sha256" "$(field "$r" departements sha256)" "$pin_dep"
  equals "mirror: SOURCES.json countries source" "$(field "$r" countries source)" fallback
  check "mirror: countries.gpkg has the neighbours" \
    test "$(ogrinfo -q -ro "$r/layers/cache/countries.gpkg" -sql "SELECT COUNT(*) AS n FROM countries WHERE iso_a2 IN ('FR','ES','IT','CH','DE','BE','LU','GB','AD','MC')" | sed -n 's/.*n (Integer) = //p')" = 10
  # second run: nothing to do, nothing rewritten
  before=$(cd "$r/layers/cache" && ls -l --time-style=+%s.%N && sha256sum SOURCES.json)
  (unset CARTELIER_LAYERS_MIRROR; cd / && "$r/scripts/fetch-layers.sh" --offline) > "$r.out" 2>&1; status=$?
  equals "mirror again: exit status" "$status" 0
  equals "mirror again: every layer up to date" "$(grep -c '^layer .* — up to date$' "$r.out")" 4
  equals "mirror again: cache untouched" "$(cd "$r/layers/cache" && ls -l --time-style=+%s.%N && sha256sum SOURCES.json)" "$before"

  # ---- 2. mirror with a corrupted file: rejected by SHA-256, falls through --------------------------
  r=$(new_repo corrupt)
  m=$work/corrupt/mirror/ign-2018
  mkdir -p "$m"
  for f in "$mirror"/ign-2018/*; do ln -s "$f" "$m/"; done
  rm "$m/departements-avec-outre-mer.geojson"
  cp "$mirror/ign-2018/departements-avec-outre-mer.geojson" "$m/"
  chmod u+w "$m/departements-avec-outre-mer.geojson"
  printf ' ' >> "$m/departements-avec-outre-mer.geojson"
  CARTELIER_LAYERS_MIRROR=$work/corrupt/mirror run "$r" --offline
  equals "corrupt mirror: exit status (fallback used)" "$status" 0
  check "corrupt mirror: departements rejected by SHA-256" has_line "$r" "mirror: .*departements-avec-outre-mer.geojson has sha256 .* — rejected"
  equals "corrupt mirror: departements source" "$(field "$r" departements source)" fallback
  equals "corrupt mirror: regions source" "$(field "$r" regions source)" mirror
  equals "corrupt mirror: departements features (Natural Earth)" "$(count "$r/layers/cache/departements.geojson")" 101
  check "corrupt mirror: mixed editions flagged" has_line "$r" "mixes editions"
  r=$(new_repo corrupt-only)
  CARTELIER_LAYERS_MIRROR=$work/corrupt/mirror run "$r" --source mirror
  check "corrupt mirror, --source mirror: fails" test "$status" -ne 0
  check "corrupt mirror, --source mirror: says which layer" has_line "$r" "layer departements: no source worked"
  check "corrupt mirror, --source mirror: no departements file" test ! -e "$r/layers/cache/departements.geojson"

  # ---- 3. download path, exercised against the mirror through file:// URLs ------------------------
  r=$(new_repo download)
  CARTELIER_LAYERS_URL_BASE=file://$mirror/ign-2018 run "$r" --source download
  check "download (file://): fails overall (communes has no single upstream file)" test "$status" -ne 0
  equals "download (file://): departements source" "$(field "$r" departements source)" download
  equals "download (file://): departements url" "$(field "$r" departements url)" "file://$mirror/ign-2018/departements-avec-outre-mer.geojson"
  equals "download (file://): regions features" "$(count "$r/layers/cache/regions.geojson")" 18
  check "download (file://): communes reported" has_line "$r" "no single upstream file for communes"
else
  skip "mirror cases: no mirror at $mirror (set CARTELIER_LAYERS_MIRROR)"
fi

# ---- 4. Natural Earth fallback ---------------------------------------------------------------------
r=$(new_repo fallback)
CARTELIER_LAYERS_MIRROR=$work/none run "$r" --source fallback
equals "fallback: exit status" "$status" 0
check "fallback: log line" has_line "$r" "^layer departements: fallback $world_map (sha256 "
check "fallback: communes skipped with a warning" has_line "$r" "warning: layer communes: .*skipped"
check "fallback: no communes file" test ! -e "$r/layers/cache/communes.geojson"
equals "fallback: departements features" "$(count "$r/layers/cache/departements.geojson")" 101
equals "fallback: regions features" "$(count "$r/layers/cache/regions.geojson")" 18
equals "fallback: departements fields" \
  "$(ogrinfo -ro -so -al "$r/layers/cache/departements.geojson" | sed -n 's/^\([a-z]*\): String.*/\1/p' | tr '\n' ' ')" "code nom "
equals "fallback: Seine-et-Marne named and coded as IGN" \
  "$(ogrinfo -q -ro -al "$r/layers/cache/departements.geojson" -where "code = '77'" -geom=NO | sed -n 's/.*nom (String) = //p')" Seine-et-Marne
equals "fallback: Grand Est dissolved from 10 départements (one polygon)" \
  "$(ogrinfo -q -ro "$r/layers/cache/regions.geojson" -dialect SQLite -sql "SELECT ST_NumGeometries(geometry) AS n FROM regions WHERE code = '44'" | sed -n 's/.*n (Integer) = //p')" 1
check "fallback: SOURCES.json is valid JSON" json_ok "$r"
equals "fallback: SOURCES.json departements source" "$(field "$r" departements source)" fallback
check "fallback: SOURCES.json edition names Natural Earth and qgis-common" \
  test -n "$(field "$r" regions edition | grep 'Natural Earth 1:10m .*v4.1.0 via qgis-common')"
equals "fallback: SOURCES.json departements sha256" "$(field "$r" departements sha256)" \
  "$(sha256sum "$r/layers/cache/departements.geojson" | cut -d' ' -f1)"
sum1=$(sha256sum "$r"/layers/cache/*)
CARTELIER_LAYERS_MIRROR=$work/none run "$r" --source fallback --force
equals "fallback --force: same bytes again (reproducible)" "$(sha256sum "$r"/layers/cache/*)" "$sum1"

# ---- 5. download from the real source: no internet here, must fail cleanly and fast ---------------
r=$(new_repo network)
start=$(date +%s)
CARTELIER_LAYERS_MIRROR=$work/none run "$r" --source download
check "download (network): exits non-zero here (no communes download at least)" test "$status" -ne 0
check "download (network): gives up within 30 s" test $(($(date +%s) - start)) -le 30
# shellcheck disable=SC2016  # the inner script expands its own arguments
check "download (network): departements absent or with the pinned bytes" \
  bash -c '[ ! -e "$1" ] || [ "$(sha256sum "$1" | cut -d" " -f1)" = "$2" ]' _ "$r/layers/cache/departements.geojson" "$pin_dep"

# ---- 6. nothing works: clear error -----------------------------------------------------------------
r=$(new_repo nothing)
CARTELIER_LAYERS_MIRROR=$work/none CARTELIER_WORLD_MAP=$work/none.gpkg run "$r" --offline
check "no source: exits non-zero" test "$status" -ne 0
check "no source: clear message" has_line "$r" "FAILED for: departements regions countries"

[ "$skipped" = 0 ] || echo "($skipped case group(s) skipped)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
