# shellcheck shell=bash
# The dockstack image itself (build.sh --daemon): this checkout compiled, its production
# dependencies, and Node.js MAJOR from the npm registry's node-linux-* package (.ci/node.sh), on the
# Debian base. Built on this machine with its npm (and its registry settings); the engine downloads
# nothing. Sourced by build.sh after queue.sh and base.sh.

DAEMON_REF=${DOCKSTACK_IMAGE:-dockstack:latest}
NODE_MAJOR=${DOCKSTACK_NODE_MAJOR:-24}

queue_daemon() {
  local repo context app node_bin start=$EPOCHREALTIME
  repo=$(cd "$IMAGES_DIR/.." && pwd)
  command -v npm >/dev/null || die "the dockstack image needs npm on this machine"
  [[ -x "$repo/node_modules/.bin/tsc" ]] || die "the dockstack image is compiled from this checkout: run npm ci in $repo first"
  context=$(new_context "$IMAGES_DIR/daemon")
  app=$context/app
  mkdir -p "$app"

  # The same Node.js CI runs on, fetched once into /opt/dockstack-node (see .ci/node.sh).
  node_bin=$(bash "$repo/.ci/node.sh" "$NODE_MAJOR") || die "the dockstack image: no Node.js $NODE_MAJOR"
  cp "$node_bin/node" "$context/node"

  "$repo/node_modules/.bin/tsc" -p "$repo/tsconfig.build.json" --outDir "$app/dist" ||
    die "the dockstack image: compiling $repo failed"
  cp "$repo/package.json" "$repo/package-lock.json" "$app/"
  cp -a "$repo/templates" "$repo/puppet" "$repo/env-repo-example" "$app/"
  # Install scripts stay off: what they would build (ssh2's optional native crypto) has a
  # JavaScript fallback.
  (cd "$app" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error \
    >/dev/null) || die "the dockstack image: npm ci --omit=dev failed in $app"
  rm -f "$app/node_modules/.package-lock.json"
  log "$DAEMON_REF: staged Node.js $("$context/node" --version) and dockstack in $(since "$start")"
  queue_image daemon "$DAEMON_REF" "$BASE_KEY" "$context" "BASE=$BASE_REF"
}
