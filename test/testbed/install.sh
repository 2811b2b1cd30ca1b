#!/usr/bin/env bash
# Installs the Debian packages the Docker tests need: the engine, busybox for the offline images,
# iproute2 for the second host's namespace, docker-compose for the benchmark. Skips apt-get
# entirely when everything is already there.
set -euo pipefail

packages=(docker.io busybox-static iproute2 docker-compose)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  if [[ "$status" != installed ]]; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install: all present (${packages[*]})"
  exit 0
fi

echo "install: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# A crashed earlier run can leave dpkg half-configured; finish that first.
dpkg --configure -a
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install: done"
