#!/usr/bin/env bash
# Asks the seed's real system what `npm start -- --real` brought up: a name through dnsmasq, the
# Galera cluster's size, and a Keystone token through the VIP (HAProxy on ha1 and ha2, keepalived
# holding the VIP). The admin password comes from the env repo's secrets.sops.yaml and is never
# printed. Exits 1 when one of the three does not answer as it should.
#
# Usage: images/try-real.sh [ENV_REPO]   (default .dockstack/env-repo-real; after npm run build)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
case "${1:-}" in -h | --help)
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
  exit 0
  ;;
esac
repo=${1:-.dockstack/env-repo-real}
[[ -f "$repo/environment.yaml" ]] || {
  printf 'try-real: %s has no environment.yaml: run npm start -- --real first\n' "$repo" >&2
  exit 2
}
failed=0
say() { printf 'try-real: %s\n' "$*"; }

# The domain and the VIP's name, from the environment file's common block.
read -r domain vip_name admin_user < <(node --input-type=module -e '
import { readFileSync } from "node:fs";
import { parse } from "yaml";
const { common } = parse(readFileSync(process.argv[1], "utf8"));
console.log(common.domain, common.vip_name, common.keystone_admin_user);
' "$repo/environment.yaml")

name=os1.$domain
if answer=$(docker exec conf1 busybox nslookup "$name" 10.0.0.1 2>&1) && [[ "$answer" == *"Address"*"10."* ]]; then
  say "dnsmasq (dns1, 10.0.0.1) answers $name: $(grep -Eo '10(\.[0-9]+){3}' <<<"$answer" | tail -n 1)"
else
  say "dnsmasq did not answer $name: $answer" >&2
  failed=1
fi

size=$(docker exec gal1 mariadb -Nse "SHOW STATUS LIKE 'wsrep_cluster_size'" 2>&1 | awk '{print $2}') || true
if [[ "$size" =~ ^[0-9]+$ ]]; then
  say "the Galera cluster has $size member(s), as gal1 sees it"
else
  say "gal1 did not say its cluster size" >&2
  failed=1
fi

# The token request's body, with the password from SOPS, straight into curl's stdin.
status=$(node dist/cli/main.js secrets decrypt "$repo/secrets.sops.yaml" | node --input-type=module -e '
import { parse } from "yaml";
let text = "";
for await (const chunk of process.stdin) text += chunk;
const { common } = parse(text);
const user = { name: process.argv[1], domain: { id: "default" }, password: common.keystone_admin_password };
process.stdout.write(JSON.stringify({ auth: { identity: { methods: ["password"], password: { user } } } }));
' "$admin_user" | docker exec -i ha2 curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -d @- "http://$vip_name.$domain:5000/v3/auth/tokens" 2>&1) || true
if [[ "$status" == 201 ]]; then
  say "Keystone issued a token to $admin_user through http://$vip_name.$domain:5000 (HTTP 201)"
else
  say "Keystone through the VIP answered: ${status:-nothing} (expected 201)" >&2
  failed=1
fi
exit "$failed"
