#!/usr/bin/env bash
# fetch-layers.sh — fill the git-ignored layers/cache/ with the data the maps need: boundary layers, commune → EPCI.
#
# Usage: scripts/fetch-layers.sh [--force] [--offline] [--source mirror|download|fallback]
#   --force      rebuild/copy every file even when the cache already holds the right one
#   --offline    never try the network (skip the download source and the npm registry)
#   --source S   use only source S for départements/régions/communes (to test each path)
#
# Sources for departements.geojson, regions.geojson, communes.geojson, tried in this order:
#   mirror    $CARTELIER_LAYERS_MIRROR/ign-2018/ (default: ../shared/layers next to the repository
#             root, when it exists); each file must match both the mirror's SHA256SUMS and the
#             SHA-256 pinned below
#   download  france-geojson (Grégoire David) at commit 5d34ee6 on GitHub, pinned by URL and SHA-256
#             (base URL overridable with CARTELIER_LAYERS_URL_BASE, e.g. file:// for tests)
#   fallback  Natural Earth 1:10m admin-1 from Debian's qgis-common (world_map.gpkg,
#             states_provinces, iso_a2='FR') converted to the same schema (code, nom); régions
#             dissolved from it; no communes (skipped with a warning)
# countries.gpkg always comes from world_map.gpkg (layer countries, clipped around France).
# CARTELIER_WORLD_MAP overrides the world_map.gpkg path.
# epci-2019.csv (commune → EPCI at 1 January 2019, for the territories) is converted by
# scripts/epci-membership.mjs from the npm package @etalab/decoupage-administratif 0.4.0, fetched with
# `npm pack` from the npm registry and pinned by SHA-256; joined to the codes of communes.geojson.
# Without npm/node, with --offline, without communes.geojson or when the registry cannot be reached,
# it is left out with a warning (the maps then draw the sites as points) and the exit status stays 0.
# CARTELIER_NPM_TARBALL=FILE.tgz uses that tarball instead of `npm pack` (tests; still checked against
# the pin, which CARTELIER_NPM_TARBALL_SHA256 overrides for a locally made test tarball).
# layers/cache/SOURCES.json records, per file: source, path or URL, sha256, edition.
# Needs gdal-bin, coreutils and curl; node and npm for epci-2019.csv.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=$root/layers/cache
sources_json=$cache/SOURCES.json

# ---- pinned sources -----------------------------------------------------------------------------
IGN_EDITION="IGN Admin Express COG 2018 (france-geojson 5d34ee6)"
URL_BASE=${CARTELIER_LAYERS_URL_BASE:-https://raw.githubusercontent.com/gregoiredavid/france-geojson/5d34ee6}
# layer|file in the mirror and upstream|pinned SHA-256|upstream has this single file (1) or not (0)
PINNED="departements|departements-avec-outre-mer.geojson|0c331e85eef244d8014f68a4c256bb732e28776aceec53ddf849624f2eb6c163|1
regions|regions-avec-outre-mer.geojson|a573b672264184d11a2f98220867653b092fe3a964433e30e3a0a4708d72d167|1
communes|communes-avec-outre-mer.geojson|d785c2e8721ee75abcdf63918c06b4d17cef89db0948ddfe06572df994cc3e59|0"
WORLD_MAP=${CARTELIER_WORLD_MAP:-/usr/share/qgis/resources/data/world_map.gpkg}
# commune → EPCI: the 2018 communes with their EPCI at 1 January 2019 (see layers/README.md)
NPM_PACKAGE=@etalab/decoupage-administratif
NPM_VERSION=0.4.0
NPM_TARBALL_URL=https://registry.npmjs.org/@etalab/decoupage-administratif/-/decoupage-administratif-0.4.0.tgz
NPM_INTEGRITY=sha512-IkE7njp8LKGKmiXhjjxKDELJO/gjbUrJ6xeGdktl/BP0deLbngXfpJRySvb8r5V0lqTtE3ig8iyV81CyD2WP/w==
NPM_TARBALL_SHA256=${CARTELIER_NPM_TARBALL_SHA256:-32f44608a77420206a6534412913e84e39a769fdbf4012ca57b020db821c20cc}
EPCI_EDITION="EPCI au 1er janvier 2019 (@etalab/decoupage-administratif 0.4.0)"
COUNTRIES_WINDOW=(-20 25 35 62)   # lon/lat window kept from the countries layer (Europe, N. Africa)
GPKG_DATE=2000-01-01T00:00:00Z    # fixed GeoPackage timestamp: identical input -> identical bytes

# ---- options ------------------------------------------------------------------------------------
force=0 offline=0 only=""
usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1 ;;
    --offline) offline=1 ;;
    --source)
      [ $# -ge 2 ] || { usage >&2; exit 2; }
      only=$2; shift
      case "$only" in mirror|download|fallback) ;; *) echo "fetch-layers: unknown source '$only'" >&2; exit 2 ;; esac ;;
    --source=*) set -- --source "${1#--source=}" "${@:2}"; continue ;;
    -h|--help) usage; exit 0 ;;
    *) echo "fetch-layers: unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
