# shellcheck shell=bash
# The Debian packages the image builds need on the build machine. Sourced by build.sh.

# missing_packages PACKAGE...: prints those not installed.
missing_packages() {
  local package status
  for package in "$@"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
    [[ "$status" == installed ]] || printf '%s\n' "$package"
  done
}

# ensure_packages PACKAGE...: installs what is missing when run as root; otherwise names the
# command to run and stops, as a build without them fails halfway.
ensure_packages() {
  local missing
  mapfile -t missing < <(missing_packages "$@")
  ((${#missing[@]} > 0)) || return 0
  if ((EUID != 0)); then
    die "missing packages; run as root: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # A crashed earlier run can leave dpkg half-configured; finish that first.
  dpkg --configure -a
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
