# keepalived holding the VIP on the haproxy containers (VRRP).
class mymod::ka (
  Hash $common = $dockstack_common,
) {
  $vip = $common.get('vip', '')
  $mask = $common.get('vip_mask', 24)

  if $vip != '' {
    file { '/etc/keepalived/keepalived.conf':
      ensure  => file,
      content => "vrrp_instance dockstack {\n  interface eth0\n  virtual_router_id 51\n  virtual_ipaddress {\n    ${vip}/${mask}\n  }\n}\n",
    }
  }
}
