# MariaDB Galera node. The first member bootstraps the cluster (an empty gcomm:// address); every
# other member joins the ones before it, so adding or removing a galera container changes the
# address on the members that need it at their next agent run.
# With the environment's galera_password (Hiera: dockstack::secrets), the first member also holds
# Keystone's database and its user `keystone`: MariaDB runs the statements at every start
# (init_file; the agent's first run comes before MariaDB starts) and a kick that changes them runs
# them at once. Galera replicates them to the other members. Members are DNS names, and the
# password stays on its line (a catalog with anything else fails).
class mymod::gal (
  Array[Mymod::Dnsname] $members = $dockstack_members.get('galera', []),
  Hash $secrets = lookup('dockstack::secrets', Hash, 'first', {}),
) {
  $self = $trusted['certname']
  $peers = $members.filter |$m| { $m != $self }
  # A selector binds tighter than == and or: the condition is worked out first.
  $bootstraps = $members.empty or $self == $members[0]
  $address = $bootstraps ? {
    true    => 'gcomm://',
    default => "gcomm://${join($peers, ',')}",
  }
  $password = mymod::text('galera_password', $secrets.get('galera_password', ''))
  $init = '/etc/mysql/dockstack-init.sql'
  $holds_databases = $bootstraps and $password != ''
  $init_line = $holds_databases ? {
    true    => "init_file=${init}\n",
    default => '',
  }

  file { '/etc/mysql/conf.d/galera.cnf':
    ensure  => file,
    mode    => '0640',
    content => "[galera]\nwsrep_on=ON\nwsrep_cluster_name=dockstack\nwsrep_cluster_address=${address}\nwsrep_node_name=${self}\n${init_line}",
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
