# HAProxy in front of the OpenStack APIs and the Contrail config API: one balancer member per
# container of those services; and in front of the galera cluster (3306): its first member takes
# the connections, the others are backups (writes to one member avoid certification conflicts). A changed file is checked and reloaded without dropping
# connections (dockstack-service reload in the haproxy image); a file HAProxy refuses keeps the
# running configuration and fails the agent run. The monitor endpoint (8404) stays as the image
# has it, with HAProxy's statistics besides (/stats, /stats;csv).
class mymod::ha (
  Hash[String, Array[Mymod::Dnsname]] $members = $dockstack_members,
) {
  $openstack = $members.get('openstack', [])
  $config = $members.get('config', [])
  $galera = $members.get('galera', [])
  $os_servers = $openstack.map |$i, $m| { "  server os${i} ${m}:5000 check\n" }
  $config_servers = $config.map |$i, $m| { "  server config${i} ${m}:8082 check\n" }
  $galera_servers = $galera.map |$i, $m| {
    $backup = $i ? { 0 => '', default => ' backup' }
    "  server galera${i} ${m}:3306 check${backup}\n"
  }

  file { '/etc/haproxy/haproxy.cfg':
    ensure  => file,
    content => @("CFG")
      global
        stats socket /run/haproxy/admin.sock mode 660 level admin
        log stdout format raw local0
      defaults
        mode tcp
        log global
        timeout connect 5s
        timeout client 60s
        timeout server 60s
      frontend monitor
        mode http
        bind :8404
        monitor-uri /health
        stats enable
        stats uri /stats
      listen keystone
        bind *:5000
      ${join($os_servers, '')}
      listen contrail-api
        bind *:8082
      ${join($config_servers, '')}
      listen galera
        bind *:3306
        timeout client 8h
        timeout server 8h
      ${join($galera_servers, '')}
      | CFG
  }

  # Not at the first run, before HAProxy starts: it reads the file then.
  exec { 'reload haproxy':
    command     => '/usr/local/sbin/dockstack-service reload',
    onlyif      => '/usr/local/sbin/dockstack-service health',
    refreshonly => true,
    subscribe   => File['/etc/haproxy/haproxy.cfg'],
  }
}
