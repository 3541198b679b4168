#!/usr/bin/env bash
# Issue 7 benchmark: Cartelier against the Mapnik peer on the national job (every commune of France,
# tests/bench/), alternating the two on this machine, several runs each; prints medians, peak RSS,
# PDF sizes and the ratio of each target.
#
#   scripts/bench.sh [--runs N] [--no-growth] [--no-install] [--cartelier PATH]
#                    [--only dissolve] [--no-dissolve] [--membership CSV] [--build DIR]
#
# Dissolve (issue 14): the communes into their EPCI perimeters by geo::dissolve (tests/bench/
# dissolve_bench.cpp, target bench_dissolve of the build DIR, default build/), against GEOS's unary union
# per group and against `ogr2ogr -dialect SQLite ... ST_Union ... GROUP BY epci` on the same data; the
# membership table (columns `commune` and `epci`) is layers/cache/epci-2019.csv unless --membership.
# `--only dissolve` runs that part alone.
#
# Needs the layers fetched (scripts/fetch-layers.sh). Installs Debian's python3-mapnik, mapnik-utils,
# fonts-dejavu-core, hyperfine, poppler-utils, gdal-bin when missing (apt-get; root or sudo).
# Uses the peer of ../shared/bench/mapnik-peer.py when present, else the copy in tests/bench/.
# Work files (densified layers, outputs, caches) go to $BENCH_DIR (default /tmp/cartelier-bench).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=5
GROWTH=1
INSTALL=1
CARTELIER=""
ONLY=""
DISSOLVE=1
MEMBERSHIP=""
BUILD=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --no-growth) GROWTH=0; shift ;;
    --no-install) INSTALL=0; shift ;;
    --cartelier) CARTELIER=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --no-dissolve) DISSOLVE=0; shift ;;
    --membership) MEMBERSHIP=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
W=${BENCH_DIR:-/tmp/cartelier-bench}
mkdir -p "$W"

# ---- tools ----
if [ "$INSTALL" = 1 ]; then
  source "$ROOT/scripts/packages.sh"
  ensure_packages bench python3-mapnik mapnik-utils fonts-dejavu-core hyperfine poppler-utils gdal-bin time >&2
fi

# ---- data: the layers fetch ----
CACHE="$ROOT/layers/cache"
if [ ! -s "$CACHE/communes.geojson" ] || [ ! -s "$CACHE/departements.geojson" ]; then
  echo "bench: layers/cache is incomplete; running scripts/fetch-layers.sh" >&2
  "$ROOT/scripts/fetch-layers.sh" >&2
fi
# ---- dissolve (issue 14): communes → EPCI perimeters ----
# Its figures go to $W/dissolve.txt, printed at the end (or at once with --only dissolve).
dissolve_section() {
  local m=${MEMBERSHIP:-$CACHE/epci-2019.csv} b=${BUILD:-$ROOT/build} d="$W/dissolve"
  if [ ! -s "$m" ]; then
    echo "Dissolve: skipped ($m is missing: scripts/fetch-layers.sh, or --membership CSV)"; return 0
  fi
  mkdir -p "$d"
  ninja -C "$b" bench_dissolve >&2
  echo "bench: dissolve, Cartelier (bench_dissolve)" >&2
  "$b/tests/bench_dissolve" "$m" --runs "$RUNS" > "$d/cartelier.json" || {
    echo "bench: bench_dissolve's checks failed:" >&2; cat "$d/cartelier.json" >&2; return 1; }
  # The same data for ogr2ogr, outside the timing: the communes and the table in one GeoPackage, joined.
  rm -f "$d/communes.gpkg" "$d/epci.gpkg"
  ogr2ogr -f GPKG "$d/communes.gpkg" "$CACHE/communes.geojson" -nln communes_raw -lco GEOMETRY_NAME=geometry
  ogr2ogr -update "$d/communes.gpkg" "$m" -nln membership -oo AUTODETECT_TYPE=NO
  ogr2ogr -update "$d/communes.gpkg" "$d/communes.gpkg" -dialect SQLite -nln communes -lco GEOMETRY_NAME=geometry \
    -sql "SELECT c.geometry AS geometry, c.code AS code, m.epci AS epci FROM communes_raw c JOIN membership m ON m.commune = c.code"
  echo "bench: dissolve, ogr2ogr ST_Union GROUP BY (one run)" >&2
  /usr/bin/time -f '%e %M' -o "$d/ogr.time" ogr2ogr -f GPKG "$d/epci.gpkg" "$d/communes.gpkg" -nln epci -dialect SQLite \
    -sql "SELECT ST_Union(geometry) AS geometry, epci FROM communes GROUP BY epci" >/dev/null 2>"$d/ogr.log" || {
    cat "$d/ogr.log" >&2; return 1; }
  local groups
  groups=$(ogrinfo -ro -so "$d/epci.gpkg" epci | sed -n 's/^Feature Count: //p')
  python3 - "$d/cartelier.json" "$d/ogr.time" "$groups" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); ogr_s, ogr_kb = open(sys.argv[2]).read().split(); ogr_s = float(ogr_s)
