import { describe, expect, it } from 'vitest';

import { loadEnvironment } from './load-environment.js';

/** `count` services of one container each; `order` lists them all when `listed`. */
function manyServices(count: number, listed: boolean): string {
  const lines = ['common:', '  dnsServer: 10.0.0.1', '  domain: big.lab', 'services:'];
  for (let i = 0; i < count; i++) lines.push(`  s${i}:`, `    c${i}:`, '      host: h1');
  if (listed) {
    lines.push('order:');
    for (let i = 0; i < count; i++) lines.push(`  - s${i}`);
  }
  return `${lines.join('\n')}\n`;
}

function timed(text: string): { ms: number; problems: number } {
  const started = performance.now();
  const result = loadEnvironment(text);
  return { ms: performance.now() - started, problems: result.ok ? 0 : result.problems.length };
}

/** Reading tens of thousands of entries takes seconds on a busy machine. */
const SLOW = 120_000;

describe('loadEnvironment at scale', () => {
  it(
    'reports 20,000 services missing from the tier order about as fast as it accepts them',
    () => {
      timed(manyServices(1000, false));
      const valid = timed(manyServices(20_000, true));
      const invalid = timed(manyServices(20_000, false));
      expect(valid.problems).toBe(0);
      expect(invalid.problems).toBe(100);
      // The valid file is the larger one (it has the order list too): finding, placing and sorting
      // 20,000 problems must not cost much more than reading it.
      expect(invalid.ms).toBeLessThan(3 * valid.ms + 1000);
    },
    SLOW,
  );

  it(
    'does the same through the yaml library, for a file the block reader leaves to it',
    () => {
      // A tab, even in a comment, is beyond the block reader.
      const viaYaml = (text: string): string => `#\tread by yaml\n${text}`;
      timed(viaYaml(manyServices(1000, false)));
      const valid = timed(viaYaml(manyServices(20_000, true)));
      const invalid = timed(viaYaml(manyServices(20_000, false)));
      expect(valid.problems).toBe(0);
      expect(invalid.problems).toBe(100);
      expect(invalid.ms).toBeLessThan(3 * valid.ms + 1000);
    },
    SLOW,
  );

  it(
    'checks 30,000 public parameters against 30,000 parameters in linear time',
    () => {
      const names = Array.from({ length: 30_000 }, (_, i) => `admin_pw_${i}`);
      const text = [
        'common:',
        '  dnsServer: 10.0.0.1',
        '  domain: big.lab',
        '  parameters:',
        ...names.map((name) => `    ${name}: x`),
        '  public_parameters:',
        ...names.map((name) => `    - ${name}x`),
        'services: {}',
        '',
      ].join('\n');
      const { ms, problems } = timed(text);
      expect(problems).toBe(100);
      expect(ms).toBeLessThan(10_000);
    },
    SLOW,
  );
});
