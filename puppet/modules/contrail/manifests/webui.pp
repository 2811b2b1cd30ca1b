# The Contrail webui role: its peers are every member of the webui service.
class contrail::webui (
  Hash[String, Array[Contrail::Dnsname]] $members = $dockstack_members,
) {
  require contrail::common

  $peers = join($members.get('webui', []), ' ')
  file { '/etc/contrail/webui.conf':
    ensure  => file,
    content => "[webui]\npeers=${peers}\n",
  }
}
