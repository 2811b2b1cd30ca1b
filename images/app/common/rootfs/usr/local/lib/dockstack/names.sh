# shellcheck shell=bash
# Sourced by the scripts that write a name from the environment into a configuration file: the
# name is checked first, and refused, never written, when it is not one.

# is_dns_name TEXT: true for a DNS name: RFC 1123 labels joined by dots, 253 characters at most.
is_dns_name() {
  local label='[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?'
  ((${#1} <= 253)) && [[ "$1" =~ ^$label(\.$label)*$ ]]
}

# require_dns_name WHAT TEXT: returns when TEXT is a DNS name; otherwise says so, naming WHAT and
# showing TEXT quoted, and exits with status 2.
require_dns_name() {
  is_dns_name "$2" && return 0
  printf '%s: %s is not a DNS name: %q; refusing to write it into a configuration file\n' \
    "${0##*/}" "$1" "$2" >&2
  exit 2
}
