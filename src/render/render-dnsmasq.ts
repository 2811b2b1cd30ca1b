import { DNS_NAME, IPV4, MAC_ADDRESS, RFC1123_LABEL } from '../environment/patterns.js';
import { compareText } from '../util/compare-text.js';
import type { DnsmasqEntry } from './dnsmasq-entries.js';

const HEADER = '# Rendered by dockstack: edits here are overwritten.';

/**
 * The file for dnsmasq's `--dhcp-hostsfile`: one `MAC,NAME,IP` line (the `dhcp-host` syntax) per
 * entry that has both a MAC and an IP, sorted by name. dnsmasq re-reads it on SIGHUP.
 */
export function renderDhcpHosts(entries: readonly DnsmasqEntry[]): string {
  const lines = checked(entries).flatMap(({ name, macAddress, ip }) =>
    macAddress === undefined || ip === undefined
      ? []
      : [`${macAddress.toLowerCase()},${name},${ip}`],
  );
  return [HEADER, ...lines, ''].join('\n');
}

/**
 * The file for dnsmasq's `--addn-hosts`, in /etc/hosts form: one `IP FQDN NAME` line per entry
 * that has an IP, sorted by name, so both names resolve and the address maps back to the FQDN.
 */
export function renderAddnHosts(entries: readonly DnsmasqEntry[]): string {
  const lines = checked(entries).flatMap(({ name, fqdn, ip }) =>
    ip === undefined ? [] : [`${ip} ${fqdn} ${name}`],
  );
  return [HEADER, ...lines, ''].join('\n');
}

/** The entries sorted by name; throws on a value that would break the line format or a repeated name. */
function checked(entries: readonly DnsmasqEntry[]): DnsmasqEntry[] {
  const sorted = [...entries].sort((a, b) => compareText(a.name, b.name));
  sorted.forEach((entry, i) => {
    const bad = invalidField(entry);
    if (bad !== undefined) throw new Error(`dnsmasq entry ${JSON.stringify(entry)}: bad ${bad}`);
    if (i > 0 && sorted[i - 1]?.name === entry.name) {
      throw new Error(`dnsmasq entry ${entry.name} is listed twice`);
    }
  });
  return sorted;
}

function invalidField(entry: DnsmasqEntry): string | undefined {
  if (!RFC1123_LABEL.test(entry.name)) return 'name';
  if (!DNS_NAME.test(entry.fqdn)) return 'fqdn';
  if (entry.macAddress !== undefined && !MAC_ADDRESS.test(entry.macAddress)) return 'macAddress';
  if (entry.ip !== undefined && !IPV4.test(entry.ip)) return 'ip';
  return undefined;
}
