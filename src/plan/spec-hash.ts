import { createHash } from 'node:crypto';

import type { ContainerSpec } from '../environment/container-spec.js';
import { canonicalJson } from './canonical-json.js';

/**
 * What a change to each field of a ContainerSpec calls for. `recreate` fields are fixed when Docker
 * creates the container (its labels included), so they make up the spec hash; `move` is the host,
 * handled as a removal there and a creation on the new host; `state` is a start or a stop; `identity`
 * and `order` never change a running container. A field added to ContainerSpec must be classified
 * here before the code compiles.
 */
const FIELD_EFFECT = {
  environment: 'identity',
  name: 'identity',
  service: 'recreate',
  host: 'move',
  tier: 'order',
  image: 'recreate',
  hostname: 'recreate',
  domain: 'recreate',
  dns: 'recreate',
  ipaddress: 'recreate',
  gateway: 'recreate',
  macAddress: 'recreate',
  network: 'recreate',
  wiring: 'recreate',
  env: 'recreate',
  capAdd: 'recreate',
  volumes: 'recreate',
  state: 'state',
} as const satisfies Record<
  keyof ContainerSpec,
  'identity' | 'recreate' | 'move' | 'order' | 'state'
>;

type FieldEffect = typeof FIELD_EFFECT;

/** A ContainerSpec field whose change means the container is removed and created again. */
export type RecreateField = {
  [K in keyof FieldEffect]: FieldEffect[K] extends 'recreate' ? K : never;
}[keyof FieldEffect];

/** The fields the spec hash covers, in the order changes to them are reported. */
export const RECREATE_FIELDS: readonly RecreateField[] = Object.entries(FIELD_EFFECT)
  .filter(([, effect]) => effect === 'recreate')
  .map(([field]) => field as RecreateField);

/** Hex digits kept of the sha256: 64 bits, plenty to tell one container's specs apart. */
export const SPEC_HASH_LENGTH = 16;

/**
 * A stable hash of everything in `spec` that needs a recreate when it changes (RECREATE_FIELDS).
 * It is the sha256 of the canonical JSON of those fields that are defined, so key order does not
 * matter and a field added later leaves the hash of every spec without it as it was.
 */
export function specHash(spec: ContainerSpec): string {
  const fields: Partial<Record<RecreateField, unknown>> = {};
  for (const field of RECREATE_FIELDS) fields[field] = spec[field];
  return createHash('sha256')
    .update(canonicalJson(fields))
    .digest('hex')
    .slice(0, SPEC_HASH_LENGTH);
}
