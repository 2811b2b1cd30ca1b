# The Contrail compute role: its peers are every member of the compute service.
class contrail::compute (
  Hash[String, Array[Contrail::Dnsname]] $members = $dockstack_members,
) {
  require contrail::common

  $peers = join($members.get('compute', []), ' ')
  file { '/etc/contrail/compute.conf':
    ensure  => file,
    content => "[compute]\npeers=${peers}\n",
  }
}
