import { isIP } from 'node:net';

/**
 * True when a request's `Host` header names this listener as people may reach it: a loopback
 * name (`localhost`, `*.localhost`), an IP address (no DNS name can be rebound to one), or the
 * host of the public URL. Any other name is what a DNS rebinding attack sends: refused.
 */
export function isOwnHost(header: string | undefined, publicUrl: string | undefined): boolean {
  if (header === undefined) return false;
  const name = hostName(header);
  if (name === undefined) return false;
  if (name === 'localhost' || name.endsWith('.localhost') || isIP(name) !== 0) return true;
  if (publicUrl === undefined) return false;
  try {
    return new URL(publicUrl).hostname.toLowerCase().replace(/^\[|\]$/g, '') === name;
  } catch {
    return false;
  }
}

/** The host name of a `Host` header (`name`, `name:port`, `[v6]:port`), lower case. */
function hostName(header: string): string | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+))(?::\d{1,5})?$/.exec(header.trim());
  const name = match?.[1] ?? match?.[2];
  return name === undefined ? undefined : name.toLowerCase().replace(/\.$/, '');
}
