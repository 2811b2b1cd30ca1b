#!/usr/bin/env bash
# Starts the two Docker engines the tests use, unless they already answer:
# - the machine's own dockerd on unix:///var/run/docker.sock
# - a second engine in the network namespace ds-h2, on unix:///run/ds-h2.sock and
#   tcp://10.200.0.2:2375 (reached from the root namespace over the veth ds-h2-out/ds-h2-in)
# Prints both endpoints. Run test/testbed/install.sh first on a fresh machine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_main() {
  if answers "$MAIN_ENDPOINT"; then
    return 0
  fi
  local pid
  pid=$(pid_from /var/run/docker.pid)
  if ! alive "$pid" dockerd; then
    # Leftovers of a dockerd that died: its pid file and socket would stop a new one.
    rm -f /var/run/docker.pid "$MAIN_SOCK"
    setsid dockerd >"$MAIN_LOG" 2>&1 </dev/null &
  fi
  wait_until 120 "dockerd (see $MAIN_LOG)" answers "$MAIN_ENDPOINT"
}

# The tcp endpoint is only asked once the link into the namespace exists.
h2_is_up() {
  [[ -e "$H2_NS_PATH" ]] && ip link show "$H2_OUT" >/dev/null 2>&1 &&
    answers "$H2_ENDPOINT" && answers "$H2_TCP_ENDPOINT"
}

launch_h2() {
  teardown_h2

  ip netns add "$H2_NS"
  ip link add "$H2_OUT" type veth peer name "$H2_IN"
  ip link set "$H2_IN" netns "$H2_NS"
  ip addr add "$H2_ROOT_ADDR" dev "$H2_OUT"
  ip link set "$H2_OUT" up
  ip -n "$H2_NS" addr add "$H2_ADDR/24" dev "$H2_IN"
  ip -n "$H2_NS" link set "$H2_IN" up
  ip -n "$H2_NS" link set lo up

  mkdir -p "$H2_DATA_ROOT"
  # nsenter, not `ip netns exec`: the latter remounts /sys and dockerd then finds no cgroups.
  setsid nsenter --net="$H2_NS_PATH" dockerd \
    --data-root "$H2_DATA_ROOT" --exec-root "$H2_EXEC_ROOT" --pidfile "$H2_PIDFILE" \
    -H "$H2_ENDPOINT" -H "$H2_TCP_ENDPOINT" --tls=false --bridge none --iptables=false \
    >"$H2_LOG" 2>&1 </dev/null &
}

# What a start that did not answer left behind, so a failed run says why.
explain_h2() {
  echo "--- last lines of $H2_LOG" >&2
  tail -n 30 "$H2_LOG" >&2 || true
  echo "--- dockerd pid file: $(pid_from "$H2_PIDFILE")" >&2
}

# A loaded machine can take long to start a first engine; a start that fails outright is tried
# once more from nothing before giving up.
start_h2() {
  if h2_is_up; then
    return 0
  fi
  local attempt
  for attempt in 1 2; do
    launch_h2
    if wait_until 120 "second dockerd, attempt $attempt (see $H2_LOG)" h2_is_up; then
      return 0
    fi
    explain_h2
  done
  return 1
}

guard_test_subnet
start_main
start_h2
echo "local:  $MAIN_ENDPOINT"
echo "ds-h2:  $H2_TCP_ENDPOINT (also $H2_ENDPOINT)"
