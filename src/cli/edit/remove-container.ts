import type { Document } from 'yaml';

import {
  colonEnd,
  TextEditRefused,
  pairOf,
  removeItem,
  type EditSource,
} from './block-map-edits.js';
import { serviceContainers } from './service-containers.js';

/**
 * The text without container `name` of `services.SERVICE`: its lines and the comments indented
 * under it go, nothing else. The last container of a service leaves the service as
 * `SERVICE: {}`, so its key, its comments and its place in `order` stay.
 */
export function removeContainer(
  source: EditSource,
  doc: Document,
  service: string,
  name: string,
): string {
  const where = `services.${service}`;
  const { pair: servicePair, map } = serviceContainers(doc, service);
  const pair = map === 'empty' ? undefined : pairOf(map, name);
  if (map === 'empty' || pair === undefined) {
    throw new TextEditRefused(`there is no container ${name} in ${where}`);
  }
  const text = removeItem(source, pair, `${where}.${name}`);
  if (map.items.length > 1) return text;
  const colon = colonEnd(source, servicePair, where);
  return `${text.slice(0, colon)} {}${text.slice(colon)}`;
}
