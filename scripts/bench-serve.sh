#!/usr/bin/env bash
# Measures `cartelier serve` (issue 16) as a cartographer sees it: for each seed map and for the national
# communes benchmark project (tests/bench/: 35,357 communes), the time from saving the style to the new
# rendering painted in the page, in headless Chromium (tests/bench/serve_bench.cpp); and on the communes
# project, the inspector's answer time over random clicks. Works on copies of the projects in a temporary
# folder; needs what `scripts/setup.sh --tests` installs (chromium, chromium-driver, layers/cache).
#
#   scripts/bench-serve.sh [--saves N] [--inspect N]     (defaults: 10 saves per map, 200 clicks)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
saves=10
clicks=200
while [ $# -gt 0 ]; do
  case "$1" in
    --saves) saves=$2; shift 2 ;;
    --inspect) clicks=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "bench-serve.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
build=${BUILD_DIR:-$root/build}
[ -s "$root/layers/cache/communes.geojson" ] || { echo "bench-serve: layers/cache is empty: run scripts/setup.sh --tests" >&2; exit 2; }
cmake --build "$build" --target cartelier bench_serve >/dev/null
bench=$build/tests/bench_serve
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== cartelier serve: save → new image painted in Chromium ($(nproc) cores, $(date -u +%F))"
# The seed project, one server per map (as `cartelier serve --map ID`).
seed=$work/seed
mkdir -p "$seed/layers"
cp -r "$root/cartelier.yaml" "$root/styles" "$seed/"
cp "$root"/layers/*.csv "$seed/layers/"
ln -s "$root/layers/cache" "$seed/layers/cache"
for m in flash local sessions; do
  "$bench" "$seed" "$seed/styles/$m.json" "$m" "$saves"
done
# The national communes project of the benchmark (tests/bench/cartelier.yaml reads ../../layers/cache).
mkdir -p "$work/national/tests" "$work/national/layers"
cp -r "$root/tests/bench" "$work/national/tests/"
ln -s "$root/layers/cache" "$work/national/layers/cache"
"$bench" "$work/national/tests/bench" "$work/national/tests/bench/communes.json" communes "$saves" --inspect "$clicks"
