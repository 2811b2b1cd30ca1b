import { describe, expect, it } from 'vitest';

import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it.each([
    { value: { b: 1, a: 2 }, json: '{"a":2,"b":1}' },
    { value: { a: 2, b: 1 }, json: '{"a":2,"b":1}' },
    { value: { z: { y: 1, x: [3, { d: 1, c: 2 }] } }, json: '{"z":{"x":[3,{"c":2,"d":1}],"y":1}}' },
    { value: { a: undefined, b: 'x' }, json: '{"b":"x"}' },
    { value: {}, json: '{}' },
    { value: ['b', 'a'], json: '["b","a"]' },
    { value: 'text', json: '"text"' },
    { value: 16, json: '16' },
    { value: null, json: 'null' },
    { value: { n: null }, json: '{"n":null}' },
  ])('serialises $json', ({ value, json }) => {
    expect(canonicalJson(value)).toBe(json);
  });
});
