# HAProxy in front of the OpenStack APIs and the Contrail config API: one balancer member per
# container of those services.
class mymod::ha (
  Hash[String, Array[String]] $members = $dockstack_members,
) {
  $openstack = $members.get('openstack', [])
  $config = $members.get('config', [])
  $os_servers = $openstack.map |$i, $m| { "  server os${i} ${m}:5000 check\n" }
  $config_servers = $config.map |$i, $m| { "  server config${i} ${m}:8082 check\n" }

  file { '/etc/haproxy/haproxy.cfg':
    ensure  => file,
    content => @("CFG")
      global
        daemon
      defaults
        mode tcp
        timeout connect 5s
        timeout client 60s
        timeout server 60s
      listen keystone
        bind *:5000
      ${join($os_servers, '')}
      listen contrail-api
        bind *:8082
      ${join($config_servers, '')}
      | CFG
  }
}
