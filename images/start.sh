#!/usr/bin/env bash
# `npm start`: dockstack on this machine with the seed's environment, from nothing. Prepares the
# machine (images/prepare-host.sh), builds the stand-in images, makes the local env repo
# .dockstack/env-repo from env-repo-example/ (kept when it is there), runs the daemon on it and,
# once the first commit is applied, says where to look. The daemon's JSON log goes to
# .dockstack/daemon.log. Ctrl-C stops the daemon; the containers keep running.
#
# With --real, the seed's system itself: the real images (dnsmasq, puppet servers, Galera,
# HAProxy with keepalived, Keystone, ...; built from the machine's Debian mirrors, several
# minutes the first time), the env repo .dockstack/env-repo-real (every container tagged real),
# its log .dockstack/daemon-real.log; once converged it asks dnsmasq for a name, Galera for its
# cluster size and Keystone for a token through the VIP (images/try-real.sh), and says how to ask
# again. It takes over the containers of `npm start` (the same names): stop that daemon first.
#
# Usage: images/start.sh [--real]   (after npm ci && npm run build)
# Environment: DOCKSTACK_LISTEN (default 3288, on loopback: 127.0.0.1:3288; a listener beyond
# loopback also needs DOCKSTACK_READ_TOKEN_FILE or DOCKSTACK_PUBLIC=true), DOCKSTACK_START_TIMEOUT
# (seconds to wait for the first commit to be applied, default 300; 1200 with --real).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&"$((${1:-2} == 0 ? 1 : 2))"
  exit "${1:-2}"
}
real=
while (($# > 0)); do
  case "$1" in
    --real) real=1 ;;
    -h | --help) usage 0 ;;
    *) usage ;;
  esac
  shift
done

state=.dockstack
repo=$state/env-repo${real:+-real}
log=$state/daemon${real:+-real}.log
listen=${DOCKSTACK_LISTEN:-3288}
port=${listen##*:}
timeout=${DOCKSTACK_START_TIMEOUT:-${real:+1200}}
timeout=${timeout:-300}

say() { printf 'start: %s\n' "$*"; }
[[ "$timeout" =~ ^[1-9][0-9]{0,4}$ ]] || {
  say "DOCKSTACK_START_TIMEOUT: expected whole seconds (1 to 99999), got: $timeout" >&2
  exit 2
}
[[ -f dist/cli/main.js ]] || {
  say "dockstack is not built: run npm ci && npm run build first" >&2
  exit 1
}
dockstack() { node dist/cli/main.js "$@"; }

bash images/prepare-host.sh
mkdir -p "$state"
if [[ -n "$real" ]]; then
  say "building the real images (each one's progress below; built once, then kept)"
  TAG=real bash images/build.sh --app
  dockstack init "$repo" --tag real
else
  bash images/build.sh
  dockstack init "$repo"
fi

say "starting the daemon (log: $log)"
DOCKSTACK_LISTEN=$listen node --max-semi-space-size=1 dist/cli/main.js daemon --repo "$repo" \
  --workdir "$state/work${real:+-real}" --interval 5 ${real:+--ready-timeout 600} 2>>"$log" &
daemon=$!
stopping=
trap 'stopping=1; kill -TERM "$daemon" 2>/dev/null || true' INT TERM

# The first pass: wait for the applied commit in /api/status; meanwhile, say which of
# dockstack's containers are up (and healthy, where the image checks) as they come.
status_script='
import { execFileSync } from "node:child_process";
const [port, deadline] = process.argv.slice(1).map(Number);
const seen = new Set();
while (Date.now() < deadline) {
  try {
    const ps = execFileSync("docker", ["ps", "--filter", "label=org.dockstack.managed=true",
      "--format", "{{.Names}} {{.Status}}"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const up = ps.split("\n").filter((l) => / Up /.test(l) && !/starting|unhealthy/.test(l))
      .map((l) => l.split(" ")[0]).sort();
    const fresh = up.filter((name) => !seen.has(name));
    for (const name of fresh) seen.add(name);
    if (fresh.length > 0) console.log(`start: up: ${fresh.join(", ")} (${up.length} so far)`);
  } catch {}
  try {
    const s = await (await fetch(`http://127.0.0.1:${port}/api/status`)).json();
    if (s.lastApplied) {
      const running = s.containers.filter((c) => c.observed === "running").length;
      console.log(`start: ${running} of ${s.containers.length} containers running`);
      process.exit(s.lastApplied.converged ? 0 : 3);
    }
  } catch {}
  await new Promise((resolve) => setTimeout(resolve, 1000));
}
process.exit(4);
'
set +e
node --input-type=module -e "$status_script" "$port" "$(($(date +%s) + timeout))000" &
waiter=$!
trap 'kill "$waiter" 2>/dev/null || true' EXIT
wait -n "$daemon" "$waiter"
first=$?
set -e
if [[ -n "$stopping" ]]; then
  while kill -0 "$daemon" 2>/dev/null; do wait "$daemon" || true; done
  exit 0
fi
if ! kill -0 "$daemon" 2>/dev/null; then
  say "the daemon stopped; the end of its log ($log):" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
case "$first" in
  0) say "the seed's environment is converged" ;;
  3) say "the first commit is applied but not converged: the dashboard and $log say why" ;;
  *) say "the first commit is not applied yet after ${timeout} s: the dashboard and $log say why" ;;
esac
if [[ -n "$real" ]]; then
  ((first != 0)) || bash images/try-real.sh "$repo" || true
  cat <<EOF

  Ask again at any time:
    docker exec conf1 busybox nslookup os1.endor.lab 10.0.0.1          a name through dnsmasq
    docker exec gal1 mariadb -Nse "SHOW STATUS LIKE 'wsrep_cluster_size'"   the Galera cluster's size
    bash images/try-real.sh $repo       both, and a Keystone token through the VIP
EOF
fi
cat <<EOF

  dashboard   http://localhost:$port/
  env repo    $root/$repo   (git log there is the audit trail)
  daemon log  $root/$log

  Your first change, a second webui, as a commit the daemon applies within seconds:
    node dist/cli/main.js create webui2 --service webui --host 192.168.99.2 --repo $repo${real:+ --tag real}
  or edit $repo/environment.yaml and commit it there with git.

  Ctrl-C stops the daemon; the containers keep running (docker ps).
EOF
# A signal ends `wait` early: wait again until the daemon has stopped.
code=0
wait "$daemon" || code=$?
while kill -0 "$daemon" 2>/dev/null; do wait "$daemon" || code=$?; done
[[ -z "$stopping" ]] || exit 0
say "the daemon exited with $code; the end of its log ($log):" >&2
tail -n 20 "$log" >&2
exit 1
