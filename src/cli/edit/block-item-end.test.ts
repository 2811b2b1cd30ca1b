import { describe, expect, it } from 'vitest';

import { blockItemEnd } from './block-item-end.js';
import { sourceLines } from './source-lines.js';

const TEXT = `services:
  dns:
    dns1:
      host: a
# a comment at column 0, inside dns1

      ipaddress: 10.0.0.1/16
      # under dns1: part of it
    # above dns2: not part of dns1

    dns2: { host: b }
  webui: {}
`;

describe('blockItemEnd', () => {
  const lines = sourceLines(TEXT);
  it('takes the deeper lines, the blank lines and comments between them, and the deeper comments after', () => {
    expect(blockItemEnd(lines, 2, 4)).toBe(7);
    expect(blockItemEnd(lines, 10, 4)).toBe(10);
    expect(blockItemEnd(lines, 1, 2)).toBe(10);
    expect(blockItemEnd(lines, 11, 2)).toBe(11);
  });

  it('tells blank lines, comments and content apart, with CRLF too', () => {
    expect(
      sourceLines('a:\r\n  \r\n  # c\r\n  b: 1').map((l) => [l.kind, l.indent, l.end - l.start]),
    ).toEqual([
      ['content', 0, 2],
      ['blank', -1, 2],
      ['comment', 2, 5],
      ['content', 2, 6],
    ]);
  });
});
