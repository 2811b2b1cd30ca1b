# The Contrail config role: its peers are every member of the config service.
class contrail::config (
  Hash[String, Array[Contrail::Dnsname]] $members = $dockstack_members,
) {
  require contrail::common

  $peers = join($members.get('config', []), ' ')
  file { '/etc/contrail/config.conf':
    ensure  => file,
    content => "[config]\npeers=${peers}\n",
  }
}
