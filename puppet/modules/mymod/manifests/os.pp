# The OpenStack controller: Keystone (see images/app/openstack). Its database is the galera
# cluster, reached through HAProxy on the VIP when the file has one (the first galera member
# otherwise), as the user `keystone` with the environment's galera_password; `keystone-manage
# bootstrap` makes the admin user (keystone_admin_user, keystone_admin_password,
# keystone_admin_tenant) and the identity endpoint on the VIP; the fernet and credential keys
# are derived from keystone_admin_token, the same on every openstack container. The passwords
# and the token come from Hiera (dockstack::secrets), never from site.pp. A changed file reloads
# Keystone once it runs (the first run comes before it starts).
# Every value is typed before it is written: names are DNS names, other text stays on one line
# (a catalog with anything else fails, naming the setting); every value of the bootstrap file is
# shell-quoted (the image reads it, never runs it), and the database URL's password is
# percent-encoded.
class mymod::os (
  Hash $common = $dockstack_common,
  Hash[String, Array[Mymod::Dnsname]] $members = $dockstack_members,
  Hash $secrets = lookup('dockstack::secrets', Hash, 'first', {}),
) {
  $domain = $common.get('domain', '')
  $vip_name = $common.get('vip_name', '')
  $galera = $members.get('galera', [])
  $through_vip = $common.get('vip', '') != '' and $vip_name != ''
  $vip_host = $domain ? {
    ''      => $vip_name,
    default => "${vip_name}.${domain}",
  }
  $db_host = $through_vip ? {
    true    => mymod::dns_name('the VIP\'s name', $vip_host),
    default => $galera.empty ? {
      true    => 'localhost',
      default => $galera[0],
    },
  }
  $api_host = $through_vip ? {
    true    => $db_host,
    default => mymod::dns_name('the certname', $trusted['certname']),
  }
  $rabbit = join($members.get('openstack', []), ',')
  $db_password = mymod::text('galera_password', $secrets.get('galera_password', ''))
  $admin_password = mymod::text('keystone_admin_password', $secrets.get('keystone_admin_password', ''))
  $admin_token = mymod::text('keystone_admin_token', $secrets.get('keystone_admin_token', ''))

  file { '/etc/dockstack-openstack.conf':
    ensure  => file,
    content => "[database]\nhost=${db_host}\n[rabbit]\nhosts=${rabbit}\n",
  }

  if $db_password != '' and !$galera.empty {
    file { '/etc/keystone/keystone.conf.d/50-database.conf':
      ensure    => file,
      group     => 'keystone',
      mode      => '0640',
      show_diff => false,
      content   => Sensitive("[database]\nconnection = mysql+pymysql://keystone:${mymod::url_escape($db_password)}@${db_host}/keystone\n"),
      notify    => Exec['reload keystone'],
    }
  }
  if $admin_password != '' {
    $user = mymod::text('keystone_admin_user', $common.get('keystone_admin_user', 'admin'))
    $project = mymod::text('keystone_admin_tenant', $common.get('keystone_admin_tenant', 'admin'))
    # Shell assignments, every value one single-quoted word (the image reads them, never runs them).
    file { '/etc/dockstack/keystone/bootstrap':
      ensure    => file,
      mode      => '0600',
      show_diff => false,
      content   => Sensitive(@("BOOT"/L)
        ADMIN_PASSWORD=${mymod::shell_quote($admin_password)}
        ADMIN_USER=${mymod::shell_quote($user)}
        ADMIN_PROJECT=${mymod::shell_quote($project)}
        PUBLIC_URL=${mymod::shell_quote("http://${api_host}:5000/v3/")}
        | BOOT
      ),
      notify    => Exec['reload keystone'],
    }
  }

  # Every openstack container derives the same fernet and credential keys from this secret, so
  # each accepts the tokens the others issue; a new token invalidates the tokens issued before.
  if $admin_token != '' {
    file { '/etc/dockstack/keystone/key-seed':
      ensure    => file,
      mode      => '0600',
      show_diff => false,
      content   => Sensitive("${admin_token}\n"),
      notify    => Exec['reload keystone'],
    }
  }

  exec { 'reload keystone':
    command     => '/usr/local/sbin/dockstack-service reload',
    onlyif      => '/usr/local/sbin/dockstack-service health',
    refreshonly => true,
  }
}
