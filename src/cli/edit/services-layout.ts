import { isMap, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';

import type { EditSource } from './block-map-edits.js';
import { lineIndexAt, type SourceLine } from './source-lines.js';

/** How the file indents the `services` section, so that new entries look like the old ones. */
export interface ServicesLayout {
  /** Column of the service keys. */
  serviceColumn: number;
  /** Container keys sit this much deeper than their service's key. */
  containerStep: number;
  /** Settings sit this much deeper than their container's key. */
  fieldStep: number;
}

/**
 * The layout of `services` in the file, read from the entries there: the first service with
 * containers gives the container step, the first container with settings the field step. What
 * the section does not show is taken from the file's other top-level mappings, 2 when none.
 */
export function servicesLayout(source: EditSource, top: YAMLMap): ServicesLayout {
  const step = top.items.map((pair) => childStep(source, pair)).find((s) => s !== undefined) ?? 2;
  const services = top.items.find((pair) => isScalar(pair.key) && pair.key.value === 'services');
  const servicePairs = isMap(services?.value) ? services.value.items : [];
  const containerPairs = servicePairs.flatMap((pair) =>
    isMap(pair.value) ? pair.value.items : [],
  );
  const first = servicePairs[0];
  const containerStep =
    servicePairs.map((pair) => childStep(source, pair)).find((s) => s !== undefined) ?? step;
  return {
    serviceColumn: first === undefined ? step : column(source, first.key),
    containerStep,
    fieldStep:
      containerPairs.map((pair) => childStep(source, pair)).find((s) => s !== undefined) ??
      containerStep,
  };
}

/** How much deeper the first key of the pair's value sits than the pair's key, for a block mapping. */
function childStep(source: EditSource, pair: Pair): number | undefined {
  const child = isMap(pair.value) && pair.value.flow !== true ? pair.value.items[0] : undefined;
  if (child === undefined) return undefined;
  const step = column(source, child.key) - column(source, pair.key);
  return step > 0 ? step : undefined;
}

function column(source: EditSource, node: unknown): number {
  const offset = (node as Node | null)?.range?.[0] ?? 0;
  return offset - (source.lines[lineIndexAt(source.lines, offset)] as SourceLine).start;
}
