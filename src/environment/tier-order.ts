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
