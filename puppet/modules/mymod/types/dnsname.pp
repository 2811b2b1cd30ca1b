# A DNS name: RFC 1123 labels joined by dots, 253 characters at most. Such a value needs no
# quoting in a line of a configuration file, a URL's host or a shell word.
type Mymod::Dnsname = Pattern[/\A(?=.{1,253}\z)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\z/]
