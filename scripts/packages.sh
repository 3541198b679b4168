# Sourced by the scripts that install Debian packages (setup.sh, sanitize.sh, bench.sh):
#   ensure_packages PREFIX PACKAGE...   installs those not installed yet (apt-get; root or sudo)
ensure_packages() {
  local prefix=$1; shift
  local missing=() p sudo=""
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    printf '%s: Debian packages: all present\n' "$prefix"
    return 0
  fi
  printf '%s: installing Debian packages: %s\n' "$prefix" "${missing[*]}"
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
