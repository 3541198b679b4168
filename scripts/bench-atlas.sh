#!/usr/bin/env bash
# Issue 15 benchmark: the département atlas (tests/bench/atlas/, the job of ../shared/bench/atlas/job.json:
# 101 A4 portrait sheets) by Cartelier and by its peers in the same run, alternating, whole processes
# timed with GNU time (wall, peak RSS); prints medians and the ratios of the issue's goals.
#
#   scripts/bench-atlas.sh [--runs N] [--no-install] [--qgis] [--cartelier PATH]
#
# Cases (each PDF and PNG separately, as the peers were measured):
#   cartelier-{pdf,png}-cold   empty output folder and cache, the GeoJSON layers as delivered
#   cartelier-{pdf,png}-warm   the layers prepared (cache kept), the style edited: every page drawn again
#   cartelier-one-page         the same folder up to date, one département's name edited: its page and
#                              the series PDF rebuilt
#   cartelier-one-page-watch   the same edit saved under `cartelier watch --all-formats` (a process kept
#                              running: the communes and the transformations stay in memory), from the
#                              save to the watch's "watching" line, the series written; four saves per
#                              run, the first after the watch started told apart (-first): the
#                              départements as read are not in memory yet. -work: the watch's own
#                              "done in" (from the rebuild's start, once the save has settled: 2 ms
#                              after the file is closed or moved in, 40 ms while it is being written)
#   cartelier-25-pages         cold, the atlas filtered to its last 25 pages, in all of the series' CRSs
#                              (peak memory against the 101 pages)
#   mapnik-{pdf,png}           ../shared/bench/atlas/mapnik/atlas.py, reading the same GeoJSON files
#   qgis-gpkg-{pdf,png}        with --qgis: ../shared/bench/atlas/qgis/atlas.py on GeoPackage copies
#                              (installs python3-qgis, qgis-providers and xvfb: a large download)
# Needs the layers fetched (scripts/fetch-layers.sh) and the peers' folder ../shared/bench/atlas.
# Work files go to $BENCH_DIR (default /tmp/cartelier-bench-atlas).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=3
INSTALL=1
QGIS=0
CARTELIER="$ROOT/build/cartelier"
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --no-install) INSTALL=0; shift ;;
    --qgis) QGIS=1; shift ;;
    --cartelier) CARTELIER=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "bench-atlas.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
PEERS=$(cd "$ROOT/.." && pwd)/shared/bench/atlas
[ -f "$PEERS/job.json" ] || { echo "bench-atlas.sh: no peers' folder $PEERS" >&2; exit 2; }
W=${BENCH_DIR:-/tmp/cartelier-bench-atlas}
rm -rf "$W"
mkdir -p "$W"

if [ "$INSTALL" = 1 ]; then
  source "$ROOT/scripts/packages.sh"
  ensure_packages bench python3-mapnik python3-cairo python3-gdal gdal-bin fonts-dejavu-core poppler-utils time >&2
  [ "$QGIS" = 1 ] && ensure_packages bench python3-qgis qgis-providers xvfb >&2
fi
CACHE="$ROOT/layers/cache"
[ -s "$CACHE/communes.geojson" ] || "$ROOT/scripts/fetch-layers.sh" >&2

# The peers' input names, over the project's layer cache (the same files).
mkdir -p "$W/layers"
ln -s "$CACHE/departements.geojson" "$W/layers/departements-avec-outre-mer.geojson"
ln -s "$CACHE/communes.geojson" "$W/layers/communes-avec-outre-mer.geojson"
# The GeoPackage copies the QGIS cases read, made by the peers' own script.
[ "$QGIS" = 1 ] && LAYERS="$W/layers" "$PEERS/convert-gpkg.sh" "$W/gpkg" >&2

