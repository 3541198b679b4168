#!/usr/bin/env bash
# fetch_layers_test.sh — runs scripts/fetch-layers.sh in temporary copies of the repository layout,
# one per source path that can run offline, and checks the cache it leaves behind.
#
#   tests/scripts/fetch_layers_test.sh
#
# Needs gdal-bin and Debian's qgis-common (world_map.gpkg). The mirror cases need the IGN 2018
# mirror: $CARTELIER_LAYERS_MIRROR, else ../shared/layers next to the repository; without it they
# are reported as skipped. The commune → EPCI cases need node (skipped without it) and run offline:
# a small tarball made here stands for the npm package (CARTELIER_NPM_TARBALL), an unreachable
# registry is simulated, and the real package is used only when npm's cache already holds it.
# Last line: "N passed, N failed"; exit status 1 if anything failed.
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

# new_repo NAME: a repository layout with only the scripts; prints its root.
new_repo() {
  mkdir -p "$work/$1/repo/scripts" && cp "$fetch" "$repo/scripts/epci-membership.mjs" "$work/$1/repo/scripts/" \
    && echo "$work/$1/repo"
}
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
  check "mirror --offline: the EPCI table is not fetched, and the log says the territories will not be drawn" \
    has_line "$r" "warning: layer epci: --offline: .* the territories will not be drawn"

  # ---- 1b. the real npm package on the real communes, when npm's cache already holds it -----------
  # npm_config_offline: npm answers from its cache only (filled by any earlier `npm pack` of 0.4.0).
  if command -v node >/dev/null && command -v npm >/dev/null; then
    (unset CARTELIER_LAYERS_MIRROR; cd / && npm_config_offline=true "$r/scripts/fetch-layers.sh") > "$r.out" 2>&1; status=$?
    if has_line "$r" "^layer epci: npm pack @etalab/decoupage-administratif@0.4.0 "; then
      equals "epci (real package): exit status" "$status" 0
      check "epci (real package): 34,966 members" has_line "$r" "^    34,966 listed as EPCI members$"
      check "epci (real package): 387 through their chef-lieu" has_line "$r" "^    387 merged communes .* joined through their chef-lieu$"
      check "epci (real package): 4 in no EPCI" has_line "$r" "^    4 in no EPCI:$"
      for island in "22016 Île-de-Bréhat" "29083 Île-de-Sein" "29155 Ouessant" "85113 Île-d'Yeu"; do
        check "epci (real package): $island named" has_line "$r" "^      $island$"
      done
      equals "epci (real package): one row per commune" "$(($(wc -l < "$r/layers/cache/epci-2019.csv") - 1))" 35357
      check "epci (real package): Bruyères in the CC Bruyères-Vallons des Vosges" \
        grep -qx "88078,200042000,CC Bruyères-Vallons des Vosges,CC,membre" "$r/layers/cache/epci-2019.csv"
      check "epci (real package): Remiremont in the CC de la Porte des Vosges Méridionales" \
        grep -qx "88383,200068377,CC de la Porte des Vosges Méridionales,CC,membre" "$r/layers/cache/epci-2019.csv"
      check "epci (real package): an island in no EPCI" grep -qx "29155,,,,aucune" "$r/layers/cache/epci-2019.csv"
      check "epci (real package): bytes pinned (deterministic conversion)" \
        sha_is "$r/layers/cache/epci-2019.csv" aaa297d75ab9daae4261d48a216e6c77e320235a898bdd054f395ac48f987298
      equals "epci (real package): SOURCES.json source" "$(field "$r" epci-2019 source)" npm
      equals "epci (real package): SOURCES.json tarball" "$(field "$r" epci-2019 tarball)" \
        "https://registry.npmjs.org/@etalab/decoupage-administratif/-/decoupage-administratif-0.4.0.tgz"
      equals "epci (real package): SOURCES.json edition" "$(field "$r" epci-2019 edition)" \
        "EPCI au 1er janvier 2019 (@etalab/decoupage-administratif 0.4.0)"
      check "epci (real package): SOURCES.json is valid JSON" json_ok "$r"
      # the committed sites and territories against this table: every site inside its territory
      cache=$r/layers/cache
      node "$repo/scripts/check-site-territories.mjs" "$repo/layers/sites.csv" "$repo/layers/territoires.csv" \
        "$cache/communes.geojson" "$cache/epci-2019.csv" > "$r.out" 2>&1; status=$?
      equals "layers/sites.csv: every site in its insee commune and its territory" "$status" 0
      sed 's/,Remiremont,88383,88,6.58349,48.00315,/,Bruyères,88078,88,6.70868,48.21522,/' "$repo/layers/sites.csv" > "$work/sites-bruyeres.csv"
      node "$repo/scripts/check-site-territories.mjs" "$work/sites-bruyeres.csv" "$repo/layers/territoires.csv" \
        "$cache/communes.geojson" "$cache/epci-2019.csv" > "$r.out" 2>&1; status=$?
      check "the former Bruyères row: outside its territory" has_line "$r" \
        "FAIL flash-portes-des-vosges-meridionales: the point is outside its territory (EPCI 200068377)"
      equals "the former Bruyères row: exit status" "$status" 1
      sed 's/,07341,07,/,7341,07,/' "$repo/layers/sites.csv" > "$work/sites-7341.csv"
      node "$repo/scripts/check-site-territories.mjs" "$work/sites-7341.csv" "$repo/layers/territoires.csv" \
        "$cache/communes.geojson" "$cache/epci-2019.csv" > "$r.out" 2>&1
      check "an insee code without its leading zero: named" has_line "$r" \
        "FAIL local-berg-et-coiron: insee 7341 (not a commune of the layer) but the point lies in 07341"
    else
      skip "epci (real package): not in npm's cache (run scripts/fetch-layers.sh online once)"
    fi
  else
    skip "epci (real package): node or npm not found"
  fi

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

