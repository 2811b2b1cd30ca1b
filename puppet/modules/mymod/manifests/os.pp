# The OpenStack controller (keystone, nova-api, neutron-server, glance, cinder, horizon): its
# database is the galera cluster behind the VIP.
class mymod::os (
  Hash $common = $dockstack_common,
  Hash[String, Array[String]] $members = $dockstack_members,
) {
  $db_host = $common.get('vip_name', $common.get('vip', 'localhost'))
  $rabbit = join($members.get('openstack', []), ',')

  file { '/etc/dockstack-openstack.conf':
    ensure  => file,
    content => "[database]\nhost=${db_host}\n[rabbit]\nhosts=${rabbit}\n",
  }
}
