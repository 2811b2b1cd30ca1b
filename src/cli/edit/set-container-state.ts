import { isNode, isScalar, type Document } from 'yaml';

import type { ContainerState } from '../../environment/schema.js';
import {
  blockMapOf,
  TextEditRefused,
  insertItem,
  keyPlace,
  pairOf,
  removeItem,
  type EditSource,
} from './block-map-edits.js';
import { serviceContainers } from './service-containers.js';

/**
 * The text with container `name` of `services.SERVICE` set to `state`: `stopped` writes
 * `state: stopped` (replacing the value of a `state` key, or adding the key where it sorts among
 * the settings); `running`, the default, removes the `state` key. The text itself when the
 * container is in that state already.
 */
export function setContainerState(
  source: EditSource,
  doc: Document,
  service: string,
  name: string,
  state: ContainerState,
): string {
  const where = `services.${service}.${name}`;
  const { map } = serviceContainers(doc, service);
  const pair = map === 'empty' ? undefined : pairOf(map, name);
  if (map === 'empty' || pair === undefined)
    throw new TextEditRefused(`there is no container ${where}`);
  const fields = blockMapOf(pair.value, where);
  if (fields === 'empty') throw new TextEditRefused(`${where} has no settings`);
  const statePair = pairOf(fields, 'state');
  const value = statePair === undefined ? undefined : statePair.value;
  const current = isScalar(value) ? String(value.value) : 'running';
  if (current === state) return source.text;
  if (state === 'running') {
    if (statePair === undefined) return source.text;
    return removeItem(source, statePair, `${where}.state`);
  }
  if (isNode(value) && value.range != null) {
    const [start, end] = value.range;
    return `${source.text.slice(0, start)}${state}${source.text.slice(end)}`;
  }
  const first = fields.items[0];
  const column = first === undefined ? 0 : keyPlace(source, first, where).column;
  return insertItem(source, fields, 'state', [`${' '.repeat(column)}state: ${state}`], where);
}
