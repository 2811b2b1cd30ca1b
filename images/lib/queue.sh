# shellcheck shell=bash
# The images of one run: each queued with its build context and recipe key, then built in order
# (a parent before its children), and optionally kept in a cache folder. Sourced by build.sh
# after common.sh.

QUEUE_FLAVOR=()
QUEUE_REF=()
QUEUE_KEY=()
QUEUE_CONTEXT=()
QUEUE_ARGS=()
# What build.sh sends to an endpoint: the images, their recipe tags, and FLAVOR=KEY pairs.
QUEUE_SEND=()
QUEUE_RECIPE=()
QUEUE_PAIRS=()

# new_context DIR...: a fresh build context holding the files of every DIR (later ones win).
new_context() {
  local context dir
  context=$(mktemp -d "$WORK/context.XXXXXX")
  for dir in "$@"; do
    cp -a "$dir/." "$context/"
  done
  printf '%s' "$context"
}

# queue_image FLAVOR REF PARENT_KEY CONTEXT [BUILD_ARG...]: queues REF and sets LAST_KEY to its
# recipe key: the context's files, the build arguments and the parent's key. The parent's key,
# not its id: a key is then known before anything is built, and the same on every machine.
# With QUEUE_LOCAL=1 the image stays on the build engine (a layer others are built FROM).
queue_image() {
  local flavor=$1 ref=$2 parent=$3 context=$4
  shift 4
  LAST_KEY=$(tar_of "$context" | key_of "$flavor" "$parent" "$@")
  QUEUE_FLAVOR+=("$flavor")
  QUEUE_REF+=("$ref")
  QUEUE_KEY+=("$LAST_KEY")
  QUEUE_CONTEXT+=("$context")
  QUEUE_ARGS+=("$*")
  if [[ -z "${QUEUE_LOCAL:-}" ]]; then
    QUEUE_SEND+=("$ref")
    QUEUE_RECIPE+=("$(recipe_ref "$flavor" "$LAST_KEY")")
    QUEUE_PAIRS+=("$flavor=$LAST_KEY")
  fi
}

build_queue() {
  local i args
  for i in "${!QUEUE_REF[@]}"; do
    # Build arguments hold no spaces (NAME=VALUE with plain values).
    read -r -a args <<<"${QUEUE_ARGS[$i]}"
    build_image "${QUEUE_FLAVOR[$i]}" "${QUEUE_KEY[$i]}" "${QUEUE_REF[$i]}" \
      "${QUEUE_CONTEXT[$i]}" "${args[@]}"
  done
}

# The refs a cache file holds: every queued image, its recipe tag, and the base when used.
cache_refs() {
  local i
  CACHE_REFS=()
  for i in "${!QUEUE_REF[@]}"; do
    CACHE_REFS+=("${QUEUE_REF[$i]}" "$(recipe_ref "${QUEUE_FLAVOR[$i]}" "${QUEUE_KEY[$i]}")")
  done
  if [[ -n "${BASE_KEY:-}" ]]; then
    CACHE_REFS+=("$BASE_REF" "$(recipe_ref base "$BASE_KEY")")
  fi
}

# cache_file MODE: $DOCKSTACK_IMAGE_CACHE/MODE-KEY.tar, KEY covering every recipe of the run.
cache_file() {
  local key
  key=$(printf '%s\n' "${BASE_KEY:-}" "${QUEUE_KEY[@]}" | key_of "$1")
  printf '%s/%s-%s.tar' "$DOCKSTACK_IMAGE_CACHE" "$1" "$key"
}

# cache_load MODE: with DOCKSTACK_IMAGE_CACHE set, loads the run's images from the cache file
# when the build engine lacks any of them, so a fresh machine skips the builds.
cache_load() {
  [[ -n "${DOCKSTACK_IMAGE_CACHE:-}" && -z "${REBUILD:-}" ]] || return 0
  local file ref missing=0 start=$EPOCHREALTIME
  file=$(cache_file "$1")
  [[ -f "$file" ]] || return 0
  cache_refs
  for ref in "${CACHE_REFS[@]}"; do
    [[ -n "$(image_id "$BUILD_HOST" "$ref")" ]] || missing=1
  done
  ((missing)) || return 0
  bdocker load -q -i "$file" >/dev/null
  read_ids "$BUILD_HOST"
  log "loaded $(basename "$file") from the cache in $(since "$start")"
}

# cache_save MODE: writes the cache file unless it is there already, and drops older ones.
cache_save() {
  [[ -n "${DOCKSTACK_IMAGE_CACHE:-}" ]] || return 0
  local file old start=$EPOCHREALTIME
  file=$(cache_file "$1")
  mkdir -p "$DOCKSTACK_IMAGE_CACHE"
  for old in "$DOCKSTACK_IMAGE_CACHE/$1"-*.tar; do
    [[ "$old" == "$file" || ! -f "$old" ]] || rm -f "$old"
  done
  [[ ! -f "$file" || -n "${REBUILD:-}" ]] || return 0
  cache_refs
  bdocker save -o "$file.part" "${CACHE_REFS[@]}"
  mv "$file.part" "$file"
  log "saved $(basename "$file") to the cache in $(since "$start") ($(du -m "$file" | cut -f1) MB)"
}
