# `$value` when it is a DNS name (see Mymod::Dnsname), else a failed catalog naming `$name` and
# the value.
function mymod::dns_name(String $name, Any $value) >> String {
  unless $value =~ Mymod::Dnsname {
    fail("${name} is not a DNS name: ${String($value, '%p')}")
  }
  $value
}
