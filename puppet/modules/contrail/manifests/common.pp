# What every Contrail node shares: the domain, the DNS server and where the others are, each a
# name or an address (a catalog with anything else fails).
class contrail::common (
  Hash $common = $dockstack_common,
  Hash[String, Array[Contrail::Dnsname]] $members = $dockstack_members,
) {
  $domain = $common.get('domain', '')
  $dns_server = $common.get('dnsServer', '')
  unless $domain =~ Variant[Contrail::Dnsname, Enum['']] and $dns_server =~ /\A[0-9.]*\z/ {
    fail("the domain ${String($domain, '%p')} or the DNS server ${String($dns_server, '%p')} does not fit a line of dockstack.conf")
  }
  file { '/etc/contrail':
    ensure => directory,
  }
  file { '/etc/contrail/dockstack.conf':
    ensure  => file,
    content => @("CONF")
      [DEFAULTS]
      domain=${domain}
      dns_server=${dns_server}
      config_nodes=${join($members.get('config', []), ' ')}
      control_nodes=${join($members.get('control', []), ' ')}
      collector_nodes=${join($members.get('collector', []), ' ')}
      database_nodes=${join($members.get('cassandra', []), ' ')}
      | CONF
  }
}
