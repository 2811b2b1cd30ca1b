import type { Environment } from './schema.js';
import type { SemanticIssue } from './semantic-issue.js';

/** The longest DNS name in text form (255 octets on the wire). */
export const MAX_DNS_NAME = 253;

/**
 * The name that would grow past MAX_DNS_NAME with the domain appended, as the longest of them:
 * every container and external node is NAME.DOMAIN in site.pp, dnsmasq and certificates; the VIP's
 * name gets the domain too, and so does a puppet server name without a dot (dockstack-run).
 */
export function checkNameLengths(env: Environment): SemanticIssue[] {
  const { domain, vip_name: vipName, puppetServer } = env.common;
  const names: string[] = [];
  for (const group of [...Object.values(env.services), ...Object.values(env.external ?? {})]) {
    names.push(...Object.keys(group ?? {}));
  }
  if (vipName !== undefined) names.push(vipName);
  if (puppetServer !== undefined && !puppetServer.includes('.')) names.push(puppetServer);
  const longest = names.reduce<string | undefined>(
    (found, name) => (found === undefined || name.length > found.length ? name : found),
    undefined,
  );
  if (longest === undefined) return [];
  const length = longest.length + 1 + domain.length;
  if (length <= MAX_DNS_NAME) return [];
  return [
    {
      path: ['common', 'domain'],
      target: 'value',
      message: `with this domain of ${domain.length} characters, '${longest}' gets a DNS name of ${length} characters, over the ${MAX_DNS_NAME} DNS allows`,
      hint: `shorten the domain to ${MAX_DNS_NAME - 1 - longest.length} characters at most, or the name`,
    },
  ];
}