print(f"\nDissolve: {c['communes']} communes ({c['joined']} with an EPCI) into {c['groups']} perimeters "
      f"(ogr2ogr: {sys.argv[3]}); geo::dissolve median of {c['runs']} runs\n")
print('| route | wall (s) | ogr2ogr / route |\n|---|---|---|')
rows = [(f"geo::dissolve ({c['dissolve_threads']} threads)", c['dissolve_s']),
        ('geo::dissolve, one thread', c['dissolve_1thread_s']),
        ('read the GeoJSON + geo::dissolve', c['read_s'] + c['dissolve_s']),
        ("GEOS unary union per group, one thread", c['unary_union_s']),
        ('ogr2ogr -dialect SQLite ST_Union GROUP BY epci (GeoPackage in and out)', ogr_s)]
for name, s in rows:
    print(f"| {name} | {s:.2f} | {ogr_s / s:.1f} × |")
ok = lambda b: 'holds' if b else 'MISSED'
print(f"\n| target | measured | |\n|---|---|---|")
print(f"| ≥ 10 × faster than ogr2ogr | {ogr_s / c['dissolve_s']:.1f} × | {ok(ogr_s / c['dissolve_s'] >= 10)} |")
print(f"| GEOSisValid on every perimeter | {c['invalid']} invalid | {ok(c['invalid'] == 0)} |")
print(f"| area = sum of the members' areas, 1e-9 relative | {c['area_mismatch']} off, max {c['max_area_rel_diff']:.2g} | {ok(c['area_mismatch'] == 0)} |")
print(f"| holes only at enclaves (no sliver) | {c['holes']} holes in {c['features_with_holes']} perimeters: {c['enclave_holes']} enclaves, "
      f"{c['uncovered_holes']} in no commune, {c['sliver_holes']} slivers | {ok(c['sliver_holes'] == 0)} |")
print(f"\n(groups left to GEOS's CoverageUnion: {c['geos_coverage_unions']}, to its general union: {c['general_unions']}; holes in no commune: {', '.join(c['uncovered']) or 'none'})")
PY
}
if [ "$ONLY" = dissolve ]; then dissolve_section; exit $?; fi
[ -z "$ONLY" ] || { echo "bench.sh: --only takes 'dissolve'" >&2; exit 2; }
if [ "$DISSOLVE" = 1 ]; then dissolve_section > "$W/dissolve.txt"; else : > "$W/dissolve.txt"; fi

# The peer expects <layers>/<name>-avec-outre-mer.geojson: a folder of links to the fetched files.
mkdir -p "$W/layers"
ln -sfn "$CACHE/communes.geojson" "$W/layers/communes-avec-outre-mer.geojson"
ln -sfn "$CACHE/departements.geojson" "$W/layers/departements-avec-outre-mer.geojson"

# ---- peer ----
PEER_DIR="$ROOT/../shared/bench"
[ -f "$PEER_DIR/mapnik-peer.py" ] || PEER_DIR="$ROOT/tests/bench"
PEER="$PEER_DIR/mapnik-peer.py"
# Its --prepared mode converts to Lambert-93 Shapefiles once, in /tmp/mapnik-peer-prepared (not timed).
/usr/bin/python3 "$PEER" "$W/peer-warmup.png" --layers "$W/layers" --prepared 2>/dev/null

# ---- Cartelier ----
if [ -z "$CARTELIER" ]; then
  cmake -S "$ROOT" -B "$ROOT/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCARTELIER_TESTS=OFF >/dev/null
  ninja -C "$ROOT/build-bench" cartelier >&2
  CARTELIER="$ROOT/build-bench/cartelier"
fi
g++ -O2 -std=c++20 -o "$W/ppmdiff" "$ROOT/tests/bench/ppmdiff.cpp"

