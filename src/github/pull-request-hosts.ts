import type { Environment } from '../environment/schema.js';
import { hostNames } from '../hosts/connect-hosts.js';
import { canonicalJson } from '../plan/canonical-json.js';

/** A host a pull request is planned without: as if it ran nothing, never connected to. */
export interface OfflineHost {
  host: string;
  /** `changed`: its `hosts:` entry differs from the base's; `new`: the base does not name it. */
  why: 'changed' | 'new';
}

/** Which hosts a pull request's plan may observe, and with what. */
export interface PullRequestHosts {
  /**
   * The base branch's environment cut down to the hosts the plan observes, for connecting: the
   * base's endpoints, credentials and TLS files, never the pull request's. Undefined: none.
   */
  connectWith: Environment | undefined;
  offline: OfflineHost[];
}

/**
 * The hosts a pull request's plan observes (pure): those the base branch names with the same
 * `hosts:` entry in the pull request, reached as the base says. A host whose entry the pull
 * request adds, changes or removes, and a host the base does not name, is planned offline.
 */
export function pullRequestHosts(
  base: Environment | undefined,
  pull: Environment,
): PullRequestHosts {
  const baseNames = new Set(base === undefined ? [] : hostNames(base));
  const entry = (env: Environment | undefined, host: string) =>
    env?.hosts !== undefined && Object.hasOwn(env.hosts, host) ? env.hosts[host] : undefined;
  const offline: OfflineHost[] = [];
  const online = new Set<string>();
  for (const host of [...new Set([...baseNames, ...hostNames(pull)])].sort()) {
    if (!baseNames.has(host)) offline.push({ host, why: 'new' });
    else if (canonicalJson(entry(base, host)) !== canonicalJson(entry(pull, host)))
      offline.push({ host, why: 'changed' });
    else online.add(host);
  }
  if (base === undefined || online.size === 0) return { connectWith: undefined, offline };
  const hosts = Object.fromEntries(
    Object.entries(base.hosts ?? {}).filter(([host]) => online.has(host)),
  );
  const services = Object.fromEntries(
    Object.entries(base.services).map(([service, containers]) => [
      service,
      Object.fromEntries(
        Object.entries(containers ?? {}).filter(([, container]) => online.has(container.host)),
      ),
    ]),
  );
  return { connectWith: { ...base, hosts, services }, offline };
}
