#!/bin/sh
# The stand-in service: reports who it is, becomes ready, and exits at once on SIGTERM.
trap 'rm -f /run/ready; exit 0' TERM INT
mkdir -p /run
echo "${DOCKSTACK_SERVICE:-service} on $(hostname) ($(hostname -d 2>/dev/null || true)) ready"
touch /run/ready
while :; do
  sleep 3600 &
  wait $!
done
