# MariaDB Galera node. Every member's cluster address names all the others, so a member that
# starts (a new one, or one recreated with its data) joins whichever of them runs; none bootstraps
# by its configuration. When no member is in a primary component (a new cluster, or every member
# restarted), dockstack has the most advanced one bootstrap (the galera image's `dockstack-service
# bootstrap`; for a new cluster, the first member). A cluster of one is its own primary component
# (gcomm://). Adding or removing a galera container changes the address on the others at their
# next agent run; a running member needs no restart for it.
# With the environment's galera_password (Hiera: dockstack::secrets), the first member also holds
# Keystone's database and its user `keystone`: the galera image runs the statements of
# /etc/mysql/dockstack-init.sql at every start of MariaDB, once the member is synced (the agent's
# first run comes before MariaDB starts), and a kick that changes them runs them at once. Galera
# replicates them.
# Members are DNS names, and the password stays on its line (a catalog with anything else fails).
class mymod::gal (
  Array[Mymod::Dnsname] $members = $dockstack_members.get('galera', []),
  Hash $secrets = lookup('dockstack::secrets', Hash, 'first', {}),
) {
  $self = $trusted['certname']
  $peers = $members.filter |$m| { $m != $self }
  $address = "gcomm://${join($peers, ',')}"
  # A selector binds tighter than == and or: the condition is worked out first.
  $first = $members.empty or $self == $members[0]
  $password = mymod::text('galera_password', $secrets.get('galera_password', ''))
  $init = '/etc/mysql/dockstack-init.sql'
  $holds_databases = $first and $password != ''

  file { '/etc/mysql/conf.d/galera.cnf':
    ensure  => file,
    mode    => '0640',
    content => "[galera]\nwsrep_on=ON\nwsrep_cluster_name=dockstack\nwsrep_cluster_address=${address}\nwsrep_node_name=${self}\n",
  }

  if $holds_databases {
    # SQL quoting of the password: a backslash and a quote are doubled.
    $quoted = regsubst(regsubst($password, '\\\\', '\\\\\\\\', 'G'), "'", "''", 'G')
    file { $init:
      ensure    => file,
      owner     => 'mysql',
      mode      => '0600',
      show_diff => false,
      content   => Sensitive(@("SQL"/L)
        CREATE DATABASE IF NOT EXISTS keystone;
        CREATE USER IF NOT EXISTS 'keystone'@'%' IDENTIFIED BY '${quoted}';
        ALTER USER 'keystone'@'%' IDENTIFIED BY '${quoted}';
        GRANT ALL ON keystone.* TO 'keystone'@'%';
        | SQL
      ),
    }
    exec { 'keystone database':
      command     => "mariadb < ${init}",
      provider    => shell,
      onlyif      => 'mariadb-admin ping',
      path        => ['/usr/bin', '/bin'],
      refreshonly => true,
      subscribe   => File[$init],
    }
  }
}
