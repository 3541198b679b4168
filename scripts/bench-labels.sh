#!/usr/bin/env bash
# Issue 18 benchmark: the label placement's speed — each seed map's label step (its labels placed
# again among the same symbols and page elements) and an A0 atlas page of 10 000 candidate labels —
# measured by tests/bench/labels_bench.cpp (built as the `bench_labels` target, not a test).
#
#   scripts/bench-labels.sh [--build DIR] [--runs N] [--labels N] [--only seed|atlas] [--uncached] [--blind]
#
# Targets (issue 18): each seed map's label step ≤ 10 ms, the 10 000 labels ≤ 0.5 s. Run it on an idle
# machine with a Release build; the seed maps need the layers fetched (scripts/fetch-layers.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build"
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --runs|--labels|--only) ARGS+=("$1" "$2"); shift 2 ;;
    --uncached|--blind) ARGS+=("$1"); shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "bench-labels.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
ninja -C "$BUILD" bench_labels >&2
cd "$ROOT"
exec "$BUILD/tests/bench_labels" "${ARGS[@]}"
