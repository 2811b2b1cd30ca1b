# shellcheck shell=bash
# The real application images (build.sh --app): every one FROM dockstack-agent, the base plus
# Debian's Puppet agent. Sourced by build.sh after queue.sh and base.sh.

AGENT_REF=dockstack-agent:bookworm

# The Contrail roles Debian has nothing for, and the port each stand-in answers on (the real
# role's API or web port).
declare -A CONTRAIL_PORTS=([config]=8082 [collector]=8081 [control]=8083 [webui]=8080)

# APP_SERVICES (space-separated service names) builds only those, e.g. "puppet galera".
app_wanted() {
  [[ -z "${APP_SERVICES:-}" ]] || [[ " $APP_SERVICES " == *" $1 "* ]]
}

queue_app() {
  local service role
  for service in ${APP_SERVICES:-}; do
    [[ " ${SERVICES[*]:1} " == *" $service "* ]] ||
      die "APP_SERVICES: no application image is called '$service'; choose from: ${SERVICES[*]:1}"
  done
  # The agent is only a layer: engines that run containers get it inside the images.
  QUEUE_LOCAL=1 queue_image agent "$AGENT_REF" "$BASE_KEY" \
    "$(new_context "$IMAGES_DIR/app/agent")" "BASE=$BASE_REF"
  local agent_key=$LAST_KEY
  for service in puppet haproxy galera openstack cassandra; do
    app_wanted "$service" || continue
    queue_image "$service" "$service:$TAG" "$agent_key" \
      "$(new_context "$IMAGES_DIR/app/common" "$IMAGES_DIR/app/$service")" "AGENT=$AGENT_REF"
  done
  for role in config collector control webui; do
    app_wanted "$role" || continue
    queue_image "$role" "$role:$TAG" "$agent_key" \
      "$(new_context "$IMAGES_DIR/app/common" "$IMAGES_DIR/app/contrail")" \
      "AGENT=$AGENT_REF" "ROLE=$role" "PORT=${CONTRAIL_PORTS[$role]}"
  done
}
