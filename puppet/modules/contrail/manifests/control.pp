# The Contrail control role: its peers are every member of the control service.
class contrail::control (
  Hash[String, Array[Contrail::Dnsname]] $members = $dockstack_members,
) {
  require contrail::common

  $peers = join($members.get('control', []), ' ')
  file { '/etc/contrail/control.conf':
    ensure  => file,
    content => "[control]\npeers=${peers}\n",
  }
}
