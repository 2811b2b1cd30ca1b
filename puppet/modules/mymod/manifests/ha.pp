# HAProxy in front of the OpenStack APIs and the Contrail config API: one balancer member per
# container of those services; and in front of the galera cluster (3306): its first member takes
# the connections, the others are backups (writes to one member avoid certification conflicts). A changed file is checked and reloaded without dropping
# connections (dockstack-service reload in the haproxy image); a file HAProxy refuses keeps the
# running configuration and fails the agent run. The monitor endpoint (8404) stays as the image
# has it, with HAProxy's statistics besides (/stats, /stats;csv); with the environment's
# haproxy_password (Hiera: dockstack::secrets) they ask for haproxy_user and that password, and
# also take the admin actions (a server's state). Each server is named after its container (the
# first label of its name): dockstack drains `os1` through the runtime API by that name.
class mymod::ha (
  Hash $common = $dockstack_common,
  Hash[String, Array[Mymod::Dnsname]] $members = $dockstack_members,
  Hash $secrets = lookup('dockstack::secrets', Hash, 'first', {}),
) {
  $openstack = $members.get('openstack', [])
  $config = $members.get('config', [])
  $galera = $members.get('galera', [])
  $os_servers = $openstack.map |$m| { "  server ${m.split('[.]')[0]} ${m}:5000 check\n" }
  $config_servers = $config.map |$m| { "  server ${m.split('[.]')[0]} ${m}:8082 check\n" }
  $galera_servers = $galera.map |$i, $m| {
    $backup = $i ? { 0 => '', default => ' backup' }
    "  server ${m.split('[.]')[0]} ${m}:3306 check${backup}\n"
  }
  $password = mymod::text('haproxy_password', $secrets.get('haproxy_password', ''))
  $user = mymod::text('haproxy_user', $common.get('haproxy_user', ''))
  if $password != '' and ($user == '' or ':' in $user) {
    fail("haproxy_user: HAProxy's statistics need a user name without ':' beside haproxy_password, not '${user}'")
  }
  # HAProxy reads a single-quoted word as it is; a quote inside is '\''.
  $stats_auth = $password ? {
    ''      => '',
    default => "  stats auth ${mymod::shell_quote("${user}:${password}")}\n  stats admin if TRUE\n",
  }

  file { '/etc/haproxy/haproxy.cfg':
    ensure    => file,
    mode      => '0640',
    show_diff => false,
    content   => Sensitive(@("CFG")),
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
      ${stats_auth}
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