if [ "$only" = download ] && [ "$offline" = 1 ]; then
  echo "fetch-layers: --source download and --offline exclude each other" >&2; exit 2
fi
if [ -n "$only" ]; then candidates=("$only")
elif [ "$offline" = 1 ]; then candidates=(mirror fallback)
else candidates=(mirror download fallback); fi

if [ -n "${CARTELIER_LAYERS_MIRROR:-}" ]; then
  mirror=$CARTELIER_LAYERS_MIRROR
elif [ -d "$root/../shared/layers" ]; then
  mirror=$(cd "$root/../shared/layers" && pwd)
else
  mirror=""
fi

for tool in ogr2ogr ogrinfo sha256sum; do
  command -v "$tool" >/dev/null || { echo "fetch-layers: $tool not found (apt-get install gdal-bin coreutils)" >&2; exit 2; }
done

mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

log()  { echo "$*"; }
warn() { echo "fetch-layers: warning: $*" >&2; }
note() { echo "  $*" >&2; }           # why a source was passed over
sha()  { sha256sum "$1" | cut -d' ' -f1; }
short() { printf '%s…' "${1:0:12}"; }
json_str() { local s=$1; s=${s//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }

# ---- SOURCES.json: one line per file, kept across runs ------------------------------------------
declare -A record=()
if [ -f "$sources_json" ]; then
  while IFS= read -r line; do
    if [[ $line =~ ^\ \ \"([a-z0-9-]+)\":\ (\{.*\})(,)?$ ]]; then record[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}; fi
  done < "$sources_json"
fi
field() {   # field LAYER KEY: a value of the recorded entry (values here contain no quotes)
  local r=${record[$1]:-}
  [[ $r =~ \"$2\":\ \"([^\"]*)\" ]] && printf '%s' "${BASH_REMATCH[1]}"
  return 0
}
write_sources() {   # entries for the files present in the cache, in a fixed order
  local layer file lines=()
  for file in departements.geojson regions.geojson communes.geojson countries.gpkg epci-2019.csv; do
    layer=${file%.*}   # keyed by the file's stem: the credits find a table's edition by its name
    [ -n "${record[$layer]:-}" ] && [ -f "$cache/$file" ] && lines+=("  \"$layer\": ${record[$layer]}")
  done
  {
    echo "{"
    local IFS=$'\n'
    [ "${#lines[@]}" -eq 0 ] || printf '%s\n' "${lines[*]}" | sed '$!s/$/,/'
    echo "}"
  } > "$tmp/SOURCES.json"
  if ! cmp -s "$tmp/SOURCES.json" "$sources_json"; then mv -f "$tmp/SOURCES.json" "$sources_json"; fi
}

# install TMP_FILE NAME: move a finished, verified file into the cache (atomic rename).
install_file() { chmod 644 "$1"; mv -f "$1" "$cache/$2"; }

# upstream FILE SINGLE: the "url" member (public source of the same bytes), or why there is none.
upstream() {
  if [ "$2" = 1 ]; then printf '"url": %s, ' "$(json_str "$URL_BASE/$1")"
  else printf '"url": null, "note": "no single upstream file: the publisher ships communes per département; merged by the mirror", '; fi
}

# ---- source 1: mirror ---------------------------------------------------------------------------
try_mirror() {   # LAYER FILE PINNED_SHA SINGLE_UPSTREAM_FILE
  local layer=$1 file=$2 pinned=$3 single=$4 dir src listed got
  if [ -z "$mirror" ]; then note "mirror: none (set CARTELIER_LAYERS_MIRROR)"; return 1; fi
  dir=$mirror/ign-2018 src=$mirror/ign-2018/$file
  if [ ! -f "$src" ]; then note "mirror: $src not found"; return 1; fi
  if [ ! -f "$dir/SHA256SUMS" ]; then note "mirror: $dir/SHA256SUMS not found, cannot verify"; return 1; fi
  listed=""
  while read -r h f; do
    if [ "${f#\*}" = "$file" ]; then listed=$h; break; fi
  done < "$dir/SHA256SUMS"
  if [ -z "$listed" ]; then note "mirror: $file not listed in $dir/SHA256SUMS"; return 1; fi
  if [ "$listed" != "$pinned" ]; then
    note "mirror: SHA256SUMS lists $(short "$listed") for $file, this script pins $(short "$pinned") — rejected"; return 1
  fi
  cp "$src" "$tmp/$layer.part"
  got=$(sha "$tmp/$layer.part")
  if [ "$got" != "$pinned" ]; then
    note "mirror: $src has sha256 $(short "$got"), SHA256SUMS says $(short "$pinned") — rejected"
    rm -f "$tmp/$layer.part"; return 1
  fi
  src=$(cd "$(dirname "$src")" && pwd)/$file
  install_file "$tmp/$layer.part" "$layer.geojson"
  record[$layer]="{\"source\": \"mirror\", \"path\": $(json_str "$src"), $(upstream "$file" "$single")\"sha256\": \"$pinned\", \"edition\": $(json_str "$IGN_EDITION")}"
  log "layer $layer: mirror $src (sha256 $(short "$pinned"))"
}

# ---- source 2: download -------------------------------------------------------------------------
try_download() {   # LAYER FILE PINNED_SHA SINGLE_UPSTREAM_FILE
  local layer=$1 file=$2 pinned=$3 single=$4 url err got
  if [ "$single" != 1 ]; then
    note "download: no single upstream file for $layer (the publisher ships it per département) — skipped"; return 1
  fi
  if ! command -v curl >/dev/null; then note "download: curl not found"; return 1; fi
  url=$URL_BASE/$file
  if ! err=$(curl -fsSL --connect-timeout 5 --max-time 120 --retry 0 -o "$tmp/$layer.part" "$url" 2>&1); then
    note "download: $url failed: ${err:-curl error}"; rm -f "$tmp/$layer.part"; return 1
  fi
  got=$(sha "$tmp/$layer.part")
  if [ "$got" != "$pinned" ]; then
    note "download: $url has sha256 $(short "$got"), pinned $(short "$pinned") — rejected"
    rm -f "$tmp/$layer.part"; return 1
  fi
  install_file "$tmp/$layer.part" "$layer.geojson"
  record[$layer]="{\"source\": \"download\", \"url\": $(json_str "$url"), \"sha256\": \"$pinned\", \"edition\": $(json_str "$IGN_EDITION")}"
  log "layer $layer: download $url (sha256 $(short "$pinned"))"
}

# ---- source 3: Natural Earth fallback (qgis-common) ---------------------------------------------
world_sha=""
ne_edition() {
  local v
  v=$(dpkg-query -W -f='${Version}' qgis-common 2>/dev/null || true)
  printf 'Natural Earth 1:10m %s v4.1.0 via qgis-common %s' "$1" "${v:-(version unknown)}"
}
world_map_ok() {
  if [ ! -f "$WORLD_MAP" ]; then note "fallback: $WORLD_MAP not found (apt-get install qgis-common)"; return 1; fi
  [ -n "$world_sha" ] || world_sha=$(sha "$WORLD_MAP")
}
# fallback_current LAYER FILE: the cache already holds this layer built from the same world_map.gpkg
fallback_current() {
  [ "$force" = 0 ] && [ -f "$cache/$2" ] && [ "$(field "$1" source)" = fallback ] \
    && [ "$(field "$1" input_sha256)" = "$world_sha" ] && [ "$(field "$1" sha256)" = "$(sha "$cache/$2")" ]
}

# Natural Earth admin-1 name -> INSEE 2018 département code, IGN name, région code. Built once by
# joining each Natural Earth polygon's point-on-surface to the IGN 2018 départements and each
# IGN département to the IGN 2018 régions (see layers/README.md); Natural Earth's own names keep
# its typos ("Seien-et-Marne", "Haute-Rhin"), its fips field holds the pre-2016 régions.
write_ne_lookup() {
  cat > "$tmp/ne_dep.csv" <<'EOF'
ne_name,code,nom,reg
Ain,01,Ain,84
Aisne,02,Aisne,32
Allier,03,Allier,84
Alpes-de-Haute-Provence,04,Alpes-de-Haute-Provence,93
Hautes-Alpes,05,Hautes-Alpes,93
Alpes-Maritimes,06,Alpes-Maritimes,93
Ardèche,07,Ardèche,84
Ardennes,08,Ardennes,44
Ariège,09,Ariège,76
Aube,10,Aube,44
Aude,11,Aude,76
Aveyron,12,Aveyron,76
Bouches-du-Rhône,13,Bouches-du-Rhône,93
Calvados,14,Calvados,28
Cantal,15,Cantal,84
Charente,16,Charente,75
Charente-Maritime,17,Charente-Maritime,75
Cher,18,Cher,24
Corrèze,19,Corrèze,75
Côte-d'Or,21,Côte-d'Or,27
Côtes-d'Armor,22,Côtes-d'Armor,53
Creuse,23,Creuse,75
Dordogne,24,Dordogne,75
Doubs,25,Doubs,27
Drôme,26,Drôme,84
Eure,27,Eure,28
Eure-et-Loir,28,Eure-et-Loir,24
Finistère,29,Finistère,53
Corse-du-Sud,2A,Corse-du-Sud,94
Haute-Corse,2B,Haute-Corse,94
Gard,30,Gard,76
Haute-Garonne,31,Haute-Garonne,76
Gers,32,Gers,76
Gironde,33,Gironde,75
Hérault,34,Hérault,76
Ille-et-Vilaine,35,Ille-et-Vilaine,53
Indre,36,Indre,24
Indre-et-Loire,37,Indre-et-Loire,24
Isère,38,Isère,84
Jura,39,Jura,27
Landes,40,Landes,75
Loir-et-Cher,41,Loir-et-Cher,24
Loire,42,Loire,84
Haute-Loire,43,Haute-Loire,84
Loire-Atlantique,44,Loire-Atlantique,52
Loiret,45,Loiret,24
Lot,46,Lot,76
Lot-et-Garonne,47,Lot-et-Garonne,75
Lozère,48,Lozère,76
Maine-et-Loire,49,Maine-et-Loire,52
Manche,50,Manche,28
Marne,51,Marne,44
Haute-Marne,52,Haute-Marne,44
Mayenne,53,Mayenne,52
Meurthe-et-Moselle,54,Meurthe-et-Moselle,44
Meuse,55,Meuse,44
Morbihan,56,Morbihan,53
Moselle,57,Moselle,44
Nièvre,58,Nièvre,27
Nord,59,Nord,32
Oise,60,Oise,32
Orne,61,Orne,28
Pas-de-Calais,62,Pas-de-Calais,32
Puy-de-Dôme,63,Puy-de-Dôme,84
Pyrénées-Atlantiques,64,Pyrénées-Atlantiques,75
Hautes-Pyrénées,65,Hautes-Pyrénées,76
Pyrénées-Orientales,66,Pyrénées-Orientales,76
Bas-Rhin,67,Bas-Rhin,44
Haute-Rhin,68,Haut-Rhin,44
Rhône,69,Rhône,84
Haute-Saône,70,Haute-Saône,27
Saône-et-Loire,71,Saône-et-Loire,27
Sarthe,72,Sarthe,52
Savoie,73,Savoie,84
Haute-Savoie,74,Haute-Savoie,84
Paris,75,Paris,11
Seine-Maritime,76,Seine-Maritime,28
Seien-et-Marne,77,Seine-et-Marne,11
Yvelines,78,Yvelines,11
Deux-Sèvres,79,Deux-Sèvres,75
Somme,80,Somme,32
Tarn,81,Tarn,76
Tarn-et-Garonne,82,Tarn-et-Garonne,76
Var,83,Var,93
Vaucluse,84,Vaucluse,93
Vendée,85,Vendée,52
Vienne,86,Vienne,75
Haute-Vienne,87,Haute-Vienne,75
Vosges,88,Vosges,44
Yonne,89,Yonne,27
Territoire de Belfort,90,Territoire de Belfort,27
Essonne,91,Essonne,11
Hauts-de-Seine,92,Hauts-de-Seine,11
Seine-Saint-Denis,93,Seine-Saint-Denis,11
Val-de-Marne,94,Val-de-Marne,11
Val-d'Oise,95,Val-d'Oise,11
Guadeloupe,971,Guadeloupe,01
Martinique,972,Martinique,02
Guyane française,973,Guyane,03
La Réunion,974,La Réunion,04
Mayotte,976,Mayotte,06
EOF
  cat > "$tmp/ne_reg.csv" <<'EOF'
reg,reg_nom
01,Guadeloupe
02,Martinique
03,Guyane
04,La Réunion
06,Mayotte
11,Île-de-France
24,Centre-Val de Loire
27,Bourgogne-Franche-Comté
28,Normandie
32,Hauts-de-France
44,Grand Est
52,Pays de la Loire
53,Bretagne
75,Nouvelle-Aquitaine
76,Occitanie
84,Auvergne-Rhône-Alpes
93,Provence-Alpes-Côte d'Azur
94,Corse
EOF
}

try_fallback() {   # LAYER
  local layer=$1 out sql count
  if [ "$layer" = communes ]; then
    note "fallback: Natural Earth has no communes"; return 1
  fi
  world_map_ok || return 1
  if fallback_current "$layer" "$layer.geojson"; then
    log "layer $layer: fallback $WORLD_MAP (sha256 $(short "$(field "$layer" sha256)")) — up to date"
    return 0
  fi
  # The lookup CSV is the main datasource: GDAL's SQLite dialect can then reach the GeoPackage as
  # a foreign layer (a GeoPackage as main datasource would get native SQL, without foreign tables).
  local ne="'$WORLD_MAP'.states_provinces"
  if [ ! -f "$tmp/ne_dep.csv" ]; then
    write_ne_lookup
    local unmatched
    unmatched=$(ogr2ogr -f CSV /vsistdout/ "$tmp/ne_dep.csv" -dialect SQLite -sql \
      "SELECT n.name FROM $ne n LEFT JOIN ne_dep m ON m.ne_name = n.name
       WHERE n.iso_a2 = 'FR' AND m.code IS NULL" 2>/dev/null | tail -n +2 | tr '\n' ';')
    [ -z "$unmatched" ] || warn "fallback: Natural Earth units without an INSEE code, left out: $unmatched"
  fi
  if [ "$layer" = departements ]; then
    sql="SELECT m.code AS code, m.nom AS nom, n.geom AS geom
         FROM ne_dep m JOIN $ne n ON n.name = m.ne_name
         WHERE n.iso_a2 = 'FR' ORDER BY m.code"
  else
    sql="SELECT m.reg AS code, r.reg_nom AS nom, ST_Union(n.geom) AS geom
         FROM ne_dep m JOIN $ne n ON n.name = m.ne_name JOIN '$tmp/ne_reg.csv'.ne_reg r ON r.reg = m.reg
         WHERE n.iso_a2 = 'FR' GROUP BY m.reg, r.reg_nom ORDER BY m.reg"
  fi
  out=$tmp/$layer.part.geojson
  if ! ogr2ogr -f GeoJSON "$out" "$tmp/ne_dep.csv" -dialect SQLite -sql "$sql" -nln "$layer" \
       -nlt PROMOTE_TO_MULTI -lco COORDINATE_PRECISION=5 -lco WRITE_NAME=NO 2> "$tmp/err"; then
    note "fallback: ogr2ogr failed: $(head -c 300 "$tmp/err")"; return 1
  fi
  count=$(ogrinfo -ro -so -al "$out" | sed -n 's/^Feature Count: //p')
  if [ "${count:-0}" -eq 0 ]; then note "fallback: no French units found in $WORLD_MAP"; return 1; fi
  install_file "$out" "$layer.geojson"
  local got; got=$(sha "$cache/$layer.geojson")
  record[$layer]="{\"source\": \"fallback\", \"path\": $(json_str "$WORLD_MAP"), \"layer\": \"states_provinces\", \"input_sha256\": \"$world_sha\", \"sha256\": \"$got\", \"edition\": $(json_str "$(ne_edition "Admin 1 (states, provinces)")"), \"features\": $count}"
  log "layer $layer: fallback $WORLD_MAP (sha256 $(short "$got"), $count features, Natural Earth)"
}

# ---- main: IGN layers ---------------------------------------------------------------------------
errors=()
while IFS='|' read -r layer file pinned single; do
  target=$cache/$layer.geojson
  if [ "$force" = 0 ] && [ "$only" != fallback ] && [ -f "$target" ] && [ "$(sha "$target")" = "$pinned" ]; then
    prev=$(field "$layer" source); where=$(field "$layer" path); [ -n "$where" ] || where=$(field "$layer" url)
    if [ -z "$prev" ]; then   # right bytes but no record (SOURCES.json lost): record what they are
      prev=cache where=$target
      record[$layer]="{\"source\": \"cache\", \"path\": $(json_str "$target"), $(upstream "$file" "$single")\"sha256\": \"$pinned\", \"edition\": $(json_str "$IGN_EDITION")}"
    fi
    log "layer $layer: $prev $where (sha256 $(short "$pinned")) — up to date"
    continue
  fi
  done_layer=0
  for src in "${candidates[@]}"; do
    case "$src" in
      mirror) try_mirror "$layer" "$file" "$pinned" "$single" && { done_layer=1; break; } ;;
      download) try_download "$layer" "$file" "$pinned" "$single" && { done_layer=1; break; } ;;
      fallback) try_fallback "$layer" && { done_layer=1; break; } ;;
    esac
  done
  if [ "$done_layer" = 0 ]; then
    if [ "$layer" = communes ] && [[ " ${candidates[*]} " == *" fallback "* ]]; then
      warn "layer communes: no source available (${candidates[*]}); skipped — the Natural Earth fallback has no communes"
    else
      echo "fetch-layers: layer $layer: no source worked (tried: ${candidates[*]})" >&2
      errors+=("$layer")
    fi
  fi
done <<< "$PINNED"

# ---- countries: always Natural Earth from qgis-common -------------------------------------------
if world_map_ok; then
  if fallback_current countries countries.gpkg; then
    log "layer countries: fallback $WORLD_MAP (sha256 $(short "$(field countries sha256)")) — up to date"
  else
    out=$tmp/countries.part.gpkg
    if ogr2ogr --config OGR_CURRENT_DATE "$GPKG_DATE" -f GPKG "$out" "$WORLD_MAP" countries \
         -nln countries -select iso_a2,NAME,ISO_A3 -clipsrc "${COUNTRIES_WINDOW[@]}" \
         -nlt PROMOTE_TO_MULTI 2> "$tmp/err"; then
      install_file "$out" countries.gpkg
      got=$(sha "$cache/countries.gpkg")
      record[countries]="{\"source\": \"fallback\", \"path\": $(json_str "$WORLD_MAP"), \"layer\": \"countries\", \"input_sha256\": \"$world_sha\", \"sha256\": \"$got\", \"edition\": $(json_str "$(ne_edition "Admin 0 countries")"), \"clip_lonlat\": \"${COUNTRIES_WINDOW[*]}\"}"
      log "layer countries: fallback $WORLD_MAP (sha256 $(short "$got"), clipped to lon/lat ${COUNTRIES_WINDOW[*]})"
    else
      echo "fetch-layers: layer countries: ogr2ogr failed: $(head -c 300 "$tmp/err")" >&2
      errors+=(countries)
    fi
  fi
else
  echo "fetch-layers: layer countries: no source worked ($WORLD_MAP is missing)" >&2
  errors+=(countries)
fi

# ---- commune → EPCI membership: @etalab/decoupage-administratif from the npm registry ------------
epci_file=$cache/epci-2019.csv
converter=$root/scripts/epci-membership.mjs
epci_current=0   # the cache holds the table of the pinned tarball, this converter and this communes layer
# no_territories WHY: epci-2019.csv cannot be made; say so. A table made before from the same inputs
# (--force) is kept; one that no longer matches its inputs is removed.
no_territories() {
  if [ "$epci_current" = 1 ]; then
    warn "layer epci: $1 — kept the existing epci-2019.csv (made from the same inputs)"; return 0
  fi
  warn "layer epci: $1 — epci-2019.csv not made: the territories will not be drawn (the maps show the sites as points)"
  if [ -e "$epci_file" ]; then rm -f "$epci_file"; warn "layer epci: removed the out-of-date $epci_file"; fi
  unset 'record[epci-2019]'
}
# epci_lien_counts FILE: "MEMBERS VIA_CHEF_LIEU WITHOUT" from the lien column (the last, never quoted)
epci_lien_counts() {
  awk -F, 'NR > 1 { if ($NF == "membre") m++; else if ($NF ~ /^chef-lieu /) c++; else if ($NF == "aucune") a++ }
           END { printf "%d %d %d", m, c, a }' "$1"
}
epci_step() {
  local communes_sha conv_sha got src_json src_label m c a without
  if [ ! -f "$cache/communes.geojson" ]; then no_territories "no communes.geojson in the cache to join"; return 0; fi
  if ! command -v node >/dev/null; then no_territories "node not found (apt-get install nodejs npm, or run scripts/setup.sh)"; return 0; fi
  if [ ! -f "$converter" ]; then no_territories "$converter not found"; return 0; fi
  communes_sha=$(sha "$cache/communes.geojson") conv_sha=$(sha "$converter")
  if [ -f "$epci_file" ] && [ "$(field epci-2019 sha256)" = "$(sha "$epci_file")" ] \
     && [ "$(field epci-2019 tarball_sha256)" = "$NPM_TARBALL_SHA256" ] && [ "$(field epci-2019 input_sha256)" = "$communes_sha" ] \
     && [ "$(field epci-2019 converter_sha256)" = "$conv_sha" ]; then
    epci_current=1
  fi
  if [ "$force" = 0 ] && [ "$epci_current" = 1 ]; then
    read -r m c a <<< "$(epci_lien_counts "$epci_file")"
    log "layer epci: $(field epci-2019 source) $NPM_PACKAGE@$NPM_VERSION (tarball sha256 $(short "$NPM_TARBALL_SHA256")) — up to date ($m members, $c via their chef-lieu, $a in no EPCI: $(field epci-2019 without))"
    return 0
  fi
  mkdir -p "$tmp/npm" "$tmp/pkg"
  if [ -n "${CARTELIER_NPM_TARBALL:-}" ]; then
    if ! cp "$CARTELIER_NPM_TARBALL" "$tmp/npm/package.tgz" 2> "$tmp/err"; then
      no_territories "CARTELIER_NPM_TARBALL: $(head -c 300 "$tmp/err")"; return 0
    fi
    src_json="\"source\": \"tarball\", \"path\": $(json_str "$CARTELIER_NPM_TARBALL")" src_label="tarball $CARTELIER_NPM_TARBALL"
  else
    if [ "$offline" = 1 ]; then no_territories "--offline: the npm registry is not tried for $NPM_PACKAGE@$NPM_VERSION"; return 0; fi
    if ! command -v npm >/dev/null; then no_territories "npm not found (apt-get install npm, or run scripts/setup.sh)"; return 0; fi
    # from $tmp so that no project .npmrc applies; no retries, so that an unreachable registry fails fast
    if ! (cd "$tmp/npm" && npm pack "$NPM_PACKAGE@$NPM_VERSION" --pack-destination . --loglevel=error \
            --fetch-retries=0 --fetch-timeout=60000 --no-fund --no-audit) > /dev/null 2> "$tmp/err"; then
      no_territories "npm pack $NPM_PACKAGE@$NPM_VERSION failed (registry $(npm config get registry 2>/dev/null || echo '?')): $(grep -m 1 -v -E '^npm error (code|syscall|errno) ' "$tmp/err" | sed 's/^npm error //' | head -c 300)"
      return 0
    fi
    mv "$tmp/npm/etalab-decoupage-administratif-$NPM_VERSION.tgz" "$tmp/npm/package.tgz" 2> /dev/null \
      || { no_territories "npm pack left no etalab-decoupage-administratif-$NPM_VERSION.tgz"; return 0; }
    src_json="\"source\": \"npm\", \"url\": $(json_str "$NPM_TARBALL_URL")" src_label="npm pack $NPM_PACKAGE@$NPM_VERSION"
  fi
  got=$(sha "$tmp/npm/package.tgz")
  if [ "$got" != "$NPM_TARBALL_SHA256" ]; then
    no_territories "the $NPM_PACKAGE@$NPM_VERSION tarball has sha256 $(short "$got"), this script pins $(short "$NPM_TARBALL_SHA256") — rejected"
    return 0
  fi
  if ! tar -xzf "$tmp/npm/package.tgz" -C "$tmp/pkg" package/package.json package/data/epci.json \
         package/data/communes.json 2> "$tmp/err"; then
    no_territories "the tarball lacks package/data/epci.json or communes.json: $(head -c 300 "$tmp/err")"; return 0
  fi
  if ! node "$converter" "$tmp/pkg/package" "$cache/communes.geojson" "$tmp/epci.part.csv" > "$tmp/epci.report" 2> "$tmp/err"; then
    no_territories "$(head -c 300 "$tmp/err")"; return 0
  fi
  install_file "$tmp/epci.part.csv" epci-2019.csv
  got=$(sha "$epci_file")
  read -r m c a <<< "$(epci_lien_counts "$epci_file")"
  without=$(sed -n 's/^    \([0-9AB][0-9]*\) \(.*\)$/\1 \2/p' "$tmp/epci.report" | sed '$!s/$/;/' | tr '\n' ' ' | sed 's/ $//')
  record[epci-2019]="{$src_json, \"package\": \"$NPM_PACKAGE\", \"version\": \"$NPM_VERSION\", \"tarball\": $(json_str "$NPM_TARBALL_URL"), \"integrity\": \"$NPM_INTEGRITY\", \"tarball_sha256\": \"$NPM_TARBALL_SHA256\", \"input\": \"communes.geojson\", \"input_sha256\": \"$communes_sha\", \"converter_sha256\": \"$conv_sha\", \"sha256\": \"$got\", \"edition\": $(json_str "$EPCI_EDITION"), \"members\": $m, \"via_chef_lieu\": $c, \"without_epci\": $a, \"without\": $(json_str "$without")}"
  log "layer epci: $src_label (sha256 $(short "$NPM_TARBALL_SHA256")) → epci-2019.csv (sha256 $(short "$got"))"
  sed 's/^/  /' "$tmp/epci.report"
}
epci_step

write_sources

editions=$(for l in departements regions communes; do field "$l" edition; echo; done | sed '/^$/d' | sort -u | wc -l)
[ "$editions" -le 1 ] || warn "the cache mixes editions (IGN and Natural Earth); see $sources_json"

if [ "${#errors[@]}" -gt 0 ]; then
  echo "fetch-layers: FAILED for: ${errors[*]} — no usable source. Provide the mirror (CARTELIER_LAYERS_MIRROR=/path/to/layers with ign-2018/ and SHA256SUMS), network access to $URL_BASE, or Debian's qgis-common for the Natural Earth fallback." >&2
  exit 1
fi
echo "fetch-layers: cache ready in $cache (sources in $sources_json)"
