#!/usr/bin/env bash
# Sets Cartelier up on Debian 12: installs the Debian packages it needs (only those missing),
# configures and builds it with CMake, and fetches the boundary layers and the commune → EPCI table
# into layers/cache/.
#
#   scripts/setup.sh            build dependencies, build, layers
#   scripts/setup.sh --tests    the same, plus what the test suite needs (the reference MapLibre
#                               style-spec package from the npm registry, poppler-utils,
#                               PostgreSQL 15 + PostGIS 3 for the throwaway servers of pg_virtualenv)
#
# Idempotent: a second run installs nothing, rebuilds only what changed, and re-fetches no layer.
# Environment: BUILD_DIR (default build), BUILD_TYPE (default RelWithDebInfo), CMAKE_ARGS (extra).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
source "$root/scripts/packages.sh"
tests=0
for arg in "$@"; do
  case "$arg" in
    --tests) tests=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

log() { printf 'setup: %s\n' "$*"; }

# What each package is for is in README.md ("Dependencies").
packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates curl
  libgdal-dev gdal-bin libproj-dev proj-data libgeos-dev libpng-dev zlib1g-dev libdeflate-dev libgoogle-perftools-dev
  libcairo2-dev libpango1.0-dev librsvg2-dev
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libfmt-dev libspdlog-dev libxxhash-dev
  libsimdjson-dev nettle-dev
  libgtest-dev googletest
  fonts-dejavu-core qgis-common
  libqpdf-dev ghostscript
  libicu-dev
  postgresql-client
  libcpp-httplib-dev
)
# Node.js and npm: scripts/fetch-layers.sh fetches the commune → EPCI table (the territories) with
# `npm pack` and converts it with node; the tests also use them (a node/npm not from Debian is kept).
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
if [ "$tests" = 1 ]; then
  packages+=(poppler-utils qpdf postgresql-15-postgis-3 postgresql-common chromium chromium-driver)
fi

ensure_packages setup "${packages[@]}"

if [ "$tests" = 1 ]; then
  # The reference implementation of the MapLibre style spec (validator and expression cross-check),
  # pinned by tests/reference/package-lock.json.
  # And the communes table of @etalab/decoupage-administratif (join at national scale), pinned by
  # tests/data-etalab/package-lock.json.
  for dir in tests/reference tests/data-etalab; do
    stamp=$dir/node_modules/.lock-sha256
    want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
      log "installing npm packages of $dir (npm ci)"
      npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
      echo "$want" > "$stamp"
    else
      log "npm packages of $dir: up to date"
    fi
  done
fi

build_dir=${BUILD_DIR:-build}
log "configuring and building in $build_dir/"
# A new build folder is a unity build (CARTELIER_UNITY: sources compiled in batches, a first build in
# much less time); one configured before keeps its choice (developers: -DCARTELIER_UNITY=OFF, so that an
# edit recompiles one file).
unity=()
[ -f "$build_dir/CMakeCache.txt" ] || unity=(-DCARTELIER_UNITY=ON)
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "${unity[@]}" ${CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j "$(nproc)"

log "fetching layers"
scripts/fetch-layers.sh
log "ready: $build_dir/cartelier"
