#!/usr/bin/env bash
# Builds the ten application images (dns, puppet, haproxy, galera, openstack, cassandra, config,
# collector, control, webui), named after their services as dockstack expects, without any
# registry: the base is a static busybox from the machine (Debian package busybox-static).
# Usage: images/build.sh [DOCKER_HOST]   (default: the local engine; TAG=... for another tag)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
busybox=/bin/busybox
tag=${TAG:-latest}
[ -x "$busybox" ] || { echo "build.sh: no $busybox; install busybox-static" >&2; exit 1; }
if [ -n "${1:-}" ]; then export DOCKER_HOST=$1; fi

context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
mkdir -p "$context/rootfs/bin" "$context/rootfs/run" "$context/rootfs/tmp"
cp "$busybox" "$context/rootfs/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$context/rootfs/bin/$applet"
done
cp "$here/entrypoint.sh" "$context/rootfs/entrypoint.sh"
cp "$here/Dockerfile" "$context/Dockerfile"

for service in dns puppet haproxy galera openstack cassandra config collector control webui; do
  if ! output=$(docker build -q --build-arg SERVICE="$service" -t "$service:$tag" "$context" 2>&1); then
    echo "$output" >&2
    exit 1
  fi
  echo "built $service:$tag"
done
