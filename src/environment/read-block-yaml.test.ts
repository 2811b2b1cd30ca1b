import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import type { Path } from './locate.js';
import { readBlockYaml } from './read-block-yaml.js';
import { readYaml } from './read-yaml.js';

const fixture = (path: string): string =>
  readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** Every path of a value: each entry of each mapping and sequence, and one that is missing. */
function paths(value: unknown, prefix: Path = []): Path[] {
  const all: Path[] = [[...prefix, 'missing']];
  if (value === null || typeof value !== 'object') return all;
  const entries = Array.isArray(value)
    ? value.map((item, i): [number, unknown] => [i, item])
    : Object.entries(value);
  for (const [key, child] of entries) {
    all.push([...prefix, key], ...paths(child, [...prefix, key]));
  }
  return all;
}

/** Reads `text` both ways: when the block reader takes it, it must agree with yaml entirely. */
function agree(text: string): boolean {
  const block = readBlockYaml(text, 32);
  if (block === undefined) return false;
  const full = readYaml(text, 'env.yaml');
  expect('problems' in full ? full.problems : [], text).toEqual([]);
  if ('problems' in full) return false;
  expect(block.value, text).toEqual(full.value);
  for (const path of [[], ...paths(full.value)]) {
    for (const target of ['key', 'value'] as const) {
      expect(block.locator.position(path, target), `${text}\n${path.join('.')}`).toEqual(
        full.locator.position(path, target),
      );
    }
    expect(block.locator.written(path)).toBe(full.locator.written(path));
  }
  return true;
}

/** A small deterministic random source. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const KEYS = ['a', 'dns1', '0x1f', '1e3', '123', 'null', 'true', '~', '"q k"', "'s k'", 'a.b'];
const MORE_KEYS = ['-rf', 'a b', 'k', '"e\\"k"', "'it''s'", '? x', '[a]', '&x a', 'a:b'];
const VALUES = [
  'x',
  '10.0.0.1/16',
  'de:ad:be:ef:ba:11',
  'tcp://h:2376',
  'unix:///var/run/docker.sock',
  '0o17',
  '0x1F',
  '1_000',
  '-1',
  '+1',
  '.5',
  '1.',
  '1.50',
  '1e3',
  '-.inf',
  '.NaN',
  'NULL',
  'Null',
  '~',
  'True',
  'FALSE',
  'yes',
  '"a # b"',
  '""',
  "''",
  '"it\'s"',
  "'it''s'",
  '"esc\\"q"',
  'a #comment',
  'a#b',
  'a: b',
  'a:b',
  'a:',
  '[]',
  '[ ]',
  '{}',
  '[a, 1, "b"]',
  '[a,]',
  '{a: 1}',
  '&anchor x',
  '*alias',
  '!!str 1',
  '|',
  '"unclosed',
  'a  b',
  'x   ',
  '%x',
  '@x',
  '...',
  '-',
  '- x',
  'é',
];

/** A random document in roughly the environment file's layout, with odd keys and values. */
function document(next: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const step = 1 + Math.floor(next() * 3);
  const lines: string[] = [];
  const block = (indent: number, depth: number): void => {
    const count = 1 + Math.floor(next() * 3);
    for (let i = 0; i < count; i++) {
      const pad = ' '.repeat(indent);
      const key = next() < 0.1 ? pick(MORE_KEYS) : `${pick(KEYS)}${i}`;
      const roll = next();
      if (next() < 0.1) lines.push(`${' '.repeat(Math.floor(next() * 6))}# note`);
      if (next() < 0.05) lines.push('');
      if (roll < 0.3 && depth < 3) {
        lines.push(`${pad}${key}:${next() < 0.2 ? '   # c' : ''}`);
        block(indent + step, depth + 1);
      } else if (roll < 0.45) {
        lines.push(`${pad}${key}:`);
        const at = next() < 0.5 ? pad : ' '.repeat(indent + step);
        for (let j = 0; j < 1 + Math.floor(next() * 3); j++) lines.push(`${at}- ${pick(VALUES)}`);
      } else if (roll < 0.5) {
        lines.push(`${pad}${key}:${next() < 0.5 ? ' ' : ''}`);
      } else {
        lines.push(`${pad}${key}: ${pick(VALUES)}`);
      }
    }
  };
  block(0, 0);
  return lines.join(next() < 0.2 ? '\r\n' : '\n') + (next() < 0.8 ? '\n' : '');
}

