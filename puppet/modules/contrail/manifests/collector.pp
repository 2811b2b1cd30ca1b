# The Contrail collector role: its peers are every member of the collector service.
class contrail::collector (
  Hash[String, Array[Contrail::Dnsname]] $members = $dockstack_members,
) {
  require contrail::common

  $peers = join($members.get('collector', []), ' ')
  file { '/etc/contrail/collector.conf':
    ensure  => file,
    content => "[collector]\npeers=${peers}\n",
  }
}