# A copy of the bench project per job (x1, x4, x16) with absolute paths, and a second style (another
# fill colour) so that a "warm" run sees a changed style and unchanged data.
make_job() {  # make_job NAME COMMUNES_FILE
  local d="$W/$1"
  mkdir -p "$d"
  sed -e "s#source: \.\./\.\./layers/cache/communes.geojson#source: $2#" \
      -e "s#source: \.\./\.\./layers/cache/departements.geojson#source: $CACHE/departements.geojson#" \
      -e "s#source: sites.csv#source: $ROOT/tests/bench/sites.csv#" \
      -e "s#style: communes.json#style: $d/style.json#" \
      "$ROOT/tests/bench/cartelier.yaml" > "$d/cartelier.yaml"
  cp "$ROOT/tests/bench/communes.json" "$d/style-a.json"
  sed -e 's/"#f4efe1"/"#f3eee0"/' "$ROOT/tests/bench/communes.json" > "$d/style-b.json"
  cp "$d/style-a.json" "$d/style.json"
}
make_job x1 "$CACHE/communes.geojson"

# time_run LABEL CMD...: appends "label seconds kB" to $W/times.txt
: > "$W/times.txt"
time_run() {
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o "$W/time.out" "$@" >"$W/last.log" 2>&1 || { cat "$W/last.log" >&2; return 1; }
  echo "$label $(cat "$W/time.out")" >> "$W/times.txt"
}
cartelier_build() {  # cartelier_build JOB : one `cartelier build` of that job (PNG + PDF)
  CARTELIER_CACHE_DIR="$W/$1/prepared" "$CARTELIER" build --project "$W/$1/cartelier.yaml" --out "$W/$1/out"
}
# Cold: no prepared cache and no previous outputs (an incremental build would otherwise skip the map).
cold() { rm -rf "$W/$1/prepared" "$W/$1/out"; cartelier_build "$1"; }
warm() {  # switch the style, data unchanged
  if cmp -s "$W/$1/style.json" "$W/$1/style-a.json"; then cp "$W/$1/style-b.json" "$W/$1/style.json"
  else cp "$W/$1/style-a.json" "$W/$1/style.json"; fi
  cartelier_build "$1"
}
export -f cartelier_build cold warm
export W CARTELIER

# The three seed maps of the project itself (issue 5: a no-op rebuild well under 0.1 s), built once
# here so that the rounds time only the "nothing changed" check.
seed_build() {
  CARTELIER_CACHE_DIR="$W/seed/prepared" "$CARTELIER" build --project "$ROOT/cartelier.yaml" --out "$W/seed/out"
}
export -f seed_build
export ROOT
seed_build >/dev/null 2>&1 || { echo "bench: the seed maps do not build:" >&2; seed_build >&2; exit 1; }

echo "bench: $RUNS rounds, Cartelier and Mapnik alternating" >&2
cartelier_build x1 >/dev/null 2>&1 || true   # warm-up (page cache, fonts)
for i in $(seq 1 "$RUNS"); do
  time_run c_cold bash -c 'cold x1'
  time_run m_json_png /usr/bin/python3 "$PEER" "$W/peer.png" --layers "$W/layers"
  time_run m_json_pdf /usr/bin/python3 "$PEER" "$W/peer.pdf" --layers "$W/layers"
  time_run c_warm bash -c 'warm x1'
  time_run m_shp_png /usr/bin/python3 "$PEER" "$W/peer-shp.png" --layers "$W/layers" --prepared
  time_run m_shp_pdf /usr/bin/python3 "$PEER" "$W/peer-shp.pdf" --layers "$W/layers" --prepared
  time_run c_noop bash -c 'cartelier_build x1'
  time_run c_noop_seed bash -c 'seed_build'
  echo "  round $i done" >&2
done
# Stage breakdown of one cold and one warm run (CARTELIER_PROFILE=1 prints the stage times).
rm -rf "$W/x1/prepared" "$W/x1/out"
CARTELIER_PROFILE=1 CARTELIER_CACHE_DIR="$W/x1/prepared" "$CARTELIER" build --project "$W/x1/cartelier.yaml" \
  --out "$W/x1/out" 2> "$W/stages-cold.txt" >/dev/null || true
cp "$W/x1/out/build-report.json" "$W/report-cold.json" 2>/dev/null || true
CARTELIER_PROFILE=1 CARTELIER_CACHE_DIR="$W/x1/prepared" "$CARTELIER" build --project "$W/x1/cartelier.yaml" \
  --force --out "$W/x1/out" 2> "$W/stages-warm.txt" >/dev/null || true
cp "$W/x1/out/build-report.json" "$W/report-warm.json" 2>/dev/null || true