# ---- 4b. commune → EPCI from a small tarball made here (the fallback repository gets 6 communes) ----
# Communes 01001, 01002 members of E1 (a name to quote), 01003 of E2; 01004 a commune-déléguée of
# 01003, 01005 a commune-absorbée of 01001 (communeAbsorbante only), 01006 in no EPCI.
make_package() {   # DIR WITH_EPCI(1|0): a package/ tree like @etalab/decoupage-administratif's
  mkdir -p "$1/package/data"
  printf '{"name": "@etalab/decoupage-administratif", "version": "0.4.0"}\n' > "$1/package/package.json"
  [ "$2" = 0 ] || cat > "$1/package/data/epci.json" <<'EOF_EPCI'
[{"code": "200000001", "nom": "CC \"Les Deux\", Rives", "type": "CC", "membres": [{"code": "01001"}, {"code": "01002"}]},
 {"code": "200000002", "nom": "CA Deux", "type": "CA", "membres": [{"code": "01003"}]}]
EOF_EPCI
  cat > "$1/package/data/communes.json" <<'EOF_COM'
[{"code": "01003", "nom": "Trois", "type": "commune-actuelle"},
 {"code": "01004", "nom": "Quatre", "type": "commune-deleguee", "chefLieu": "01003"},
 {"code": "01005", "nom": "Cinq", "type": "commune-absorbee", "communeAbsorbante": "01001"},
 {"code": "01006", "nom": "Île-Test", "type": "commune-actuelle"}]
EOF_COM
}
epci_expected='commune,epci,epci_nom,epci_type,lien
01001,200000001,"CC ""Les Deux"", Rives",CC,membre
01002,200000001,"CC ""Les Deux"", Rives",CC,membre
01003,200000002,CA Deux,CA,membre
01004,200000002,CA Deux,CA,chef-lieu 01003
01005,200000001,"CC ""Les Deux"", Rives",CC,chef-lieu 01001
01006,,,,aucune'
if command -v node >/dev/null; then
  make_package "$work/pkg-good" 1 && tar -czf "$work/good.tgz" -C "$work/pkg-good" package
  make_package "$work/pkg-bad" 0 && tar -czf "$work/bad.tgz" -C "$work/pkg-bad" package
  good_sha=$(sha256sum "$work/good.tgz" | cut -d' ' -f1) bad_sha=$(sha256sum "$work/bad.tgz" | cut -d' ' -f1)
  r=$work/fallback/repo
  { printf '{"type": "FeatureCollection", "features": [\n'
    for c in 01001 01002 01003 01004 01005 01006; do
      [ "$c" = 01001 ] || printf ',\n'
      printf '{"type": "Feature", "properties": {"code": "%s", "nom": "%s"}, "geometry": null}' "$c" \
        "$([ "$c" = 01006 ] && echo "Île-Test" || echo "C$c")"
    done
    printf '\n]}\n'; } > "$r/layers/cache/communes.geojson"
  epci_run() { CARTELIER_LAYERS_MIRROR=$work/none run "$r" --source fallback "$@"; }
  CARTELIER_NPM_TARBALL=$work/good.tgz CARTELIER_NPM_TARBALL_SHA256=$good_sha epci_run
  equals "epci (tarball): exit status" "$status" 0
  equals "epci (tarball): the table" "$(cat "$r/layers/cache/epci-2019.csv")" "$epci_expected"
  check "epci (tarball): report, members" has_line "$r" "^    3 listed as EPCI members$"
  check "epci (tarball): report, through the chef-lieu" has_line "$r" "^    2 merged communes .* joined through their chef-lieu$"
  check "epci (tarball): report, the commune in no EPCI named" has_line "$r" "^      01006 Île-Test$"
  check "epci (tarball): SOURCES.json is valid JSON" json_ok "$r"
  equals "epci (tarball): SOURCES.json source" "$(field "$r" epci-2019 source)" tarball
  equals "epci (tarball): SOURCES.json version" "$(field "$r" epci-2019 version)" 0.4.0
  equals "epci (tarball): SOURCES.json tarball sha256" "$(field "$r" epci-2019 tarball_sha256)" "$good_sha"
  equals "epci (tarball): SOURCES.json input sha256 (the communes joined)" "$(field "$r" epci-2019 input_sha256)" \
    "$(sha256sum "$r/layers/cache/communes.geojson" | cut -d' ' -f1)"
  equals "epci (tarball): SOURCES.json sha256" "$(field "$r" epci-2019 sha256)" \
    "$(sha256sum "$r/layers/cache/epci-2019.csv" | cut -d' ' -f1)"
  equals "epci (tarball): SOURCES.json names the commune in no EPCI" "$(field "$r" epci-2019 without)" "01006 Île-Test"
  before=$(cd "$r/layers/cache" && ls -l --time-style=+%s.%N epci-2019.csv && sha256sum SOURCES.json)
  CARTELIER_NPM_TARBALL=$work/good.tgz CARTELIER_NPM_TARBALL_SHA256=$good_sha epci_run
  check "epci (tarball) again: up to date" has_line "$r" "^layer epci: tarball .* — up to date (3 members, 2 via their chef-lieu, 1 in no EPCI: 01006 Île-Test)$"
  equals "epci (tarball) again: nothing rewritten" \
    "$(cd "$r/layers/cache" && ls -l --time-style=+%s.%N epci-2019.csv && sha256sum SOURCES.json)" "$before"
  CARTELIER_NPM_TARBALL=$work/good.tgz CARTELIER_NPM_TARBALL_SHA256=$good_sha epci_run --force
  equals "epci (tarball) --force: same bytes (deterministic)" "$(cat "$r/layers/cache/epci-2019.csv")" "$epci_expected"
  # the table of the same inputs is kept when a forced refetch fails
  CARTELIER_NPM_TARBALL_SHA256=$good_sha epci_run --force --offline
  equals "epci --force --offline: exit status" "$status" 0
  check "epci --force --offline: the table of the same inputs is kept" has_line "$r" "kept the existing epci-2019.csv"
  equals "epci --force --offline: table unchanged" "$(cat "$r/layers/cache/epci-2019.csv")" "$epci_expected"
  # a tarball that is not the pinned one: rejected; the table made from the other one is removed
  CARTELIER_NPM_TARBALL=$work/good.tgz epci_run
  equals "epci (tarball, not the pin): exit status 0 (maps keep their points)" "$status" 0
  check "epci (tarball, not the pin): rejected by SHA-256" has_line "$r" "warning: layer epci: the @etalab/decoupage-administratif@0.4.0 tarball has sha256 .*, this script pins 32f44608a774… — rejected"
  check "epci (tarball, not the pin): says the territories will not be drawn" has_line "$r" "the territories will not be drawn"
  check "epci (tarball, not the pin): the table made from other inputs is removed" test ! -e "$r/layers/cache/epci-2019.csv"
  check "epci (tarball, not the pin): no epci entry in SOURCES.json" test -z "$(field "$r" epci-2019 source)"
  # a tarball without data/epci.json: nothing written, nothing left behind
  CARTELIER_NPM_TARBALL=$work/bad.tgz CARTELIER_NPM_TARBALL_SHA256=$bad_sha epci_run
  equals "epci (tarball without epci.json): exit status" "$status" 0
  check "epci (tarball without epci.json): says what is missing" has_line "$r" "warning: layer epci: the tarball lacks package/data/epci.json"
  check "epci (tarball without epci.json): no table" test ! -e "$r/layers/cache/epci-2019.csv"
  check "epci (tarball without epci.json): no temporary file left" \
    test -z "$(find "$r/layers/cache" -mindepth 1 ! -name SOURCES.json ! -name '*.geojson' ! -name countries.gpkg)"
  # the communes layer changed since the table was made: the table is out of date and removed
  CARTELIER_NPM_TARBALL=$work/good.tgz CARTELIER_NPM_TARBALL_SHA256=$good_sha epci_run
  sed -i 's/"C01002"/"C01002 renamed"/' "$r/layers/cache/communes.geojson"
  epci_run --offline
  check "epci, communes changed, --offline: the out-of-date table is removed" has_line "$r" "removed the out-of-date .*epci-2019.csv"
  check "epci, communes changed, --offline: no table" test ! -e "$r/layers/cache/epci-2019.csv"
  # an npm registry that cannot be reached: a clear warning, fast, exit 0
  if command -v npm >/dev/null; then
    start=$(date +%s)
    npm_config_registry=http://127.0.0.1:9/ epci_run
    equals "epci (registry unreachable): exit status" "$status" 0
    check "epci (registry unreachable): says npm pack failed and why" has_line "$r" "warning: layer epci: npm pack @etalab/decoupage-administratif@0.4.0 failed (registry http://127.0.0.1:9/): .*ECONNREFUSED"
    check "epci (registry unreachable): gives up within 30 s" test $(($(date +%s) - start)) -le 30
  else
    skip "epci (registry unreachable): npm not found"
  fi
  # no node (nor npm) on the PATH: every other tool still there
  nonode=$work/nonode-bin
  mkdir -p "$nonode"
  IFS=: read -r -a dirs <<< "$PATH"
  for d in "${dirs[@]}"; do
    for f in "$d"/*; do
      b=${f##*/}
      case "$b" in node|nodejs|npm|npx) continue ;; esac
      [ -e "$nonode/$b" ] || ln -s "$f" "$nonode/$b" 2> /dev/null
    done
  done
  PATH=$nonode epci_run
  equals "epci (no node): exit status" "$status" 0
  check "epci (no node): says node is missing and the territories will not be drawn" \
    has_line "$r" "warning: layer epci: node not found .* the territories will not be drawn"
else
  skip "epci cases: node not found"
fi

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
