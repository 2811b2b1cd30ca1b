# keepalived holding the VIP on the haproxy containers (VRRP): the first haproxy member is the
# preferred holder, the others take the VIP over within seconds when it stops answering.
class mymod::ka (
  Hash $common = $dockstack_common,
  Array[Mymod::Dnsname] $members = $dockstack_members.get('haproxy', []),
) {
  $vip = $common.get('vip', '')
  $mask = $common.get('vip_mask', 24)
  unless $vip =~ Variant[Mymod::Ipv4, Enum['']] and $mask =~ Integer[0, 32] {
    fail("the VIP ${String($vip, '%p')}/${String($mask, '%p')} is not an IPv4 address with a prefix length")
  }
  $position = $members.index |$m| { $m == $trusted['certname'] }
  $priority = $position ? {
    undef   => 100,
    default => max(1, 150 - $position),
  }

  if $vip != '' {
    file { '/etc/keepalived/keepalived.conf':
      ensure  => file,
      content => @("CONF"/L)
        vrrp_instance dockstack {
          interface eth0
          virtual_router_id 51
          priority ${priority}
          advert_int 1
          virtual_ipaddress {
            ${vip}/${mask}
          }
        }
        | CONF
    }
  }
}
