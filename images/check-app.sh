#!/usr/bin/env bash
# Checks the application images together on one engine (images/build.sh --app first): the seed's
# first set (dns1, puppet1, ha1, gal1, os1, cas1, conf1, col1, ctrl1, webui1) on a network of
# its own, names served by dns1, configured by puppet1 from the modules in puppet/ and a site.pp
# written here. It checks that every agent's first run applies and every container turns
# healthy; that Keystone keeps its data in gal1's MariaDB (Galera) and answers, with a token,
# through HAProxy on ha1; that the stand-ins serve what Puppet wrote; that a kick, a reload and
# a stop work. It prints how long each step took.
# Everything it creates is labelled org.dockstack.test=1 and removed at the end, also on
# failure. It holds /tmp/dockstack-docker.lock while containers run.
#
# Usage: images/check-app.sh [ENDPOINT]   (TAG=... for the tag build.sh used; default latest;
#        KEEP=1 leaves the containers running for a look, until the next run)
set -euo pipefail
export LC_ALL=C

engine=${1:-unix:///var/run/docker.sock}
tag=${TAG:-latest}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
label=org.dockstack.test=1
prefix=dsimg-app
net=$prefix-net
# A subnet of its own: other tests use 10.0.0.0/16 and 10.200.0.0/24.
base=10.232.0
gateway=$base.100
vip=$base.254
domain=check.test
secret=check-secret

declare -A IP=([dns1]=1 [puppet1]=2 [ha1]=3 [gal1]=4 [os1]=5 [cas1]=6 [conf1]=7 [col1]=8
  [ctrl1]=9 [webui1]=10)
declare -A IMAGE=([dns1]=dns [puppet1]=puppet [ha1]=haproxy [gal1]=galera [os1]=openstack
  [cas1]=cassandra [conf1]=config [col1]=collector [ctrl1]=control [webui1]=webui)

d() { docker -H "$engine" "$@"; }
say() { printf 'check-app: %s\n' "$*"; }
fail() {
  printf 'check-app: FAILED: %s\n' "$*" >&2
  exit 1
}
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f s", b - a }'; }

work=$(mktemp -d)
cleanup() {
  local ids
  rm -rf "$work"
  [[ -z "${KEEP:-}" ]] || return 0
  mapfile -t ids < <(d ps -aq --filter "label=$label" --filter "name=$prefix")
  ((${#ids[@]} == 0)) || d rm -f "${ids[@]}" >/dev/null 2>&1 || true
  d network rm "$net" >/dev/null 2>&1 || true
}
on_exit() {
  local status=$?
  if ((status != 0)); then
    local name
    for name in "${!IP[@]}"; do
      d inspect "$prefix-$name" >/dev/null 2>&1 || continue
      echo "--- $name (last lines)" >&2
      d logs --tail 15 "$prefix-$name" 2>&1 | sed 's/^/    /' >&2 || true
    done
  fi
  cleanup
}

exec 9>/tmp/dockstack-docker.lock
flock 9
KEEP='' cleanup
mkdir -p "$work"
trap on_exit EXIT

# start NAME [DOCKER RUN OPTIONS...]: the container NAME as dockstack would create it: its own
# address, name and domain, DNS through dns1, the puppet server and domain in the environment.
start() {
  local name=$1
  shift
  d run -d --name "$prefix-$name" --label "$label" --network "$net" --ip "$base.${IP[$name]}" \
    --hostname "$name" --domainname "$domain" --dns "$base.1" \
    -e DOCKSTACK_PUPPET_SERVER=puppet1 -e DOCKSTACK_DOMAIN="$domain" \
    "$@" "${IMAGE[$name]}:$tag" >/dev/null
}

health() { d inspect -f '{{.State.Health.Status}}' "$prefix-$1" 2>/dev/null; }

# wait_healthy SECONDS NAME...: until every NAME is healthy; fails at once when one stopped.
wait_healthy() {
  local seconds=$1 name state deadline
  shift
  deadline=$((SECONDS + seconds))
  while ((SECONDS < deadline)); do
    local all=1
    for name in "$@"; do
      state=$(health "$name")
      [[ "$state" == healthy ]] && continue
      all=0
      [[ "$(d inspect -f '{{.State.Running}}' "$prefix-$name")" == true ]] ||
        fail "$name stopped"
    done
    ((all)) && return 0
    sleep 1
  done
  fail "not healthy within $seconds s: $*"
}

# inside NAME COMMAND...: runs COMMAND in container NAME.
inside() {
  local name=$1
  shift
  d exec "$prefix-$name" "$@"
}

d network create --driver bridge --subnet "$base.0/16" --gateway "$gateway" --label "$label" \
  "$net" >/dev/null

# dns1 knows every name (as dockstack's rendered hosts file would say).
{
  for name in "${!IP[@]}"; do
    printf '%s %s.%s %s\n' "$base.${IP[$name]}" "$name" "$domain" "$name"
  done
  printf '%s vip.%s vip\n' "$vip" "$domain"
} >"$work/hosts"
start dns1 -e DOCKSTACK_DNS_UPSTREAM=none
d cp "$work/hosts" "$prefix-dns1:/etc/dockstack/dnsmasq/hosts"
d kill -s HUP "$prefix-dns1" >/dev/null
wait_healthy 30 dns1

# The code puppet1 serves: the repository's modules and a site.pp in the form dockstack renders,
# plus what this check needs beyond the modules: gal1's Galera settings with its node address,
# Keystone's database on gal1 (created by a kick once MariaDB runs) and Keystone's settings for
# it (dockstack gives the modules these secrets as Hiera data; this check serves none).
cat >"$work/site.pp" <<EOF
\$dockstack_common = { 'domain' => '$domain', 'dnsServer' => '$base.1', 'vip' => '$vip',
  'vip_mask' => 16, 'vip_name' => 'vip', 'puppetServer' => 'puppet1', 'parameters' => {} }
\$dockstack_members = {
  'cassandra' => ['cas1.$domain'], 'collector' => ['col1.$domain'],
  'config' => ['conf1.$domain'], 'control' => ['ctrl1.$domain'], 'galera' => ['gal1.$domain'],
  'haproxy' => ['ha1.$domain'], 'openstack' => ['os1.$domain'], 'webui' => ['webui1.$domain'],
}
node 'gal1.$domain' {
  # What ::mymod::gal writes for a first member, with the node address besides.
  file { '/etc/mysql/conf.d/galera.cnf':
    content => "[galera]\nwsrep_on=ON\nwsrep_cluster_name=dockstack\nwsrep_cluster_address=gcomm://\nwsrep_node_name=gal1.$domain\nwsrep_node_address=$base.4\n",
  }
  exec { 'keystone database':
    provider => shell,
    command  => "mariadb -e \"CREATE DATABASE IF NOT EXISTS keystone; CREATE USER IF NOT EXISTS 'keystone'@'%' IDENTIFIED BY '$secret'; GRANT ALL ON keystone.* TO 'keystone'@'%'\"",
    onlyif   => 'mariadb-admin ping',
    unless   => "mariadb -Nse 'SHOW DATABASES' | grep -qx keystone",
    path     => ['/usr/bin', '/bin'],
  }
}
node 'ha1.$domain' {
  class { '::mymod::ha': }
  class { '::mymod::ka': }
}
node 'os1.$domain' {
  class { '::mymod::os': }
  file { '/etc/keystone/keystone.conf.d/50-database.conf':
    content => "[database]\nconnection = mysql+pymysql://keystone:$secret@gal1.$domain/keystone\n",
    mode    => '0640', group => 'keystone',
  }
  file { '/etc/dockstack/keystone/bootstrap':
    content => "ADMIN_PASSWORD=$secret\nPUBLIC_URL=http://vip.$domain:5000/v3/\n",
    mode    => '0600',
  }
}
node 'cas1.$domain' {
  class { '::contrail::common': }
  class { '::contrail::database': }
}
node 'conf1.$domain' {
  class { '::contrail::common': }
  class { '::contrail::config': }
}
node 'col1.$domain' {
  class { '::contrail::common': }
  class { '::contrail::collector': }
}
node 'ctrl1.$domain' {
  class { '::contrail::common': }
  class { '::contrail::control': }
}
node 'webui1.$domain' {
  class { '::contrail::common': }
  class { '::contrail::webui': }
}
EOF

t0=$EPOCHREALTIME
start puppet1
d cp "$work/site.pp" "$prefix-puppet1:/etc/puppet/code/environments/production/manifests/site.pp"
d cp "$repo/puppet/modules/." "$prefix-puppet1:/etc/puppet/code/environments/production/modules/"
# The agents retry until the server answers: they may start with it.
for name in gal1 cas1 conf1 col1 ctrl1 webui1; do
  start "$name"
done
wait_healthy 900 puppet1
say "puppet1 healthy $(since "$t0") after start"
wait_healthy 600 gal1
say "gal1 healthy $(since "$t0") after start (first agent run, then MariaDB with Galera)"

start_kick=$EPOCHREALTIME
status=0
inside gal1 puppet agent --test --color=false >"$work/kick.log" 2>&1 || status=$?
((status == 2)) || fail "kick of gal1: exit $status, not 2 (changes applied)"
say "kick of gal1 created Keystone's database in $(since "$start_kick")"

t1=$EPOCHREALTIME
start os1
wait_healthy 900 os1
say "os1 healthy $(since "$t1") after start (first agent run, db_sync on gal1, bootstrap)"
start ha1 --cap-add NET_ADMIN
wait_healthy 600 ha1 cas1 conf1 col1 ctrl1 webui1
say "all healthy $(since "$t0") after puppet1 started"

# Keystone's tables are in gal1's MariaDB, a one-member Galera cluster.
tables=$(inside gal1 mariadb -Nse \
  "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'keystone'")
((tables > 10)) || fail "gal1 holds $tables Keystone tables"
size=$(inside gal1 mariadb -Nse "SHOW GLOBAL STATUS LIKE 'wsrep_cluster_size'" | awk '{ print $2 }')
[[ "$size" == 1 ]] || fail "wsrep_cluster_size is '$size'"
say "gal1: Galera cluster of $size, $tables Keystone tables"

# Keystone through HAProxy, asked from another container as a client would.
inside conf1 curl -fs "http://ha1.$domain:5000/v3" | grep -q '"id": "v3' ||
  fail "Keystone's version document through HAProxy"
token=$(inside conf1 curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -d "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"admin\",\"domain\":{\"id\":\"default\"},\"password\":\"$secret\"}}}}}" \
  "http://ha1.$domain:5000/v3/auth/tokens")
[[ "$token" == 201 ]] || fail "a token through HAProxy: HTTP $token"
say "Keystone answers through HAProxy on ha1 and issues a token"
if inside conf1 curl -fs --max-time 3 "http://$vip:5000/v3" >/dev/null 2>&1; then
  say "Keystone answers through the VIP $vip (keepalived on ha1)"
else
  say "the VIP $vip does not answer: keepalived has no working configuration yet (see ha1's log)"
fi

# The stand-ins serve what their classes wrote; the Contrail API port goes through HAProxy.
for name in conf1 col1 ctrl1 webui1 cas1; do
  port=$(d inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$prefix-$name" |
    sed -n 's/^DOCKSTACK_STANDIN_PORT=//p')
  inside "$name" curl -fs "http://127.0.0.1:$port/" | grep -q '"/etc/contrail/dockstack.conf"' ||
    fail "$name's stand-in does not serve /etc/contrail/dockstack.conf"
done
inside webui1 curl -fs "http://ha1.$domain:8082/" | grep -q '"role": "config"' ||
  fail "the config stand-in through HAProxy"
mode=$(inside cas1 bash -c 'exec 3<>/dev/tcp/127.0.0.1/2181; echo srvr >&3; cat <&3' |
  sed -n 's/^Mode: //p')
[[ "$mode" == standalone ]] || fail "ZooKeeper on cas1: mode '$mode'"
say "stand-ins serve their Puppet-written configuration; ZooKeeper on cas1 is $mode"

# A kick with nothing changed, a reload, a restart request.
status=0
inside conf1 puppet agent --test --color=false >"$work/kick.log" 2>&1 || status=$?
((status == 0)) || fail "kick of conf1 with nothing changed: exit $status"
inside ha1 dockstack-service reload >/dev/null || fail "reload of ha1"
inside cas1 dockstack-service reload >/dev/null || fail "reload (ZooKeeper restart) of cas1"
wait_healthy 60 ha1 cas1
say "kick (exit 0), HAProxy reload and ZooKeeper restart work"

for name in puppet1 ha1 gal1 os1 cas1 conf1; do
  start_stop=$EPOCHREALTIME
  d stop -t 130 "$prefix-$name" >/dev/null
  say "$name stopped in $(since "$start_stop") (exit $(d inspect -f '{{.State.ExitCode}}' "$prefix-$name"))"
done
say "all checks passed on $engine"
