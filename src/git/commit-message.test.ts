import { describe, expect, it } from 'vitest';

import { commitMessage } from './commit-message.js';

describe('commitMessage', () => {
  it('puts trailers after one blank line, one per line', () => {
    expect(
      commitMessage('dockstack: converged\n\n3 done.\n\n\n', {
        'Dockstack-Applied': 'abc',
        'Dockstack-Result': 'converged',
      }),
    ).toBe(
      'dockstack: converged\n\n3 done.\n\nDockstack-Applied: abc\nDockstack-Result: converged\n',
    );
  });

  it('normalises line ends and trailing spaces, and ends with a newline', () => {
    expect(commitMessage('\n subject  \r\n\r\nbody \t\r\n', {})).toBe(' subject\n\nbody\n');
  });

  it('refuses an empty message, NUL, and trailers that are not one line', () => {
    expect(() => commitMessage(' \n', {})).toThrow('must not be empty');
    expect(() => commitMessage('a\0b', {})).toThrow('contain NUL');
    expect(() => commitMessage('m', { K: 'a\nForged: yes' })).toThrow('trailer K refused');
    expect(() => commitMessage('m', { 'K: x\nForged': 'y' })).toThrow('trailer key');
  });
});
