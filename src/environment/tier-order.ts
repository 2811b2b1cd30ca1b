import type { Environment } from './schema.js';

/** The seed's start order: each service depends on the ones before it. */
export const DEFAULT_ORDER: readonly string[] = [
  'dns',
  'puppet',
  'haproxy',
  'galera',
  'openstack',
  'cassandra',
  'config',
  'collector',
  'control',
  'webui',
];

/** The environment's tier order: its own `order:` when given, the seed's otherwise. */
export function tierOrder(env: Pick<Environment, 'order'>): readonly string[] {
  return env.order ?? DEFAULT_ORDER;
}

/** Each service of the tier order and its position (the first, for a service listed twice). */
export function tierRanks(env: Pick<Environment, 'order'>): ReadonlyMap<string, number> {
  const ranks = new Map<string, number>();
  tierOrder(env).forEach((service, index) => {
    if (!ranks.has(service)) ranks.set(service, index);
  });
  return ranks;
}
