import type { ContainerSpec } from '../environment/container-spec.js';
import { RFC1123_LABEL } from '../environment/patterns.js';
import { REGISTERED_KEY as KEY, registeredSection } from '../environment/registered-section.js';
import type { Environment } from '../environment/schema.js';
import type { TopLevelSection } from '../environment/top-level-sections.js';
import { yamlScalar } from '../environment/yaml-scalar.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import { isManaged, managedName, serviceOf } from '../plan/observed.js';
import { compareText } from '../util/compare-text.js';

/**
 * The `registered_services` section for the given containers: each service -> the names of its
 * running containers, sorted. `services` adds services that should appear even with no running
 * container (as `[]`, like the seed lists every service).
 */
export function registeredServices(
  specs: readonly Pick<ContainerSpec, 'name' | 'service' | 'state'>[],
  services: Iterable<string> = [],
): Record<string, string[]> {
  const registered = new Map<string, string[]>([...services].map((s) => [s, []]));
  for (const spec of specs) {
    const names = registered.get(spec.service) ?? [];
    if (spec.state === 'running') names.push(spec.name);
    registered.set(spec.service, names);
  }
  return Object.fromEntries(
    [...registered]
      .sort(([a], [b]) => compareText(a, b))
      .map(([service, names]) => [service, names.sort(compareText)]),
  );
}

/**
 * `registered_services` as it should read now: per service, the containers of this environment that
 * run, as observed. A host that could not be observed keeps what the file said of its containers,
 * since nothing is known to have changed there.
 */
export function runningServices(
  env: Environment,
  observed: readonly ObservedContainer[],
  unreachableHosts: ReadonlySet<string>,
): Record<string, string[]> {
  const running = observed
    .filter((c) => isManaged(c) && c.running && serviceOf(c) !== undefined)
    .map((c) => ({ name: managedName(c), service: serviceOf(c) ?? '', state: 'running' as const }));

  const hostOf = new Map<string, string>();
  for (const containers of Object.values(env.services)) {
    for (const [name, c] of Object.entries(containers ?? {})) hostOf.set(name, c.host);
  }
  const kept = Object.entries(env.registered_services ?? {}).flatMap(([service, names]) =>
    (names ?? [])
      .filter((name) => unreachableHosts.has(hostOf.get(name) ?? ''))
      .map((name) => ({ name, service, state: 'running' as const })),
  );
  const services = [...Object.keys(env.services), ...Object.keys(env.registered_services ?? {})];
  const seen = new Set<string>();
  const unique = [...running, ...kept].filter((c) => !seen.has(c.name) && seen.add(c.name));
  return registeredServices(unique, services);
}

/**
 * The environment file `text` with its `registered_services` section set to `registered`, every
 * other byte kept: comments, order, quoting, blank lines, line endings, the final newline or its
 * absence. Services and names are written sorted, in the seed's format (`service: []` when empty,
 * sequence items at their key's indent). Comments before the key, on the key's line and after the
 * section are kept; comments inside the section are replaced. A name YAML would read as something
 * other than text (`123`, `0x1f`, `null`) is written in quotes. A missing section is added after
 * `common` (or the last section). Returns `text` itself when the section already holds exactly
 * these services and names. Throws when `text` is not a YAML block mapping or a name is not an
 * RFC 1123 label.
 */
export function writeRegisteredServices(
  text: string,
  registered: Readonly<Record<string, readonly string[]>>,
): string {
  const wanted = sortedServices(registered);
  const { sections, current, after } = registeredSection(text);
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const width = indentWidth(sections);
  if (current !== undefined) {
    const { section, source } = current;
    if (holds(source.value, wanted)) return text;
    const body = sectionBody(wanted, width, newline, source.keyLineComment);
    return text.slice(0, source.colonEnd) + body + text.slice(section.end);
  }
  const section = `${KEY}:${sectionBody(wanted, width, newline, '')}`;
  if (after === undefined) {
    const separator = text === '' || text.endsWith('\n') ? '' : newline;
    return `${text}${separator}${section}${newline}`;
  }
  return text.slice(0, after.end) + newline + section + text.slice(after.end);
}

type Services = [service: string, names: string[]][];

function sortedServices(registered: Readonly<Record<string, readonly string[]>>): Services {
  const services = Object.entries(registered).map(([service, names]): Services[number] => {
    const sorted = [...names].sort(compareText);
    for (const name of [service, ...sorted]) {
      if (!RFC1123_LABEL.test(name))
        throw new Error(`${KEY}: ${JSON.stringify(name)} is not an RFC 1123 label`);
    }
    if (sorted.some((name, i) => name === sorted[i - 1])) {
      throw new Error(`${KEY}: a name is listed twice under ${service}`);
    }
    return [service, sorted];
  });
  return services.sort(([a], [b]) => compareText(a, b));
}

/** True when the section's current value holds the same services with the same names in order. */
function holds(current: unknown, wanted: Services): boolean {
  const value: unknown = current ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  if (entries.length !== wanted.length) return false;
  const names = new Map<string, unknown>(entries);
  return wanted.every(([service, want]) => {
    if (!names.has(service)) return false;
    const have = names.get(service) ?? [];
    return (
      Array.isArray(have) && have.length === want.length && have.every((n, i) => n === want[i])
    );
  });
}

/** The file's indentation step: from the existing sections' block mappings, 2 when none has one. */
function indentWidth(sections: readonly TopLevelSection[]): number {
  const order = [KEY, 'common', 'services'];
  const ranked = [...sections].sort((a, b) => rank(order, a.key) - rank(order, b.key));
  for (const s of ranked) if (s.childColumn !== undefined) return s.childColumn;
  return 2;
}

function rank(order: readonly string[], key: string): number {
  const index = order.indexOf(key);
  return index === -1 ? order.length : index;
}

/** What follows `registered_services:`, starting right after the colon. */
function sectionBody(services: Services, indent: number, newline: string, comment: string): string {
  if (services.length === 0) return ` {}${comment}`;
  const pad = ' '.repeat(indent);
  const lines = services.flatMap(([service, names]) =>
    names.length === 0
      ? [`${pad}${yamlScalar(service)}: []`]
      : [`${pad}${yamlScalar(service)}:`, ...names.map((name) => `${pad}- ${yamlScalar(name)}`)],
  );
  return comment + lines.map((line) => newline + line).join('');
}
