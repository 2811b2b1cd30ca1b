import { describe, expect, it } from 'vitest';

import { puppetString } from './puppet-string.js';

describe('puppetString', () => {
  it.each([
    ['plain', "'plain'"],
    ['', "''"],
    ["it's", "'it\\'s'"],
    ['back\\slash', "'back\\\\slash'"],
    ['trailing\\', "'trailing\\\\'"],
    ["\\'", "'\\\\\\''"],
    ['"double"', `'"double"'`],
    ['$x ${y} %{z}', "'$x ${y} %{z}'"],
    ['two\nlines\r\n', "'two\nlines\r\n'"],
    ['\\n stays two characters', "'\\\\n stays two characters'"],
    ['é☃𝄞', "'é☃𝄞'"],
  ])('quotes %j', (value, literal) => {
    expect(puppetString(value)).toBe(literal);
  });

  it('refuses a string that is not valid Unicode', () => {
    expect(() => puppetString('a\ud800b')).toThrow(/lone surrogate/);
  });
});
