import { isMap, type Document, type Pair, type YAMLMap } from 'yaml';

import { blockMapOf, TextEditRefused, pairOf } from './block-map-edits.js';

/** The `services` pair of the document and its block mapping (or 'empty'). */
export function servicesOf(doc: Document): { pair: Pair; map: YAMLMap | 'empty' } {
  const pair = isMap(doc.contents) ? pairOf(doc.contents, 'services') : undefined;
  if (pair === undefined) throw new TextEditRefused('the file has no services section');
  return { pair, map: blockMapOf(pair.value, 'services') };
}

/** The pair of `services.SERVICE` and its block mapping of containers (or 'empty'). */
export function serviceContainers(
  doc: Document,
  service: string,
): { pair: Pair; map: YAMLMap | 'empty' } {
  const services = servicesOf(doc).map;
  const pair = services === 'empty' ? undefined : pairOf(services, service);
  if (pair === undefined) throw new TextEditRefused(`there is no service ${service}`);
  return { pair, map: blockMapOf(pair.value, `services.${service}`) };
}
