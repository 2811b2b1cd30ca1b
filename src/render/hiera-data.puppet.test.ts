/**
 * Hiera data as Puppet reads it: Ruby's YAML 1.1 parser through Puppet's own safe loader, the one
 * its yaml_data backend uses. Needs `puppet` on PATH (Debian: `apt-get install puppet`, which
 * brings Ruby); without it this test fails.
 */
import { spawnSync } from 'node:child_process';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { FreeText } from '../environment/schema.js';
import { hieraData } from './hiera-data.js';

/** Reads YAML on stdin with Puppet's loader and prints it back as JSON. */
const READ_AS_HIERA = `
require 'json'
require 'puppet'
require 'puppet/util/yaml'
puts JSON.generate(Puppet::Util::Yaml.safe_load($stdin.read, [Symbol], 'data.yaml'))
`;

function readAsHiera(yaml: string): unknown {
  const run = spawnSync('ruby', ['-e', READ_AS_HIERA], { input: yaml, encoding: 'utf8' });
  if (run.error !== undefined) {
    throw new Error(
      `cannot run ruby (install puppet: apt-get install puppet): ${run.error.message}`,
    );
  }
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout);
}

/** Texts a plain YAML 1.1 scalar would turn into something else, or that break naive quoting. */
const TRICKY = [
  'yes',
  'No',
  'on',
  'OFF',
  'y',
  '~',
  'null',
  '2024-01-01',
  '2001-12-14t21:59:43.10-05:00',
  '1:20',
  '1_000',
  '0o17',
  '0x1F',
  '0b101',
  '.5',
  '.inf',
  '-.NaN',
  '<<',
  '=',
  ':symbol',
  '!!str x',
  '&anchor',
  '*alias',
  '%directive',
  '@reserved',
  '`reserved',
  '- item',
  '? key',
  'key: value',
  '#comment',
  'a #comment',
  '"double"',
  "'single'",
  'back\\slash\\',
  ' leading and trailing ',
  '',
  'é ☃ 𝄞 \u00a0',
  '$(touch /tmp/pwned) `id` ; rm -rf / \'"\\',
];

describe('hieraData, read by Puppet', () => {
  it('gives Puppet every text as it is, tricky ones and 2,000 generated ones, keys too', () => {
    const generated = fc.sample(
      fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => FreeText.safeParse(s).success),
      { seed: 25, numRuns: 2000 },
    );
    const texts = [...TRICKY, ...generated];
    const data = {
      'dockstack::secrets': Object.fromEntries(texts.map((text, i) => [`k${i}`, text])),
      keys: Object.fromEntries(texts.map((text, i) => [text, i])),
    };
    expect(readAsHiera(hieraData(data))).toEqual(data);
  });
});
