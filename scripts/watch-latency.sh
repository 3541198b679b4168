#!/usr/bin/env bash
# Measures `cartelier watch`: time from saving a style to a new PNG, for each map of the project.
#   scripts/watch-latency.sh [runs per map]      (default 3; uses a copy of the project in a temp dir)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${CARTELIER:-$root/build/cartelier}
runs=${1:-3}
work=$(mktemp -d)
trap 'kill "$watcher" 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r "$root/cartelier.yaml" "$root/styles" "$work/"
mkdir -p "$work/layers" && cp "$root"/layers/*.csv "$work/layers/" && ln -s "$root/layers/cache" "$work/layers/cache"
cd "$work"
"$bin" watch > watch.log 2>&1 &
watcher=$!
for m in flash local sessions; do
  until [ -f "out/$m.png" ]; do sleep 0.05; done
done
sleep 0.5
printf '%-10s %s\n' map "save → new PNG (s)"
for m in flash local sessions; do
  times=()
  for i in $(seq "$runs"); do
    before=$(stat -c %Y.%N "out/$m.png" 2>/dev/null | cut -d' ' -f1)
    before=$(stat -c %.9Y "out/$m.png")
    start=$(date +%s.%N)
    # Change the sea colour slightly, as a cartographer would, and save (write + rename).
    sed "s/\"background-color\": \"#[0-9a-f]*\"/\"background-color\": \"#dfeaf$((i % 10))\"/" "styles/$m.json" > "styles/.$m.json.tmp"
    mv "styles/.$m.json.tmp" "styles/$m.json"
    until [ "$(stat -c %.9Y "out/$m.png")" != "$before" ]; do sleep 0.01; done
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc -l)")
    sleep 0.3
  done
  printf '%-10s %s\n' "$m" "$(printf '%.2f ' "${times[@]}")"
done
