#!/usr/bin/env bash
# Checks the network images on one engine with real containers (images/build.sh --network first):
# - dns answers before any upload, is healthy, and serves a name from an uploaded hosts file
#   after SIGHUP (the FQDN and the short name), with nothing forwarded for the domain;
# - dns hands out by DHCP the address pinned to a client's MAC in an uploaded dhcp-hosts file,
#   to busybox udhcpc inside the client, and to udhcpc run by dockstack-helper in the client's
#   namespace (nsenter, as dockstack does it for containers without a DHCP client);
# - dns without NET_ADMIN refuses DHCP with a clear message, and serves DNS;
# - dockstack-helper runs Open vSwitch (userspace datapath) and makes a bridge with a port.
# Everything it creates is labelled org.dockstack.test=1 and removed at the end, also on failure.
# It holds /tmp/dockstack-docker.lock while containers run, as the other test runs do.
#
# Usage: images/check-network.sh [ENDPOINT]   (TAG=... for the tag build.sh used; default latest)
set -euo pipefail
export LC_ALL=C

engine=${1:-unix:///var/run/docker.sock}
tag=${TAG:-latest}
dns_image=dns:$tag
helper_image=dockstack-helper:latest
label=org.dockstack.test=1
prefix=dsimg-check
net=$prefix-net
# A subnet of its own: other tests use 10.0.0.0/16 and 10.200.0.0/24.
subnet=10.231.0.0/16
gateway=10.231.0.100
dns_ip=10.231.0.1
domain=check.test

d() { docker -H "$engine" "$@"; }
say() { printf 'check-network: %s\n' "$*"; }
fail() {
  printf 'check-network: FAILED: %s\n' "$*" >&2
  exit 1
}
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f s", b - a }'; }

work=$(mktemp -d)
cleanup() {
  local ids
  mapfile -t ids < <(d ps -aq --filter "label=$label" --filter "name=$prefix")
  ((${#ids[@]} == 0)) || d rm -f "${ids[@]}" >/dev/null 2>&1 || true
  d network rm "$net" >/dev/null 2>&1 || true
  rm -rf "$work"
}

exec 9>/tmp/dockstack-docker.lock
flock 9
cleanup
mkdir -p "$work"
trap cleanup EXIT

# run NAME ARGS...: a detached container of this check.
run() {
  local name=$1
  shift
  d run -d --name "$prefix-$name" --label "$label" "$@" >/dev/null
}

# wait_for SECONDS WHAT COMMAND...: polls COMMAND every 0.1 s.
wait_for() {
  local seconds=$1 what=$2 i
  shift 2
  for ((i = 0; i < seconds * 10; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  fail "$what within $seconds s"
}

# helper COMMAND...: runs COMMAND in a one-off dockstack-helper with the host privileges that
# work on these machines (--privileged does not: the bounding set lacks CAP_SYS_RESOURCE).
helper() {
  d run --rm --label "$label" --name "$prefix-helper" --network host --pid host \
    --cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined \
    --security-opt apparmor=unconfined "$helper_image" "$@"
}

healthy() { [[ "$(d inspect -f '{{.State.Health.Status}}' "$prefix-$1")" == healthy ]]; }
resolves() { d exec "$prefix-client" busybox nslookup "$1" "$dns_ip"; }

# upload NAME: puts a data file into the dns container as dockstack does (archive API).
upload() {
  local file=$work/$1
  d cp "$file" "$prefix-dns:/etc/dockstack/dnsmasq/$1"
}

d network create --driver bridge --subnet "$subnet" --gateway "$gateway" --label "$label" \
  "$net" >/dev/null

start=$EPOCHREALTIME
run dns --network "$net" --ip "$dns_ip" --cap-add NET_ADMIN --hostname dns1 \
  --domainname "$domain" -e DOCKSTACK_DOMAIN="$domain" -e DOCKSTACK_DNS_UPSTREAM=none \
  -e DOCKSTACK_DHCP_RANGE=10.231.0.200,10.231.0.250,255.255.0.0,12h \
  -e DOCKSTACK_DHCP_ROUTER="$gateway" "$dns_image"
wait_for 20 "dns healthy" healthy dns
say "dns healthy $(since "$start") after start"

# The client resolves through dns directly; it needs NET_ADMIN to take its DHCP address.
run client --network "$net" --cap-add NET_ADMIN --entrypoint /bin/sh "$dns_image" \
  -c 'trap "exit 0" TERM; sleep infinity & wait'
# Its own name, from the /etc/hosts the engine wrote for it.
resolves "dns1.$domain" | grep -q "$dns_ip" || fail "dns does not answer from the client"
if resolves "gal1.$domain" >/dev/null 2>&1; then fail "gal1 resolves before any upload"; fi

mac=$(d inspect -f "{{(index .NetworkSettings.Networks \"$net\").MacAddress}}" "$prefix-client")
printf '# Rendered by dockstack: edits here are overwritten.\n10.231.0.7 gal1.%s gal1\n' \
  "$domain" >"$work/hosts"
printf '# Rendered by dockstack: edits here are overwritten.\n%s,client1,10.231.0.55\n' \
  "$mac" >"$work/dhcp-hosts"
upload hosts
upload dhcp-hosts
start=$EPOCHREALTIME
d kill -s HUP "$prefix-dns" >/dev/null
wait_for 5 "gal1.$domain resolving after SIGHUP" resolves "gal1.$domain"
say "gal1.$domain resolves $(since "$start") after SIGHUP"
resolves gal1 | grep -q 10.231.0.7 || fail "the short name gal1 does not resolve"
resolves "gal1.$domain" | grep -q 10.231.0.7 || fail "gal1.$domain has the wrong address"
if resolves "nothere.$domain" >/dev/null 2>&1; then fail "nothere.$domain resolves"; fi

start=$EPOCHREALTIME
lease=$(d exec "$prefix-client" busybox udhcpc -i eth0 -q -n -f -t 5 -T 1 2>/dev/null | grep '^{')
say "client lease $(since "$start"): $lease"
[[ "$lease" == *'"ip":"10.231.0.55"'* ]] || fail "the client did not get its pinned address"
[[ "$lease" == *"\"mac\":\"$mac\""* && "$lease" == *"\"router\":\"$gateway\""* ]] ||
  fail "the lease misses the MAC or the router"
d exec "$prefix-client" busybox ip -4 addr show dev eth0 | grep -q 'inet 10.231.0.55/16' ||
  fail "the client's eth0 does not have 10.231.0.55/16"
wait_for 5 "client1.$domain from the DHCP lease" resolves "client1.$domain"

# The helper flow: a container without DHCP client software of its own gets its address from
# udhcpc run by the helper in the container's network namespace.
run bare --network "$net" --entrypoint /bin/sh "$dns_image" \
  -c 'trap "exit 0" TERM; sleep infinity & wait'
bare_mac=$(d inspect -f "{{(index .NetworkSettings.Networks \"$net\").MacAddress}}" "$prefix-bare")
bare_pid=$(d inspect -f '{{.State.Pid}}' "$prefix-bare")
printf '%s,bare1,10.231.0.56\n' "$bare_mac" >>"$work/dhcp-hosts"
upload dhcp-hosts
d kill -s HUP "$prefix-dns" >/dev/null
start=$EPOCHREALTIME
lease=$(helper nsenter -t "$bare_pid" -n busybox udhcpc -i eth0 -q -n -f -t 5 -T 1 2>/dev/null |
  grep '^{')
say "helper lease in the container's namespace $(since "$start"): $lease"
[[ "$lease" == *'"ip":"10.231.0.56"'* && "$lease" == *"\"mac\":\"$bare_mac\""* ]] ||
  fail "the helper did not get the pinned address for the container"
d exec "$prefix-bare" busybox ip -4 addr show dev eth0 | grep -q 'inet 10.231.0.56/16' ||
  fail "the container's eth0 does not have 10.231.0.56/16"

# The ovs driver gives a dns container its interface after start, through a veth pair made by
# the helper: dnsmasq must serve DNS and DHCP on it all the same. Here the pair's other end
# joins the network's bridge; the first dns stops so that only this one answers.
d stop -t 5 "$prefix-dns" >/dev/null
# This one hands out only the pinned addresses (a static range), as dockstack pins them all.
run late --network none --cap-add NET_ADMIN -e DOCKSTACK_DOMAIN="$domain" \
  -e DOCKSTACK_DNS_UPSTREAM=none -e DOCKSTACK_DHCP_RANGE=10.231.0.0,static,255.255.0.0,12h \
  -e DOCKSTACK_DHCP_ROUTER="$gateway" "$dns_image"
wait_for 20 "dns without a network healthy" healthy late
bridge=br-$(d network inspect -f '{{.Id}}' "$net" | cut -c1-12)
late_pid=$(d inspect -f '{{.State.Pid}}' "$prefix-late")
helper sh -c "ip link add dsimgl0 type veth peer name dsimgl0c &&
  ip link set dsimgl0c netns $late_pid && ip link set dsimgl0 master $bridge up &&
  nsenter -t $late_pid -n sh -c 'ip link set dsimgl0c name eth0 &&
    ip addr add 10.231.0.2/16 dev eth0 && ip link set eth0 up'"
printf '%s,client2,10.231.0.57\n' "$mac" >"$work/dhcp-hosts"
d cp "$work/hosts" "$prefix-late:/etc/dockstack/dnsmasq/hosts"
d cp "$work/dhcp-hosts" "$prefix-late:/etc/dockstack/dnsmasq/dhcp-hosts"
d kill -s HUP "$prefix-late" >/dev/null
wait_for 5 "dns answering on an interface added after start" \
  d exec "$prefix-client" busybox nslookup "gal1.$domain" 10.231.0.2
lease=$(d exec "$prefix-client" busybox udhcpc -i eth0 -q -n -f -t 5 -T 1 2>/dev/null | grep '^{')
[[ "$lease" == *'"ip":"10.231.0.57"'* ]] ||
  fail "dns hands out no address on an interface added after start: $lease"
say "dns started without a network serves DNS and pinned-only DHCP on an interface added later"

# DHCP asked for without NET_ADMIN: a clear refusal, not an obscure failure.
run nocap --network "$net" -e DOCKSTACK_DHCP_RANGE=10.231.0.200,10.231.0.250 "$dns_image"
wait_for 10 "dns without NET_ADMIN to stop" \
  bash -c "[[ \$(docker -H '$engine' inspect -f '{{.State.Status}}' $prefix-nocap) == exited ]]"
d logs "$prefix-nocap" 2>&1 | grep -q 'DHCP needs the capability NET_ADMIN' ||
  fail "dns without NET_ADMIN did not say why it stopped"
run nodhcp --network "$net" "$dns_image"
wait_for 20 "dns without DHCP and NET_ADMIN healthy" healthy nodhcp

# Open vSwitch in the helper, in the helper's own namespace so the host is left alone.
start=$EPOCHREALTIME
run ovs --cap-add NET_ADMIN --device /dev/net/tun "$helper_image" dockstack-ovs
wait_for 30 "the OVS helper healthy" healthy ovs
d exec "$prefix-ovs" sh -c 'ovs-vsctl add-br dsbr0 -- set bridge dsbr0 datapath_type=netdev &&
  ip link add dsv0 type veth peer name dsv0-c && ethtool -K dsv0 tx off >/dev/null &&
  ovs-vsctl add-port dsbr0 dsv0 && ovs-vsctl list-ports dsbr0' | grep -q '^dsv0$' ||
  fail "OVS bridge with a port"
say "OVS bridge with a port $(since "$start") after start"
start=$EPOCHREALTIME
d stop -t 10 "$prefix-ovs" >/dev/null
say "OVS helper stopped in $(since "$start") (exit $(d inspect -f '{{.State.ExitCode}}' "$prefix-ovs"))"

say "all checks passed on $engine"
