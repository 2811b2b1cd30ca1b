import { describe, expect, it } from 'vitest';

import { OutputCollector } from './output-collector.js';

function frame(type: number, text: string | Buffer): Buffer {
  const payload = typeof text === 'string' ? Buffer.from(text) : text;
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('OutputCollector', () => {
  it('splits frames into stdout and stderr, in order', () => {
    const collector = new OutputCollector();
    collector.push(
      Buffer.concat([frame(1, 'one\n'), frame(2, 'oops\n'), frame(1, 'two\n'), frame(2, '')]),
    );
    expect(collector.output()).toEqual({ stdout: 'one\ntwo\n', stderr: 'oops\n' });
  });

  it('reassembles frames and headers cut anywhere, also inside a UTF-8 character', () => {
    const stream = Buffer.concat([frame(1, 'grüße '), frame(2, 'fehler'), frame(1, 'ende')]);
    for (let size = 1; size <= 9; size++) {
      const collector = new OutputCollector();
      for (let at = 0; at < stream.length; at += size) {
        collector.push(stream.subarray(at, at + size));
      }
      expect(collector.output()).toEqual({ stdout: 'grüße ende', stderr: 'fehler' });
    }
  });

  it('keeps at most the cap of each stream and drops the rest', () => {
    const collector = new OutputCollector(10);
    collector.push(frame(1, 'abcdefgh'));
    collector.push(frame(2, 'e'.repeat(30)));
    collector.push(frame(1, 'ijklmnop'));
    collector.push(frame(2, 'more'));
    expect(collector.output()).toEqual({ stdout: 'abcdefghij', stderr: 'e'.repeat(10) });
  });

  it('takes the stdin stream type as stdout, and no input as empty output', () => {
    const collector = new OutputCollector();
    expect(collector.output()).toEqual({ stdout: '', stderr: '' });
    collector.push(frame(0, 'echo'));
    expect(collector.output()).toEqual({ stdout: 'echo', stderr: '' });
  });
});
