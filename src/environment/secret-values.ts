import { isSecretKey, PUBLIC_COMMON_KEYS, type Environment } from './schema.js';

/** The Hiera key under which the Puppet modules find the environment's passwords and tokens. */
export const SECRETS_KEY = 'dockstack::secrets';

/**
 * The environment's passwords and tokens as key and value: the secret fields of `common`, then
 * those of `common.parameters`. They never go into `site.pp`; the puppet servers get them as
 * Hiera data, and what agents print is masked with them.
 */
export function secretEntries(env: Environment): [key: string, value: string][] {
  const found: [string, string][] = [];
  const add = (key: string, value: unknown) => {
    if (typeof value === 'string') found.push([key, value]);
    else if (typeof value === 'number') found.push([key, String(value)]);
  };
  for (const [key, value] of Object.entries(env.common)) {
    if (key !== 'parameters' && isSecretKey(key, PUBLIC_COMMON_KEYS)) add(key, value);
  }
  for (const [key, value] of Object.entries(env.common.parameters ?? {})) {
    if (isSecretKey(key)) add(key, value);
  }
  return found;
}

/**
 * The secrets as the puppet servers get them, by key: a key of `common.parameters` that is also
 * one of `common` wins, as the later entry.
 */
export function secretValues(env: Environment): Record<string, string> {
  return Object.fromEntries(secretEntries(env));
}