describe('readBlockYaml', () => {
  it.each([
    'test/fixtures/seed-environment.yaml',
    'env-repo-example/environment.yaml',
    'bench/../test/fixtures/seed-environment.yaml',
  ])('reads %s as yaml does', (path) => {
    expect(agree(fixture(path))).toBe(true);
  });

  it('reads a hand-written file with comments, quotes, flow lists and lists at their key', () => {
    const text = [
      '# The lab.',
      'common:',
      '    dnsServer: 10.0.0.1      # the dns service',
      '    domain: "endor.lab"',
      "    vip_name: 'vip'",
      '    vip_mask: 16',
      '    parameters:',
      '        mtu: 1450',
      '        ratio: 0.75',
      '        debug: false',
      '        empty:',
      'registered_services:',
      '  dns:',
      '  - dns1',
      '  - "123"',
      '  webui: []',
      'order: [dns, webui]',
      '',
      'services:',
      '    dns:',
      '        dns1:',
      '            host: 192.168.99.2   # the lab host',
      '            ipaddress: 10.0.0.1/16',
      '            # the lab router',
      '            gateway: 10.0.0.100',
      '    webui: {}',
      '    galera:',
      '# end',
    ].join('\n');
    expect(agree(text)).toBe(true);
    expect(agree(text.replaceAll('\n', '\r\n'))).toBe(true);
  });

  it('reads keys named like Object methods as any other, and finds only the entries there are', () => {
    const text = 'toString: 1\nvalueOf:\n  hasOwnProperty: x\nlist:\n- a\n';
    expect(agree(text)).toBe(true);
    const block = readBlockYaml(text, 32);
    const full = readYaml(text, 'env.yaml');
    if (block === undefined || 'problems' in full) throw new Error('not read');
    for (const path of [
      ['valueOf', 'toString'],
      ['list', '0'],
      ['list', 'length'],
      ['constructor'],
    ]) {
      expect(block.locator.position(path, 'value')).toEqual(full.locator.position(path, 'value'));
    }
  });

  it('agrees with yaml on every random document it takes, and takes most plain ones', () => {
    const next = random(20251202);
    let taken = 0;
    for (let i = 0; i < 3000; i++) if (agree(document(next))) taken++;
    expect(taken).toBeGreaterThan(300);
  });

  it.each([
    ['an anchor', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['an escape', 'a: "x\\ty"\n'],
    ['a flow mapping with entries', 'a: {b: 1}\n'],
    ['a multi-line plain scalar', 'a: b\n  c\n'],
    ['a tab', 'a:\t1\n'],
    ['a repeated key', 'a: 1\na: 2\n'],
    ['a reserved key', 'a:\n  __proto__: 1\n'],
    ['a document marker', '---\na: 1\n'],
    ['a top-level list', '- a\n'],
    ['an indented top level', '  a: 1\n'],
    ['a list item holding a mapping', 'a:\n- b: 1\n'],
    ['a bad indentation', 'a:\n    b: 1\n  c: 2\n'],
  ])('leaves %s to yaml', (_, text) => {
    expect(readBlockYaml(text, 32)).toBeUndefined();
  });

  it('leaves nesting that reaches the limit to yaml', () => {
    const text = Array.from({ length: 40 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
    expect(readBlockYaml(text, 32)).toBeUndefined();
    expect(agree(Array.from({ length: 20 }, (_, i) => `${' '.repeat(i)}k:`).join('\n'))).toBe(true);
  });
});
