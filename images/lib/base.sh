# shellcheck shell=bash
# The Debian base image, dockstack-base:bookworm: debootstrap --variant=minbase from the mirror
# this machine's apt uses, plus the files in base/rootfs/, imported with `docker import`. Every
# real image is built FROM it. Sourced by build.sh after common.sh and mirrors.sh.

BASE_REF=dockstack-base:bookworm
BASE_SUITE=bookworm
BASE_VARIANT=minbase

# base_prepare: sets the mirrors and BASE_KEY, the key of the base's recipe: suite, variant,
# mirrors, the files laid over it and the steps below (this file). The mirrors are the ones this
# machine's apt uses for the suite and its security updates, unless DEBIAN_MIRROR and
# DEBIAN_SECURITY_MIRROR name them (e.g. when this machine's mirror is a proxy on 127.0.0.1 that
# containers cannot reach, or when its apt follows another distribution). No mirror is assumed:
# without one the build stops and says which variable to set.
base_prepare() {
  pick_mirror DEBIAN_MIRROR "$BASE_SUITE" "Debian mirror"
  MIRROR=$PICKED
  pick_mirror DEBIAN_SECURITY_MIRROR "$BASE_SUITE-security" "Debian security mirror"
  SECURITY_MIRROR=$PICKED
  BASE_KEY=$(tar_of "$IMAGES_DIR/base" | cat - "${BASH_SOURCE[0]}" |
    key_of base "$BASE_SUITE" "$BASE_VARIANT" "$MIRROR" "$SECURITY_MIRROR")
}

# make_base: builds and imports the base image unless it is there already (base_prepare first).
make_base() {
  local recipe start root
  recipe=$(recipe_ref base "$BASE_KEY")
  start=$EPOCHREALTIME
  if [[ -z "${REBUILD:-}" && -n "$(image_id "$BUILD_HOST" "$recipe")" ]]; then
    tag "$BUILD_HOST" "$recipe" "$BASE_REF"
    log "$BASE_REF: up to date ($(since "$start"))"
    return 0
  fi
  root=$WORK/base-root
  mkdir -p "$LOG_DIR"
  log "$BASE_REF: debootstrap $BASE_SUITE from $MIRROR (about a minute)"
  if ! debootstrap --variant="$BASE_VARIANT" "$BASE_SUITE" "$root" "$MIRROR" \
    >"$LOG_DIR/base.log" 2>&1; then
    tail -n 40 "$LOG_DIR/base.log" >&2
    die "$BASE_REF: debootstrap failed (log: $LOG_DIR/base.log)"
  fi
  cp -a "$IMAGES_DIR/base/rootfs/." "$root/"
  cat >"$root/etc/apt/sources.list" <<EOF
deb $MIRROR $BASE_SUITE main
deb $MIRROR $BASE_SUITE-updates main
deb $SECURITY_MIRROR $BASE_SUITE-security main
EOF
  # What dpkg now excludes from new packages goes from the bootstrapped ones too. man1 stays as
  # an empty folder: Java's postinst puts alternatives links there and fails without it.
  rm -rf "$root"/usr/share/{man,groff,info,lintian,linda,locale}/*
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  mkdir -p "$root/usr/share/man/man1"
  # The engine provides these per container; the build machine's copies must not leak in.
  : >"$root/etc/resolv.conf"
  : >"$root/etc/hostname"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin \
    "$root"/var/lib/apt/lists/* "$root"/var/log/*.log "$root"/var/log/apt/*
  tar -C "$root" --numeric-owner -cf - . |
    bdocker import -m "dockstack-base $BASE_KEY" \
      -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      -c 'CMD ["/bin/bash"]' - "$BASE_REF" >/dev/null
  bdocker tag "$BASE_REF" "$recipe"
  rm -rf "$root"
  note_replaced "$BUILD_HOST" "$(image_id "$BUILD_HOST" "$recipe")" \
    "$(bdocker image inspect -f '{{.Id}}' "$BASE_REF")"
  read_ids "$BUILD_HOST"
  forget_old_recipes "$BUILD_HOST" base "$BASE_KEY"
  log "$BASE_REF: built in $(since "$start") ($(image_size "$BUILD_HOST" "$BASE_REF"))"
}
