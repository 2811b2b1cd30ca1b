#!/usr/bin/env bash
# Stops the second engine (ds-h2) and removes its namespace and link. The machine's own dockerd
# keeps running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

guard_test_subnet
teardown_h2
echo "ds-h2: stopped"
