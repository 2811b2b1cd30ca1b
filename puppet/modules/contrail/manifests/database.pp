# Cassandra, ZooKeeper and Kafka for Contrail: seeds and the ZooKeeper ensemble are the members of
# the cassandra service.
class contrail::database (
  Hash[String, Array[String]] $members = $dockstack_members,
) {
  require contrail::common

  $nodes = $members.get('cassandra', [])
  $zookeeper = $nodes.map |$i, $m| { "server.${$i + 1}=${m}:2888:3888\n" }
  file { '/etc/contrail/database.conf':
    ensure  => file,
    content => "[cassandra]\nseeds=${join($nodes, ',')}\n",
  }
  file { '/etc/contrail/zoo.cfg':
    ensure  => file,
    content => join($zookeeper, ''),
  }
}
