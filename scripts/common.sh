# Shared by scripts/run and scripts/test: install what is missing (Debian packages only),
# then configure and build a CMake preset. Idempotent; quick when everything is there.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# Build tools and libraries (README "Dependencies"), plus what the tests drive:
# curl/openssl/python3 for the hand-built-request check, libxml2-utils for JUnit validation,
# python3-yaml for the check of the CI recipes in .ci/examples/; nginx and haproxy as gateways
# in front of the mock (tests/gateway).
PACKAGES=(
  cmake make g++ pkg-config
  librapidcheck-dev libcpp-httplib-dev nlohmann-json3-dev libssl-dev libgtest-dev libbenchmark-dev
  clang-14 libclang-rt-14-dev
  curl openssl python3 libxml2-utils python3-yaml nginx haproxy
)

ensure_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "missing packages: ${missing[*]} (run as root to install them)" >&2; exit 2; }
    sudo=(sudo)
  fi
  echo "== installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# build PRESET [TARGET...]: configure once, then build incrementally.
build() {
  local preset=$1
  shift
  if [[ ! -f build/$preset/CMakeCache.txt ]]; then
    echo "== configuring preset $preset"
    cmake --preset "$preset" >/dev/null
  fi
  echo "== building preset $preset"
  local targets=()
  local t
  for t in "$@"; do targets+=(--target "$t"); done
  cmake --build --preset "$preset" "${targets[@]}" -- --no-print-directory | grep -v -E '^\[ *[0-9]+%\] (Building|Built target|Linking)' || true
  [[ ${PIPESTATUS[0]} -eq 0 ]] || { echo "build failed" >&2; exit 1; }
}
