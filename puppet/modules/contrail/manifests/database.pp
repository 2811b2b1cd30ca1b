# Cassandra, ZooKeeper and Kafka for Contrail: seeds and the ZooKeeper ensemble are the members of
# the cassandra service. ZooKeeper (the cassandra image's) reads its ensemble from
# /etc/zookeeper/servers.cfg at start, so a changed ensemble restarts it once it runs; at the first
# run, before ZooKeeper starts, it reads the file then.
class contrail::database (
  Hash[String, Array[Contrail::Dnsname]] $members = $dockstack_members,
) {
  require contrail::common

  $nodes = $members.get('cassandra', [])
  $ensemble = $nodes.map |$i, $m| { "server.${$i + 1}=${m}:2888:3888\n" }
  file { '/etc/contrail/database.conf':
    ensure  => file,
    content => "[cassandra]\nseeds=${join($nodes, ',')}\n",
  }
  file { '/etc/zookeeper/servers.cfg':
    ensure  => file,
    content => join($ensemble, ''),
  }
  # Running, not healthy: a member that lost its quorum is not healthy and still needs the change.
  exec { 'restart zookeeper':
    command     => '/usr/local/sbin/dockstack-service reload',
    onlyif      => '/bin/sh -c \'kill -0 "$(cat /run/dockstack/service.pid)"\'',
    refreshonly => true,
    subscribe   => File['/etc/zookeeper/servers.cfg'],
  }
}