# ---- PDF fidelity: the PDF at 600 dpi against full-resolution renderings of the same map ----
# Two references: (a) every vertex kept and every border drawn once, as the generalised PDF draws it
# (tolerance 1e-4 pt, about 0.2 m on the ground, below the 1 m precision of the coordinates): what
# generalisation changes; (b) generalisation off altogether (CARTELIER_GENERALISE=0: every polygon
# stroked on its own, shared borders twice): what generalisation and stroking each border once change.
THRESH=32
mkdir -p "$W/full"
cp "$W/x1/cartelier.yaml" "$W/full/cartelier.yaml"
sed -i "s#style: .*#style: $W/x1/style.json#" "$W/full/cartelier.yaml"
rm -rf "$W/full/out-a" "$W/full/out-b" "$W/x1/out"
CARTELIER_CACHE_DIR="$W/x1/prepared" "$CARTELIER" build --project "$W/x1/cartelier.yaml" --out "$W/x1/out" >/dev/null 2>&1
CARTELIER_VECTOR_TOLERANCE_PT=0.0001 CARTELIER_CACHE_DIR="$W/x1/prepared" "$CARTELIER" build \
  --project "$W/full/cartelier.yaml" --out "$W/full/out-a" >/dev/null 2>&1
CARTELIER_GENERALISE=0 CARTELIER_CACHE_DIR="$W/x1/prepared" "$CARTELIER" build \
  --project "$W/full/cartelier.yaml" --out "$W/full/out-b" >/dev/null 2>&1
pdftoppm -r 600 -singlefile "$W/x1/out/communes.pdf" "$W/pdf600-generalised"
pdftoppm -r 600 -singlefile "$W/full/out-a/communes.pdf" "$W/pdf600-full-a"
pdftoppm -r 600 -singlefile "$W/full/out-b/communes.pdf" "$W/pdf600-full-b"
read -r _ _ DIFF_PCT < <("$W/ppmdiff" "$W/pdf600-generalised.ppm" "$W/pdf600-full-a.ppm" "$THRESH")
read -r _ _ DIFF_PCT_B < <("$W/ppmdiff" "$W/pdf600-generalised.ppm" "$W/pdf600-full-b.ppm" "$THRESH")
rm -f "$W"/pdf600-*.ppm
PDF_C=$(stat -c %s "$W/x1/out/communes.pdf")
PDF_FULL=$(stat -c %s "$W/full/out-b/communes.pdf")
PDF_M=$(stat -c %s "$W/peer.pdf")

# ---- growth: communes densified x4 and x16 (ogr2ogr -segmentize, in degrees) ----
if [ "$GROWTH" = 1 ]; then
  for k in 4 16; do
    dist=$([ $k = 4 ] && echo 0.001 || echo 0.000225)  # mean segment 0.0036 deg: x4.0 and x16.4 vertices
    f="$W/communes-x$k.geojson"
    if [ ! -s "$f" ]; then
      echo "bench: densifying the communes x$k (ogr2ogr -segmentize $dist)" >&2
      ogr2ogr -f GeoJSON -segmentize "$dist" -lco COORDINATE_PRECISION=6 "$f.tmp.geojson" "$CACHE/communes.geojson"
      mv "$f.tmp.geojson" "$f"
    fi
    make_job "x$k" "$f"
  done
  for i in $(seq 1 2); do
    for k in 1 4 16; do
      time_run "g_cold_x$k" bash -c "cold x$k"
      time_run "g_warm_x$k" bash -c "warm x$k"
    done
  done
fi

# ---- table ----
python3 - "$W/times.txt" "$PDF_C" "$PDF_M" "$PDF_FULL" "$DIFF_PCT" "$THRESH" "$GROWTH" "$W" "$DIFF_PCT_B" <<'EOF'
import statistics, sys, collections, os
times, pdf_c, pdf_m, pdf_full, diff_pct, thresh, growth, w, diff_pct_b = sys.argv[1:]
t, m = collections.defaultdict(list), collections.defaultdict(list)
for line in open(times):
    label, sec, kb = line.split()
    t[label].append(float(sec)); m[label].append(int(kb))
med = lambda k: statistics.median(t[k]) if t[k] else float('nan')
rss = lambda k: max(m[k]) / 1024 if m[k] else float('nan')
rows = [('Cartelier cold: GeoJSON → PNG + PDF, one build', 'c_cold'),
        ('Cartelier warm: style changed → PNG + PDF', 'c_warm'),
        ('Cartelier rebuild, nothing changed', 'c_noop'),
        ('Cartelier rebuild of the three seed maps, nothing changed', 'c_noop_seed'),
        ('Mapnik GeoJSON → PNG', 'm_json_png'), ('Mapnik GeoJSON → PDF', 'm_json_pdf'),
        ('Mapnik L93 Shapefile → PNG', 'm_shp_png'), ('Mapnik L93 Shapefile → PDF', 'm_shp_pdf')]
