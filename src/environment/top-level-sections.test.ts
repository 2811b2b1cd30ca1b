import { describe, expect, it } from 'vitest';

import { topLevelSections } from './top-level-sections.js';

describe('topLevelSections', () => {
  it('finds each top-level key, where its lines end and how its block mapping is indented', () => {
    const text = [
      '%YAML 1.2',
      '---',
      '# head',
      'common:   # note',
      '   # a comment first',
      '   domain: a',
      '',
      '# about b',
      "'b': [1,",
      '  2]',
      'c:',
      '- x',
      '...',
      'd: after the document',
    ].join('\r\n');
    const lineEnd = (line: string): number => text.indexOf(line) + line.length;
    expect(topLevelSections(text)).toEqual([
      { key: 'common', start: text.indexOf('common'), end: lineEnd('domain: a'), childColumn: 3 },
      { key: 'b', start: text.indexOf("'b'"), end: lineEnd('  2]') },
      { key: 'c', start: text.indexOf('c:'), end: lineEnd('- x') },
    ]);
  });

  it('reads quoted keys and keys with colons inside', () => {
    const text = "\"a\\\"b\": 1\n'it''s': 2\nhttp://x: 3\nk:v: 4\n";
    expect(topLevelSections(text).map((s) => s.key)).toEqual(['a\\"b', "it's", 'http://x', 'k:v']);
  });

  it('refuses a file whose top level is not a block mapping at column 0', () => {
    expect(() => topLevelSections('# x\n  a: 1\n')).toThrow(/^line 2: not a key/);
    expect(() => topLevelSections('[a, b]\n')).toThrow(/^line 1: not a key/);
    expect(() => topLevelSections('a: 1\n&x b: 2\n')).toThrow(/^line 2: not a key/);
  });
});
