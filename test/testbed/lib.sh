# shellcheck shell=bash
# Shared by the test bed scripts: names and paths of the two Docker engines, and small helpers.
# Sourced, not run; the scripts that source it use the names below.
# shellcheck disable=SC2034

MAIN_SOCK=/var/run/docker.sock
MAIN_ENDPOINT="unix://$MAIN_SOCK"
MAIN_LOG=/var/log/dockerd.log

H2_NS=ds-h2
H2_NS_PATH=/var/run/netns/$H2_NS
H2_OUT=ds-h2-out
H2_IN=ds-h2-in
H2_ROOT_ADDR=10.200.0.1/24
H2_ADDR=10.200.0.2
H2_DATA_ROOT=/var/lib/dockstack-h2
H2_EXEC_ROOT=/run/ds-h2
H2_PIDFILE=/run/ds-h2.pid
H2_SOCK=/run/ds-h2.sock
H2_ENDPOINT="unix://$H2_SOCK"
H2_TCP_ENDPOINT="tcp://$H2_ADDR:2375"
H2_LOG=/var/log/dockerd-ds-h2.log
TEST_SUBNET=10.200.0.0/24

# The engines are always named explicitly: a DOCKER_HOST or context from the caller must not
# redirect the test bed.
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH

answers() {
  docker -H "$1" version >/dev/null 2>&1
}

# wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.1 s.
wait_until() {
  local seconds=$1 what=$2
  shift 2
  local tries=$((seconds * 10)) i
  for ((i = 0; i < tries; i++)); do
    if "$@"; then
      return 0
    fi
    sleep 0.1
  done
  echo "$what: no answer within $seconds s" >&2
  return 1
}

# alive PID NAME: true when process PID exists, runs the program NAME (a pid file may be stale
# and its number reused) and is not a zombie (a killed daemon whose parent never reaped it).
alive() {
  local pid=${1:-} name=$2 state
  [[ -n "$pid" && -r "/proc/$pid/stat" ]] || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$name" ]] || return 1
  state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)
  [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

pid_from() {
  if [[ -f "$1" ]]; then
    cat "$1" 2>/dev/null || true
  fi
}

gone() {
  ! alive "$1" "$2"
}

# stop_pid PID NAME SECONDS: SIGTERM, then SIGKILL when it has not exited in time. Does nothing
# unless PID is a live NAME.
stop_pid() {
  local pid=$1 name=$2 seconds=$3
  alive "$pid" "$name" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_until "$seconds" "$name ($pid)" gone "$pid" "$name" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    wait_until 5 "$name ($pid)" gone "$pid" "$name"
  fi
}

# Traffic to the test subnet never leaves the machine: while the veth into ds-h2 exists its
# connected route wins; without it this route answers "unreachable" at once instead of letting
# the default route carry the packets off. It stays after stop-docker.sh on purpose.
guard_test_subnet() {
  ip route replace unreachable "$TEST_SUBNET" metric 4242
}

# Stops the second engine and removes its namespace and link, whatever state they are in.
teardown_h2() {
  stop_pid "$(pid_from "$H2_PIDFILE")" dockerd 20
  # A dockerd killed hard can leave its containerd running.
  stop_pid "$(pid_from "$H2_EXEC_ROOT/containerd/containerd.pid")" containerd 10
  rm -f "$H2_PIDFILE" "$H2_SOCK"
  if ip link show "$H2_OUT" >/dev/null 2>&1; then
    ip link del "$H2_OUT"
  fi
  if [[ -e "$H2_NS_PATH" ]]; then
    ip netns del "$H2_NS"
  fi
}
