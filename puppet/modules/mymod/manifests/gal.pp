# MariaDB Galera node. The first member bootstraps the cluster (an empty gcomm:// address); every
# other member joins the ones before it, so adding or removing a galera container changes the
# address on the members that need it at their next agent run.
class mymod::gal (
  Array[String] $members = $dockstack_members.get('galera', []),
) {
  $self = $trusted['certname']
  $peers = $members.filter |$m| { $m != $self }
  # A selector binds tighter than == and or: the condition is worked out first.
  $bootstraps = $members.empty or $self == $members[0]
  $address = $bootstraps ? {
    true    => 'gcomm://',
    default => "gcomm://${join($peers, ',')}",
  }

  file { '/etc/mysql/conf.d/galera.cnf':
    ensure  => file,
    mode    => '0640',
    content => "[galera]\nwsrep_on=ON\nwsrep_cluster_name=dockstack\nwsrep_cluster_address=${address}\nwsrep_node_name=${self}\n",
  }
}
