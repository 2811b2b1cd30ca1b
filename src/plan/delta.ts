import { containerSpecs, type ContainerSpec } from '../environment/container-spec.js';
import type { Environment } from '../environment/schema.js';
import { RECREATE_FIELDS, type RecreateField } from './spec-hash.js';

/** What one commit changed in the desired containers, each list in tier order. */
export interface Delta {
  added: ContainerSpec[];
  removed: ContainerSpec[];
  /** Same name, but on another host or with a change that needs a recreate. */
  changed: ContainerChange[];
  /** state went from stopped to running (whether or not it also changed). */
  started: ContainerSpec[];
  /** state went from running to stopped (whether or not it also changed). */
  stopped: ContainerSpec[];
}

export type ChangedField = 'host' | RecreateField;

export interface ContainerChange {
  name: string;
  before: ContainerSpec;
  after: ContainerSpec;
  /** What changed: `host` first, then the recreate fields in RECREATE_FIELDS order. */
  fields: ChangedField[];
}

const CHANGE_FIELDS: readonly ChangedField[] = ['host', ...RECREATE_FIELDS];

/**
 * The containers `after` adds, removes and changes compared with `before`; with no `before` (the
 * first commit), every container is added. Lists follow the tier order of the environment the
 * container is in (`before` for removals, `after` for the rest).
 */
export function delta(before: Environment | undefined, after: Environment): Delta {
  const previous = new Map(
    (before === undefined ? [] : containerSpecs(before)).map((spec) => [spec.name, spec]),
  );
  const result: Delta = { added: [], removed: [], changed: [], started: [], stopped: [] };
  for (const spec of containerSpecs(after)) {
    const old = previous.get(spec.name);
    previous.delete(spec.name);
    if (old === undefined) {
      result.added.push(spec);
      continue;
    }
    const fields = CHANGE_FIELDS.filter((field) => !sameValue(old[field], spec[field]));
    if (fields.length > 0)
      result.changed.push({ name: spec.name, before: old, after: spec, fields });
    if (old.state === 'stopped' && spec.state === 'running') result.started.push(spec);
    if (old.state === 'running' && spec.state === 'stopped') result.stopped.push(spec);
  }
  result.removed = [...previous.values()];
  return result;
}

/** Equal as values: objects (env, wiring) and lists (capAdd) by their JSON. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
