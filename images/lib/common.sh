# shellcheck shell=bash
# Shared by build.sh and the files in lib/: logging with timings, the build engine, recipe keys,
# building an image only when its recipe changed, and copying images to another engine.
# Sourced, not run.

# Where images are built: an engine that reaches Debian's mirror. Every other engine gets the
# images with `docker save | docker load`, so it needs no mirror and no registry.
BUILD_HOST=${DOCKSTACK_BUILD_HOST:-unix:///var/run/docker.sock}
# The cache keys of the images: one tag per image in this repository, e.g.
# dockstack-recipe:dns-1a2b3c4d5e6f7a8b. A tag rather than a label: containers inherit an image's
# labels, and dockstack's containers carry exactly the labels dockstack sets.
RECIPE_REPO=dockstack-recipe
# Bumped when the way keys are computed changes, so every image is built again.
RECIPE_VERSION=1

# Build output goes to one log file per image; it is printed when a build fails.
LOG_DIR=${DOCKSTACK_IMAGES_LOG_DIR:-${TMPDIR:-/tmp}/dockstack-images}

log() { printf 'build.sh: %s\n' "$*"; }
die() {
  printf 'build.sh: %s\n' "$*" >&2
  exit 1
}

# Seconds since START (an $EPOCHREALTIME value), one decimal.
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f s", b - a }'; }

bdocker() { docker -H "$BUILD_HOST" "$@"; }

# Image ids by reference (REPO:TAG) and the set of ids, per engine, read with one call per
# engine: an inspect per image costs seconds over a dozen images on a busy machine.
declare -A IDS=()
declare -A HAS_ID=()
read_ids() {
  local engine=$1 ref id entry
  for entry in "${!IDS[@]}"; do
    [[ "$entry" != "$engine "* ]] || unset 'IDS[$entry]'
  done
  for entry in "${!HAS_ID[@]}"; do
    [[ "$entry" != "$engine "* ]] || unset 'HAS_ID[$entry]'
  done
  while read -r ref id; do
    IDS["$engine $ref"]=$id
    HAS_ID["$engine $id"]=1
  done < <(docker -H "$engine" images --no-trunc --format '{{.Repository}}:{{.Tag}} {{.ID}}')
}

# image_id ENGINE REF: the image's id as read_ids last saw it, empty when the engine lacks it.
image_id() { printf '%s' "${IDS["$1 $2"]:-}"; }

# tag ENGINE SOURCE REF: tags unless REF is that image already.
tag() {
  local id=${IDS["$1 $2"]:-}
  [[ -n "$id" && "${IDS["$1 $3"]:-}" == "$id" ]] && return 0
  docker -H "$1" tag "$2" "$3"
  [[ -z "$id" ]] || IDS["$1 $3"]=$id
}

# engine_id ENGINE: what tells engines apart. The ID alone does not: engines started from one
# /etc/docker share it (as the test bed's two do); their data roots differ.
engine_id() { docker -H "$1" info -f '{{.ID}} {{.Name}} {{.DockerRootDir}}' 2>/dev/null || true; }

# key_of PARTS...: a short hash of the arguments and of stdin (a recipe's files as a tar).
key_of() {
  { printf '%s\n' "$RECIPE_VERSION" "$@"; cat; } | sha256sum | cut -c1-16
}

# tar_of DIR: DIR as a tar whose bytes depend only on the names, contents and modes of its files,
# so the key of a recipe changes exactly when the recipe does.
tar_of() {
  tar -C "$1" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - .
}

recipe_ref() { printf '%s:%s-%s' "$RECIPE_REPO" "$1" "$2"; }

# "ENGINE ID" of images of build.sh's (they carry a recipe tag) that this run moved a tag away
# from: a rebuild, or a newer image loaded. What nothing names or uses any more goes at the end
# (forget_replaced); images of others, such as the test bed's, are never touched.
REPLACED=()

# note_replaced ENGINE OLD_ID NEW_ID: remembers OLD_ID when it is one of build.sh's images and
# not NEW_ID. Call it before read_ids forgets OLD_ID's recipe tag.
note_replaced() {
  local engine=$1 old=$2 new=$3 entry
  [[ -n "$old" && "$old" != "$new" ]] || return 0
  for entry in "${!IDS[@]}"; do
    if [[ "$entry" == "$engine $RECIPE_REPO:"* && "${IDS[$entry]}" == "$old" ]]; then
      REPLACED+=("$engine $old")
      return 0
    fi
  done
}

# forget_replaced: removes the replaced images, newest first so children go before parents. One
# still tagged or used by a container stays.
forget_replaced() {
  local i engine
  for ((i = ${#REPLACED[@]} - 1; i >= 0; i--)); do
    engine=${REPLACED[$i]%% *}
    docker -H "$engine" rmi "${REPLACED[$i]#* }" >/dev/null 2>&1 || true
  done
}

# forget_old_recipes ENGINE FLAVOR KEY: removes FLAVOR's recipe tags other than KEY, and with
# them the images nothing else names (an image a container still uses stays). Uses the ids
# read_ids saw, so an unchanged run asks the engine nothing.
forget_old_recipes() {
  local engine=$1 flavor=$2 key=$3 entry ref
  for entry in "${!IDS[@]}"; do
    [[ "$entry" == "$engine $RECIPE_REPO:$flavor-"* ]] || continue
    ref=${entry#"$engine "}
    [[ "$ref" != "$RECIPE_REPO:$flavor-$key" ]] || continue
    docker -H "$engine" rmi "$ref" >/dev/null 2>&1 || true
    unset 'IDS[$entry]'
  done
}

# build_image FLAVOR KEY REF CONTEXT [BUILD_ARG...]: builds REF from the Dockerfile in CONTEXT on
# the build engine unless the image of recipe KEY is there already, then tags it with the recipe.
# FLAVOR names the recipe (dns, standin-dns, ...): REF's tag is up to the caller.
build_image() {
  local flavor=$1 key=$2 ref=$3 context=$4
  shift 4
  local recipe start args=() arg logfile
  recipe=$(recipe_ref "$flavor" "$key")
  start=$EPOCHREALTIME
  if [[ -z "${REBUILD:-}" && -n "$(image_id "$BUILD_HOST" "$recipe")" ]]; then
    tag "$BUILD_HOST" "$recipe" "$ref"
    log "$ref: up to date ($(since "$start"))"
    return 0
  fi
  for arg in "$@"; do
    args+=(--build-arg "$arg")
  done
  mkdir -p "$LOG_DIR"
  logfile=$LOG_DIR/$flavor.log
  # The classic builder: it reaches the mirror through the engine's bridge, needs no buildx, and
  # keeps each step's layer as a cache for the next build of a changed recipe.
  if ! DOCKER_BUILDKIT=0 bdocker build --force-rm ${REBUILD:+--no-cache} "${args[@]}" \
    -t "$ref" -t "$recipe" "$context" >"$logfile" 2>&1; then
    tail -n 40 "$logfile" >&2
    die "$ref: build failed (log: $logfile)"
  fi
  local old_ids=("$(image_id "$BUILD_HOST" "$ref")" "$(image_id "$BUILD_HOST" "$recipe")") old
  local new_id
  new_id=$(bdocker image inspect -f '{{.Id}}' "$ref")
  for old in "${old_ids[@]}"; do
    note_replaced "$BUILD_HOST" "$old" "$new_id"
  done
  read_ids "$BUILD_HOST"
  forget_old_recipes "$BUILD_HOST" "$flavor" "$key"
  log "$ref: built in $(since "$start") ($(image_size "$BUILD_HOST" "$ref"))"
}

# image_size ENGINE REF: the image's size in MB.
image_size() {
  docker -H "$1" image inspect -f '{{.Size}}' "$2" | awk '{ printf "%d MB", $1 / 1000000 }'
}

# same_engine ENDPOINT: true when ENDPOINT is the build engine under another name.
same_engine() {
  local id
  [[ "$1" == "$BUILD_HOST" ]] && return 0
  id=$(engine_id "$1")
  [[ -n "$id" && "$id" == "$(engine_id "$BUILD_HOST")" ]]
}

# put_images ENDPOINT FLAVOR=KEY... -- REF...: makes ENDPOINT hold every REF as the build engine
# does. An image it has already (same id) is only tagged; the others go over in one
# `docker save | docker load`, so layers they share are sent once. Then the recipe tags of older
# builds of each FLAVOR go from ENDPOINT.
put_images() {
  local endpoint=$1 ref id start pair
  shift
  local pairs=()
  while [[ "$1" != -- ]]; do
    pairs+=("$1")
    shift
  done
  shift
  start=$EPOCHREALTIME
  read_ids "$endpoint"
  local send=() tagged=0
  for ref in "$@"; do
    id=$(image_id "$BUILD_HOST" "$ref")
    [[ -n "$id" ]] || die "$ref: not on $BUILD_HOST"
    if [[ "$(image_id "$endpoint" "$ref")" == "$id" ]]; then
      continue
    fi
    if [[ -n "${HAS_ID["$endpoint $id"]:-}" ]]; then
      docker -H "$endpoint" tag "$id" "$ref"
      IDS["$endpoint $ref"]=$id
      tagged=$((tagged + 1))
    else
      send+=("$ref")
    fi
  done
  if ((${#send[@]} > 0)); then
    for ref in "${send[@]}"; do
      note_replaced "$endpoint" "$(image_id "$endpoint" "$ref")" "$(image_id "$BUILD_HOST" "$ref")"
    done
    bdocker save "${send[@]}" | docker -H "$endpoint" load -q >/dev/null
    read_ids "$endpoint"
  fi
  for pair in "${pairs[@]}"; do
    forget_old_recipes "$endpoint" "${pair%%=*}" "${pair#*=}"
  done
  if ((${#send[@]} > 0)); then
    log "$endpoint: sent ${#send[@]} of $# references in $(since "$start")"
  else
    log "$endpoint: up to date ($# references, $tagged tagged, $(since "$start"))"
  fi
}