print(f"\nMachine: {os.cpu_count()} CPUs, " +
      next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?') +
      f", {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GB RAM; runs per row: {len(t['c_cold'])}\n")
print('| job | median wall (s) | runs (s) | peak RSS (MB) |\n|---|---|---|---|')
for name, k in rows:
    print(f"| {name} | {med(k):.2f} | {' '.join(f'{x:.2f}' for x in t[k])} | {rss(k):.0f} |")
cold_ref = med('m_json_png') + med('m_json_pdf'); warm_ref = med('m_shp_png') + med('m_shp_pdf')
ok = lambda b: 'holds' if b else 'MISSED'
print('\n| target | measured | limit | ratio | |\n|---|---|---|---|---|')
print(f"| Cold ≤ 0.5 × Mapnik GeoJSON (PNG+PDF) | {med('c_cold'):.2f} s | {0.5*cold_ref:.2f} s | {med('c_cold')/cold_ref:.3f} × | {ok(med('c_cold') <= 0.5*cold_ref)} |")
print(f"| Warm ≤ 0.25 × Mapnik L93 Shapefile (PNG+PDF) | {med('c_warm'):.2f} s | {0.25*warm_ref:.2f} s | {med('c_warm')/warm_ref:.3f} × | {ok(med('c_warm') <= 0.25*warm_ref)} |")
pc, pm = int(pdf_c), int(pdf_m)
print(f"| PDF size ≤ ¼ Mapnik's | {pc/1e6:.2f} MB | {pm/4e6:.2f} MB | {pc/pm:.3f} × | {ok(pc <= pm/4)} |")
print(f"| PDF at 600 dpi vs (a) full resolution, each border once: pixels differing by > {thresh}/255 in a channel < 0.5 % | {float(diff_pct):.3f} % | 0.5 % | | {ok(float(diff_pct) < 0.5)} |")
print(f"| For reference, not a target: PDF at 600 dpi vs (b) generalisation off (every commune strokes its own outline, so shared borders are stroked twice and come out darker), same threshold | {float(diff_pct_b):.3f} % | — | | — |")
print(f"| Peak RSS ×1 (cold) ≤ Mapnik's | {rss('c_cold'):.0f} MB | {max(rss('m_json_png'), rss('m_json_pdf')):.0f} MB | {rss('c_cold')/max(rss('m_json_png'), rss('m_json_pdf')):.2f} × | {ok(rss('c_cold') <= max(rss('m_json_png'), rss('m_json_pdf')))} |")
print(f"| No-op rebuild < 0.1 s | {med('c_noop'):.3f} s | 0.10 s | | {ok(med('c_noop') < 0.1)} |")
print(f"| No-op rebuild of the three seed maps well under 0.1 s (issue 5) | {med('c_noop_seed'):.3f} s | 0.10 s | | {ok(med('c_noop_seed') < 0.1)} |")
print(f"\n(PDF with generalisation off: {int(pdf_full)/1e6:.2f} MB; Mapnik PDF {pm/1e6:.2f} MB)")
if growth == '1':
    print('\n| communes | cold median (s) | cold peak RSS (MB) | warm median (s) | warm peak RSS (MB) | time / ×1 (cold, warm) | RSS / ×1 (cold, warm) |\n|---|---|---|---|---|---|---|')
    for k in (1, 4, 16):
        c, wm = f'g_cold_x{k}', f'g_warm_x{k}'
        print(f"| ×{k} | {med(c):.2f} | {rss(c):.0f} | {med(wm):.2f} | {rss(wm):.0f} | {med(c)/med('g_cold_x1'):.2f}, {med(wm)/med('g_warm_x1'):.2f} | {rss(c)/rss('g_cold_x1'):.2f}, {rss(wm)/rss('g_warm_x1'):.2f} |")
EOF
echo
echo "Stage times from the build report (cold, then warm), seconds:"
python3 -c "import json,sys; [print(' ', f, {k: round(v, 3) for k, v in json.load(open(f))['maps'][0].get('stages', {}).items()}) for f in sys.argv[1:]]" "$W/report-cold.json" "$W/report-warm.json" 2>/dev/null || true
echo "Stage times, cold run (CARTELIER_PROFILE=1):"; grep '^stage' "$W/stages-cold.txt" || echo "  (none reported)"
echo "Stage times, warm run:"; grep '^stage' "$W/stages-warm.txt" || echo "  (none reported)"
cat "$W/dissolve.txt"
