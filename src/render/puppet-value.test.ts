import { describe, expect, it } from 'vitest';

import { puppetValue } from './puppet-value.js';

describe('puppetValue', () => {
  it.each([
    ['text', "'text'"],
    [true, 'true'],
    [false, 'false'],
    [16, '16'],
    [-5, '-5'],
    [-0, '0'],
    [1.5, '1.5'],
    [1.5e-7, '1.5e-7'],
    [1e21, '1e21'],
    [2 ** 60, '1.152921504606847e18'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991'],
    [Number.MAX_VALUE, '1.7976931348623157e308'],
  ])('renders %j as %s', (value, literal) => {
    expect(puppetValue(value)).toBe(literal);
  });

  it('refuses numbers Puppet cannot write', () => {
    expect(() => puppetValue(Number.NaN)).toThrow(/no literal/);
    expect(() => puppetValue(Number.POSITIVE_INFINITY)).toThrow(/no literal/);
  });
});
