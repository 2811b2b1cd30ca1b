# shellcheck shell=bash
# Sourced by every image's dockstack-service: runs the service's processes in the foreground and
# turns requests made with `docker exec` into signals to it.
#
# A dockstack-service script defines `start` (which starts its processes with start_process),
# may define `reload` (default: a restart) and `health` (default: every process is alive), and
# ends with `service_main "$@"`. Its commands:
#   run      start, then supervise until SIGTERM, which stops every process. The first process
#            to exit stops the others and ends the container with a failure.
#   reload   has the running service re-read its configuration (SIGHUP to it); waits for that
#            and exits with its status, so a Puppet exec resource reports a failed reload
#   restart  the same, stopping and starting every process (SIGUSR1)
#   health   exits 0 when the service serves
#   NAME ... runs the script's function command_NAME with the arguments, where it defines one
#            (an image's own commands, e.g. the puppet server's `forget`)
# State lives in /run/dockstack: NAME.pid per process, service.pid, and per request kind a
# sequence number and the last status.

DS_STATE=/run/dockstack
declare -A DS_PIDS=()
# Seconds a process gets to stop after SIGTERM, by name (default 30); a script may set its own.
declare -A DS_GRACE=()
DS_SIGNAL=

# start_process NAME COMMAND...: starts COMMAND in the background as process NAME.
start_process() {
  local name=$1
  shift
  "$@" &
  DS_PIDS[$name]=$!
  echo "$!" >"$DS_STATE/$name.pid"
}

# running NAME: true while process NAME lives (from any shell, through its pid file).
running() {
  local pid
  pid=$(cat "$DS_STATE/$1.pid" 2>/dev/null) || return 1
  kill -0 "$pid" 2>/dev/null
}

# stop_process NAME: SIGTERM, then SIGKILL after its grace time.
stop_process() {
  local name=$1 seconds=${DS_GRACE[$1]:-30} pid i
  pid=${DS_PIDS[$name]:-}
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < seconds * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset 'DS_PIDS[$name]'
  rm -f "$DS_STATE/$name.pid"
}

stop_all() {
  local name
  for name in "${!DS_PIDS[@]}"; do
    stop_process "$name"
  done
}

restart_all() {
  stop_all
  start
}

# The defaults; a service script defines its own after sourcing this file.
reload() { restart_all; }
health() {
  local file
  for file in "$DS_STATE"/*.pid; do
    [[ "$file" == */service.pid ]] && continue
    [[ -e "$file" ]] || return 1
    kill -0 "$(cat "$file")" 2>/dev/null || return 1
  done
}

# handle KIND: runs a reload or restart asked for, then records its status and sequence number.
handle() {
  local kind=$1 status=0 seq
  echo "dockstack-service: $kind"
  if [[ "$kind" == reload ]]; then reload || status=$?; else restart_all || status=$?; fi
  echo "$status" >"$DS_STATE/$kind.status"
  seq=$(cat "$DS_STATE/$kind.seq" 2>/dev/null || echo 0)
  echo $((seq + 1)) >"$DS_STATE/$kind.seq"
  ((status == 0)) || echo "dockstack-service: $kind failed ($status)" >&2
}

supervise() {
  local status pid name
  echo "$$" >"$DS_STATE/service.pid"
  trap 'DS_SIGNAL=reload' HUP
  trap 'DS_SIGNAL=restart' USR1
  trap 'DS_SIGNAL=stop' TERM INT
  while :; do
    if ((${#DS_PIDS[@]} == 0)); then
      echo "dockstack-service: no process left; stopping" >&2
      exit 1
    fi
    status=0
    pid=
    # Returns when a process exits, or early when a trapped signal arrives.
    wait -n -p pid "${DS_PIDS[@]}" || status=$?
    case "$DS_SIGNAL" in
      stop)
        stop_all
        exit 0
        ;;
      reload | restart)
        name=$DS_SIGNAL
        DS_SIGNAL=
        handle "$name"
        continue
        ;;
    esac
    [[ -n "$pid" ]] || continue
    for name in "${!DS_PIDS[@]}"; do
      [[ "${DS_PIDS[$name]}" == "$pid" ]] || continue
      unset 'DS_PIDS[$name]'
      rm -f "$DS_STATE/$name.pid"
      echo "dockstack-service: $name exited ($status); stopping" >&2
      stop_all
      exit $((status == 0 ? 1 : status))
    done
  done
}

# request KIND: asks the running service for a reload or restart and waits for the outcome.
request() {
  local kind=$1 signal pid before i
  [[ "$kind" == reload ]] && signal=HUP || signal=USR1
  pid=$(cat "$DS_STATE/service.pid" 2>/dev/null || true)
  if [[ -z "$pid" ]] || ! kill -0 "$pid" 2>/dev/null; then
    echo "dockstack-service: not running" >&2
    return 1
  fi
  before=$(cat "$DS_STATE/$kind.seq" 2>/dev/null || echo 0)
  kill "-$signal" "$pid"
  for ((i = 0; i < 1200; i++)); do
    if (($(cat "$DS_STATE/$kind.seq" 2>/dev/null || echo 0) > before)); then
      return "$(cat "$DS_STATE/$kind.status")"
    fi
    sleep 0.1
  done
  echo "dockstack-service: no $kind within 120 s" >&2
  return 1
}

service_main() {
  mkdir -p "$DS_STATE"
  case "${1:-}" in
    run)
      start
      supervise
      ;;
    reload | restart) request "$1" ;;
    health) health ;;
    *)
      if [[ "${1:-}" =~ ^[a-z][a-z-]*$ ]] && declare -F "command_$1" >/dev/null; then
        "command_$1" "${@:2}"
        return
      fi
      echo "usage: dockstack-service run|reload|restart|health${DS_COMMANDS:+|$DS_COMMANDS}" >&2
      return 2
      ;;
  esac
}
