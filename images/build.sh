#!/usr/bin/env bash
# Builds dockstack's images on the local engine and puts them on ENDPOINT, which needs neither a
# registry nor a package mirror: what it lacks goes over with `docker save | docker load`.
#
# Usage: images/build.sh [--standins | --network | --app | --daemon] [--rebuild] [--install-only]
#                       [ENDPOINT]
#   --standins (default)  the ten services as small busybox stand-ins, from busybox-static
#   --network             the Debian base, the real dns image (dnsmasq) and dockstack-helper
#   --app                 --network plus the real application images of the other nine services
#   --daemon              dockstack itself (DOCKSTACK_IMAGE, default dockstack:latest): this checkout compiled, on the
#                         Debian base with Node.js 24 from the npm registry; needs npm ci first
#   --rebuild             build again even when the recipe did not change
#   --install-only        install the Debian packages the chosen images need, then stop
#   ENDPOINT              a Docker endpoint (unix:///run/x.sock, tcp://HOST:2375); default: the
#                         local engine
# Environment: TAG (tag of the service images, default latest), DOCKSTACK_BUILD_HOST (the engine
# that builds, default unix:///var/run/docker.sock), DOCKSTACK_IMAGE_CACHE (a folder that keeps
# the built images as tar files between machines, e.g. a CI cache), APP_SERVICES (with --app:
# only these application images, space-separated, e.g. "puppet galera"), DEBIAN_MIRROR and
# DEBIAN_SECURITY_MIRROR (default: the ones this machine's apt uses for bookworm; with neither, the
# network, app and daemon images stop and say so). See images/README.md.
set -euo pipefail
export LC_ALL=C
IMAGES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$IMAGES_DIR/lib/common.sh"
source "$IMAGES_DIR/lib/install.sh"
source "$IMAGES_DIR/lib/mirrors.sh"
source "$IMAGES_DIR/lib/base.sh"
source "$IMAGES_DIR/lib/queue.sh"

SERVICES=(dns puppet haproxy galera openstack cassandra config collector control webui)
TAG=${TAG:-latest}
HELPER_REF=dockstack-helper:latest

# usage [STATUS]: the header above, to stderr unless asked for with --help.
usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&"$((${1:-2} == 0 ? 1 : 2))"
  exit "${1:-2}"
}

mode=standins
install_only=
endpoint=
REBUILD=
while (($# > 0)); do
  case "$1" in
    --standins) mode=standins ;;
    --network) mode=network ;;
    --app) mode=app ;;
    --daemon) mode=daemon ;;
    --rebuild) REBUILD=1 ;;
    --install-only) install_only=1 ;;
    -h | --help) usage 0 ;;
    -*) usage ;;
    *)
      [[ -z "$endpoint" ]] || usage
      endpoint=$1
      ;;
  esac
  shift
done

# Build contexts and the base's root file system live here until the end, failed or not.
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/dockstack-images.XXXXXX")
remove_work() {
  # An interrupted debootstrap leaves /proc (and more) mounted in the base's root: unmount what
  # lies under WORK, deepest first, and never let rm cross into another file system.
  local mounted
  mounted=$(awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r)
  [ -z "$mounted" ] || printf '%s\n' "$mounted" | xargs -r -d '\n' umount -l
  rm -rf --one-file-system "$WORK"
}
trap remove_work EXIT

case "$mode" in
  standins) ensure_packages busybox-static ;;
  *) ensure_packages debootstrap debian-archive-keyring ;;
esac
[[ -z "$install_only" ]] || exit 0

# The engines are named explicitly: a DOCKER_HOST from the caller must not move the build.
unset DOCKER_HOST DOCKER_CONTEXT
docker -H "$BUILD_HOST" version >/dev/null 2>&1 || die "no Docker engine at $BUILD_HOST"
if [[ -n "$endpoint" ]]; then
  docker -H "$endpoint" version >/dev/null 2>&1 || die "no Docker engine at $endpoint"
  if same_engine "$endpoint"; then endpoint=; fi
fi

started=$EPOCHREALTIME

# The stand-ins: a static busybox, the service's name and a health check, built from scratch.
queue_standins() {
  local context service
  context=$(new_context "$IMAGES_DIR/standin")
  mkdir -p "$context/rootfs/bin" "$context/rootfs/run" "$context/rootfs/tmp"
  cp /bin/busybox "$context/rootfs/bin/busybox"
  # A link to busybox for every applet, made by one process: a fork per link took seconds.
  /bin/busybox --list | (cd "$context/rootfs/bin" &&
    perl -nle '$_ eq "busybox" or symlink("busybox", $_) or die "$_: $!"')
  mv "$context/entrypoint.sh" "$context/rootfs/entrypoint.sh"
  for service in "${SERVICES[@]}"; do
    queue_image "standin-$service" "$service:$TAG" "" "$context" "SERVICE=$service"
  done
}

# The network images: dnsmasq for the dns service, and the helper dockstack runs for host-level
# network work (bridges, VXLAN, veth pairs, Open vSwitch, DHCP in a container's namespace).
queue_network() {
  queue_image dns "dns:$TAG" "$BASE_KEY" \
    "$(new_context "$IMAGES_DIR/dns" "$IMAGES_DIR/common")" "BASE=$BASE_REF"
  queue_image helper "$HELPER_REF" "$BASE_KEY" \
    "$(new_context "$IMAGES_DIR/helper" "$IMAGES_DIR/common")" "BASE=$BASE_REF"
}

case "$mode" in
  standins)
    queue_standins
    ;;
  network)
    base_prepare
    queue_network
    ;;
  app)
    base_prepare
    queue_network
    # shellcheck source=lib/app.sh
    source "$IMAGES_DIR/lib/app.sh"
    queue_app
    ;;
  daemon)
    base_prepare
    # shellcheck source=lib/daemon.sh
    source "$IMAGES_DIR/lib/daemon.sh"
    queue_daemon
    ;;
esac

read_ids "$BUILD_HOST"
cache_load "$mode"
[[ "$mode" == standins ]] || make_base
build_queue
cache_save "$mode"

if [[ -n "$endpoint" ]]; then
  # The base is not sent: the images carry its layers, and that engine builds nothing.
  put_images "$endpoint" "${QUEUE_PAIRS[@]}" -- "${QUEUE_SEND[@]}" "${QUEUE_RECIPE[@]}"
fi
forget_replaced
log "done in $(since "$started"): ${QUEUE_SEND[*]}${endpoint:+ on $endpoint}"
