import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { yamlScalar } from './yaml-scalar.js';

describe('yamlScalar', () => {
  it.each(['dns1', 'web-ui', 'a', '1-2'])('writes %s plain', (value) => {
    expect(yamlScalar(value)).toBe(value);
  });

  it.each(['123', '0x1f', '0o17', '1e3', '012', 'null', 'true', 'yes', 'on', '~', '2.1'])(
    'quotes %s, which YAML 1.1 or 1.2 reads as something other than text',
    (value) => {
      const written = yamlScalar(value);
      expect(written).not.toBe(value);
      expect(parse(written, { version: '1.2' })).toBe(value);
      expect(parse(written, { version: '1.1' })).toBe(value);
    },
  );
});
