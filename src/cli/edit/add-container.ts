import { isMap, type Document } from 'yaml';

import { yamlScalar } from '../../environment/yaml-scalar.js';
import {
  TextEditRefused,
  fillItem,
  insertItem,
  keyPlace,
  pairOf,
  type EditSource,
} from './block-map-edits.js';
import type { NewContainer } from './container-edit.js';
import { serviceContainers, servicesOf } from './service-containers.js';
import { servicesLayout } from './services-layout.js';

const FIELDS: readonly (keyof NewContainer)[] = [
  'host',
  'ipaddress',
  'gateway',
  'macAddress',
  'tag',
];

/**
 * The text with container `name` added under `services.SERVICE`, indented like the file's other
 * entries: where it sorts when the containers (or services) are sorted, at the end otherwise.
 * A missing service is added the same way; an empty one (`webui: {}`) gets the container.
 */
export function addContainer(
  source: EditSource,
  doc: Document,
  service: string,
  name: string,
  container: NewContainer,
): string {
  if (!isMap(doc.contents)) throw new TextEditRefused('the file is not a mapping');
  const layout = servicesLayout(source, doc.contents);
  const block = (column: number): string[] => [
    `${pad(column)}${yamlScalar(name)}:`,
    ...FIELDS.flatMap((field) => {
      const value = container[field];
      return value === undefined
        ? []
        : [`${pad(column + layout.fieldStep)}${field}: ${yamlScalar(value)}`];
    }),
  ];
  const services = servicesOf(doc);
  const servicePair = services.map === 'empty' ? undefined : pairOf(services.map, service);
  if (servicePair === undefined) {
    const withService = [
      `${pad(layout.serviceColumn)}${yamlScalar(service)}:`,
      ...block(layout.serviceColumn + layout.containerStep),
    ];
    return services.map === 'empty'
      ? fillItem(source, services.pair, withService, 'services')
      : insertItem(source, services.map, service, withService, 'services');
  }
  const where = `services.${service}`;
  const containers = serviceContainers(doc, service).map;
  if (containers === 'empty') {
    const column = keyPlace(source, servicePair, where).column + layout.containerStep;
    return fillItem(source, servicePair, block(column), where);
  }
  const first = containers.items[0];
  const column = first === undefined ? 0 : keyPlace(source, first, where).column;
  return insertItem(source, containers, name, block(column), where);
}

function pad(column: number): string {
  return ' '.repeat(column);
}