# A copy of the benchmark project per format, reading its own copy of the départements (edited by the
# one-page case) and the communes of the cache.
project() {  # DIR FORMATS [FILTER]
  local dir=$1
  mkdir -p "$dir"
  cp "$ROOT/tests/bench/atlas/atlas.json" "$dir/"
  cp "$CACHE/departements.geojson" "$dir/departements.geojson"
  sed -e "s|source: ../../../layers/cache/departements.geojson.*|source: departements.geojson|" \
      -e "s|source: ../../../layers/cache/communes.geojson|source: $CACHE/communes.geojson|" \
      -e "s|formats: \[pdf, png\]|formats: [$2]|" "$ROOT/tests/bench/atlas/cartelier.yaml" > "$dir/cartelier.yaml"
  if [ -n "${3:-}" ]; then
    sed -i "s|      sort: code|      sort: code\n      filter: $3|" "$dir/cartelier.yaml"
  fi
}
project "$W/pdf" pdf
project "$W/png" png
# The last 25 pages (76 … 95 and the five overseas départements): every CRS of the series, a quarter of
# its pages — what changes from it to the whole series is the number of pages alone.
project "$W/p25" png '[">=", ["get", "code"], "76"]'

# time_run LABEL CMD...: one row "label seconds peak_kB" in $W/times.txt
time_run() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$W/time.out" "$@" > "$W/last.log" 2>&1 || { echo "bench-atlas: $label failed:" >&2; tail -5 "$W/last.log" >&2; exit 1; }
  echo "$label $(cat "$W/time.out")" >> "$W/times.txt"
}
build() { echo "$CARTELIER" build --project "$1/cartelier.yaml" --out "$1/out" -j 2; }  # the command, for time_run
toggle_style() {  # the neighbours' grey, alternately #dddddd and #dcdcdc: every page drawn again
  if grep -q '#dddddd' "$1/atlas.json"; then sed -i 's/#dddddd/#dcdcdc/' "$1/atlas.json"; else sed -i 's/#dcdcdc/#dddddd/' "$1/atlas.json"; fi
}

for run in $(seq 1 "$RUNS"); do
  echo "bench-atlas: run $run of $RUNS" >&2
  for f in pdf png; do
    rm -rf "$W/$f/out"
    time_run "cartelier-$f-cold" $(build "$W/$f")
    toggle_style "$W/$f"
    time_run "cartelier-$f-warm" $(build "$W/$f")
    rm -rf "$W/mapnik-$f"
    time_run "mapnik-$f" env LAYERS="$W/layers" /usr/bin/python3 "$PEERS/mapnik/atlas.py" "$f" "$W/mapnik-$f"
    if [ "$QGIS" = 1 ]; then
      rm -rf "$W/qgis-$f"; mkdir -p "$W/qgis-$f"
      out="$W/qgis-$f"; [ "$f" = pdf ] && out="$W/qgis-$f/atlas.pdf"
      time_run "qgis-gpkg-$f" env QT_QPA_PLATFORM=offscreen LAYERS="$W/gpkg" INPUT_EXT=.gpkg /usr/bin/python3 "$PEERS/qgis/atlas.py" "$f" "$out"
    fi
  done
  # One département's name edited (Pas-de-Calais), alternately: its page and the series rebuilt.
  if grep -q '"Pas-de-Calais"' "$W/png/departements.geojson"; then
    sed -i 's/"Pas-de-Calais"/"Pas-de-Calais (62)"/' "$W/png/departements.geojson" "$W/pdf/departements.geojson"
  else
    sed -i 's/"Pas-de-Calais (62)"/"Pas-de-Calais"/' "$W/png/departements.geojson" "$W/pdf/departements.geojson"
  fi
  time_run "cartelier-one-page-pdf" $(build "$W/pdf")
  grep -q "1 of its 101 pages built" "$W/last.log" || { echo "bench-atlas: the one-page edit rebuilt more than one page:" >&2; grep -E '^built' "$W/last.log" | head >&2; exit 1; }
  # The same edit under watch (four saves: the file ends as it was).
  python3 - "$CARTELIER" "$W/pdf" 4 >> "$W/times.txt" <<'EOF'
