#!/usr/bin/env bash
# Builds the test images offline from busybox-static and imports them into both engines
# (start-docker.sh first):
# - the seed's ten services (dns, puppet, haproxy, galera, openstack, cassandra, config, collector,
#   control, webui) as NAME:latest, plus webui:2, a distinct image for recreate-on-change tests
# - healthy:latest, whose health check passes after about 1 s
# - neverhealthy:latest, whose health check fails (unhealthy after about 1 s)
# Every container idles until SIGTERM and then exits at once, so `docker stop` is quick.
# An image whose recipe has not changed since the last run is not imported again.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RECIPE_VERSION=2
COMMENT=dockstack-testbed
WORK=/tmp/dockstack-testbed-images

SERVICES=(dns puppet haproxy galera openstack cassandra config collector control webui)
CMD='CMD ["/bin/sh","-c","trap '"'"'exit 0'"'"' TERM; sleep infinity & wait"]'

# name:tag|extra change (may be empty)
IMAGES=()
for service in "${SERVICES[@]}"; do
  IMAGES+=("$service:latest|")
done
IMAGES+=(
  "webui:2|"
  "healthy:latest|HEALTHCHECK --interval=1s --timeout=1s --retries=1 CMD true"
  "neverhealthy:latest|HEALTHCHECK --interval=1s --timeout=1s --retries=1 CMD false"
)

cleanup() { rm -rf "$WORK"; }
cleanup
trap cleanup EXIT

busybox_path=$(command -v busybox || true)
if [[ -z "$busybox_path" ]]; then
  echo "make-images: busybox not found; run test/testbed/install.sh" >&2
  exit 1
fi

build_rootfs() {
  local root=$WORK/root
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/usr/share/udhcpc"
  cp "$busybox_path" "$root/bin/busybox"
  local applet
  for applet in $("$root/bin/busybox" --list); do
    [[ "$applet" == busybox ]] || ln -s busybox "$root/bin/$applet"
  done
  # udhcpc hands a lease to this script; it configures the interface the way a dhclient would.
  cat >"$root/usr/share/udhcpc/default.script" <<'SCRIPT'
#!/bin/sh
case "$1" in
  deconfig)
    ip addr flush dev "$interface"
    ip link set "$interface" up
    ;;
  bound | renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    if [ -n "$router" ]; then ip route replace default via "${router%% *}" dev "$interface"; fi
    ;;
esac
exit 0
SCRIPT
  chmod 755 "$root/usr/share/udhcpc/default.script"
  chmod 1777 "$root/tmp"
  # One tar for every image: the engines store its layer once.
  tar -C "$root" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$WORK/rootfs.tar" .
}

# import ENGINE NAME:TAG KEY EXTRA
# The recipe's key goes in the image's comment, not in a label: containers inherit an image's
# labels, and the tests expect exactly the labels dockstack sets.
import_image() {
  local engine=$1 ref=$2 key=$3 extra=$4
  local current old_id
  current=$(docker -H "$engine" image inspect "$ref" --format '{{.Id}} {{.Comment}}' 2>/dev/null ||
    true)
  if [[ "$current" == *" $COMMENT $key" ]]; then
    return 0
  fi
  old_id=${current%% *}
  local changes=(-c "$CMD")
  if [[ -n "$extra" ]]; then
    changes+=(-c "$extra")
  fi
  docker -H "$engine" import -m "$COMMENT $key" "${changes[@]}" "$WORK/rootfs.tar" "$ref" >/dev/null
  if [[ -n "$old_id" ]]; then
    # The image this one replaced; still in use by a container, it stays.
    docker -H "$engine" rmi "$old_id" >/dev/null 2>&1 || true
  fi
  echo "make-images: $ref on $engine"
}

mkdir -p "$WORK"
build_rootfs
rootfs_sum=$(sha256sum "$WORK/rootfs.tar" | cut -d' ' -f1)

import_all() {
  local engine=$1 entry ref extra key
  for entry in "${IMAGES[@]}"; do
    ref=${entry%%|*}
    extra=${entry#*|}
    key=$(printf '%s\n' "$RECIPE_VERSION" "$rootfs_sum" "$CMD" "$ref" "$extra" | sha256sum | cut -c1-16)
    import_image "$engine" "$ref" "$key" "$extra"
  done
}

for engine in "$MAIN_ENDPOINT" "$H2_ENDPOINT"; do
  if ! answers "$engine"; then
    echo "make-images: no Docker engine at $engine; run test/testbed/start-docker.sh" >&2
    exit 1
  fi
done

pids=()
for engine in "$MAIN_ENDPOINT" "$H2_ENDPOINT"; do
  import_all "$engine" &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do
  wait "$pid" || status=1
done
if ((status != 0)); then
  echo "make-images: an import failed" >&2
  exit 1
fi
echo "make-images: ${#IMAGES[@]} images on $MAIN_ENDPOINT and $H2_ENDPOINT"
