# What every Contrail node shares: the domain, the DNS server and where the others are.
class contrail::common (
  Hash $common = $dockstack_common,
  Hash[String, Array[String]] $members = $dockstack_members,
) {
  file { '/etc/contrail':
    ensure => directory,
  }
  file { '/etc/contrail/dockstack.conf':
    ensure  => file,
    content => @("CONF")
      [DEFAULTS]
      domain=${common.get('domain', '')}
      dns_server=${common.get('dnsServer', '')}
      config_nodes=${join($members.get('config', []), ' ')}
      control_nodes=${join($members.get('control', []), ' ')}
      collector_nodes=${join($members.get('collector', []), ' ')}
      database_nodes=${join($members.get('cassandra', []), ' ')}
      | CONF
  }
}