import os, re, signal, subprocess, sys, time
binary, project, saves = sys.argv[1], sys.argv[2], int(sys.argv[3])
watch = subprocess.Popen([binary, "watch", "--all-formats", "--project", f"{project}/cartelier.yaml", "--out",
                          f"{project}/out"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
def until_watching():
    lines = []
    for line in watch.stdout:
        lines.append(line)
        if "watching" in line:
            return "".join(lines)
    sys.exit("bench-atlas: the watch ended:\n" + "".join(lines))
until_watching()
path = f"{project}/departements.geojson"
for i in range(saves):
    text = open(path, encoding="utf-8").read()
    text = (text.replace('"Pas-de-Calais"', '"Pas-de-Calais (62)"') if '"Pas-de-Calais"' in text
            else text.replace('"Pas-de-Calais (62)"', '"Pas-de-Calais"'))
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    start = time.monotonic()
    os.replace(path + ".tmp", path)  # saved as an editor does: written aside, renamed over
    said = until_watching()
    seconds = time.monotonic() - start
    if "departements/62 rebuilt" not in said or "series PDF assembled" not in said or "100 of its 101 pages up to date" not in said:
        sys.exit("bench-atlas: the watch did not rebuild page 62 and the series alone:\n" + said)
    label = "cartelier-one-page-watch" + ("-first" if i == 0 else "")
    print(f"{label} {seconds:.3f} 0")
    print(f"{label}-work {re.search(r'done in ([0-9.]+) s', said).group(1)} 0")
    time.sleep(0.3)
watch.send_signal(signal.SIGINT)
watch.wait()
EOF
  rm -rf "$W/p25/out"
  time_run "cartelier-25-pages-png" $(build "$W/p25")
done

# Labels: the communes named on each page (placed or displaced), from the last PNG build's report.
python3 - "$W" <<'EOF'
import json, sys, statistics, collections
W = sys.argv[1]
t = collections.defaultdict(list); m = collections.defaultdict(list)
for line in open(f"{W}/times.txt"):
    label, sec, kb = line.split()
    t[label].append(float(sec)); m[label].append(int(kb))
med = {k: statistics.median(v) for k, v in t.items()}
peak = {k: statistics.median(v) / 1024 for k, v in m.items()}
print(f"{'case':28} {'median s':>9} {'peak MiB':>9}  runs")
for k in sorted(med):
    print(f"{k:28} {med[k]:9.2f} {peak[k]:9.0f}  {len(t[k])}")
def ratio(a, b):
    return f"{med[a] / med[b]:.2f}" if a in med and b in med else "n/a"
print()
print(f"cold PDF / Mapnik PDF: {ratio('cartelier-pdf-cold', 'mapnik-pdf')} (goal ≤ 0.5)")
print(f"cold PNG / Mapnik PNG: {ratio('cartelier-png-cold', 'mapnik-png')} (goal ≤ 0.5)")
print(f"warm PDF / QGIS GeoPackage PDF: {ratio('cartelier-pdf-warm', 'qgis-gpkg-pdf')} (goal ≤ 0.1)")
print(f"warm PNG / QGIS GeoPackage PNG: {ratio('cartelier-png-warm', 'qgis-gpkg-png')} (goal ≤ 0.1)")
print(f"one page / cold PDF: {ratio('cartelier-one-page-pdf', 'cartelier-pdf-cold')} (goal ≤ 0.02)")
print(f"one page under watch, save → series / cold PDF: {ratio('cartelier-one-page-watch', 'cartelier-pdf-cold')}"
      f" (the first save after the watch started: {ratio('cartelier-one-page-watch-first', 'cartelier-pdf-cold')})")
if 'cartelier-png-cold' in peak and 'mapnik-png' in peak:
    print(f"peak memory, PNG cold: {peak['cartelier-png-cold']:.0f} MiB, Mapnik {peak['mapnik-png']:.0f} MiB; "
          f"25 pages {peak.get('cartelier-25-pages-png', 0):.0f} MiB against 101 pages {peak['cartelier-png-cold']:.0f} MiB")
r = json.load(open(f"{W}/png/out/build-report.json"))
named = unplaced = 0
for page in r["maps"]:
    l = page.get("labels") or {}
    named += l.get("placed", 0) + l.get("displaced", 0); unplaced += l.get("unplaced", 0)
print(f"commune labels named by Cartelier: {named} (unplaced: {unplaced}); crossings asserted 0 by the report")
EOF
