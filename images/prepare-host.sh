#!/usr/bin/env bash
# Makes this machine ready to run dockstack's main job: git, a Docker Engine that answers, and
# busybox-static for the stand-in images. On Debian or Ubuntu as root it installs what is missing
# (apt-get) and starts the engine when it does not answer (systemd when it runs, else dockerd in
# the background, logging to /var/log/dockerd.log). Elsewhere it says exactly what to install and
# stops (exit 1). On a machine that has everything it installs nothing.
#
# Usage: images/prepare-host.sh
# Environment: DOCKER_HOST (the engine to use, default unix:///var/run/docker.sock),
# DOCKSTACK_OS_RELEASE (the os-release file to read, default /etc/os-release).
set -euo pipefail
export LC_ALL=C

say() { printf 'prepare-host: %s\n' "$*"; }
# stop LINE...: the first line after the prefix, the others indented under it; exit 1.
stop() {
  printf 'prepare-host: %s\n' "$1" >&2
  shift
  (($# == 0)) || printf '  %s\n' "$@" >&2
  exit 1
}

endpoint=${DOCKER_HOST:-unix:///var/run/docker.sock}
engine_answers() { command -v docker >/dev/null && docker -H "$endpoint" version >/dev/null 2>&1; }

# What is missing, as Debian packages.
missing=()
command -v git >/dev/null || missing+=(git)
if ! engine_answers && ! command -v dockerd >/dev/null; then missing+=(docker.io); fi
# The stand-ins copy /bin/busybox into images built FROM scratch: it must be the static one.
busybox_static() {
  [[ -x /bin/busybox ]] && [[ "$(ldd /bin/busybox 2>&1 || true)" == *"not a dynamic executable"* ]]
}
busybox_static || missing+=(busybox-static)

os_id=
os_like=
os_release=${DOCKSTACK_OS_RELEASE:-/etc/os-release}
if [[ -r "$os_release" ]]; then
  # shellcheck disable=SC1090
  os_id=$(. "$os_release" && printf '%s' "${ID:-}")
  # shellcheck disable=SC1090
  os_like=$(. "$os_release" && printf '%s' "${ID_LIKE:-}")
fi
debian_like() { [[ "$os_id" == debian || "$os_id" == ubuntu || " $os_like " == *" debian "* ]]; }

if ((${#missing[@]} > 0)); then
  if ! debian_like || ! command -v apt-get >/dev/null; then
    stop "missing: ${missing[*]} (Debian's package names), and this is ${os_id:-an unknown system}, not Debian or Ubuntu." \
      "Install with your system's packages: git; Docker Engine (see https://docs.docker.com/engine/install/), started;" \
      "a statically linked busybox at /bin/busybox. Then run this again."
  fi
  if ((EUID != 0)); then
    stop "missing: ${missing[*]}. Install them as root, start the engine, then run this again:" \
      "apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  dpkg --configure -a
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if engine_answers; then
  say "ready: git, busybox-static and the Docker Engine at $endpoint"
  exit 0
fi
if [[ "$endpoint" != unix:///var/run/docker.sock ]]; then
  stop "no Docker Engine answers at $endpoint (DOCKER_HOST); start it, or unset DOCKER_HOST to use the local one"
fi
if ((EUID != 0)); then
  if [[ -S /var/run/docker.sock ]]; then
    stop "the Docker Engine at /var/run/docker.sock does not answer you: run this as root, or add" \
      "your user to the socket's group ($(stat -c %G /var/run/docker.sock)) and log in again"
  fi
  stop "no Docker Engine runs here; start it as root (systemctl start docker, or dockerd), then run this again"
fi

if [[ -d /run/systemd/system ]]; then
  say "starting the Docker Engine (systemctl start docker)"
  systemctl start docker
else
  say "starting the Docker Engine (dockerd, log: /var/log/dockerd.log)"
  rm -f /var/run/docker.pid
  setsid dockerd >/var/log/dockerd.log 2>&1 </dev/null &
fi
for _ in $(seq 300); do
  if engine_answers; then
    say "ready: git, busybox-static and the Docker Engine at $endpoint"
    exit 0
  fi
  sleep 0.1
done
stop "the Docker Engine did not answer within 30 s (see journalctl -u docker or /var/log/dockerd.log)"
