import { describe, expect, it } from 'vitest';

import {
  COMMIT_LOG_FORMAT,
  parseCommitLog,
  parseTrailerLines,
  trailerValues,
} from './commit-log-format.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

function record(fields: string[]): string {
  return `${fields.join('\0')}\0`;
}

describe('parseCommitLog', () => {
  it('reads NUL-separated commits whatever their messages hold', () => {
    const output =
      record([
        A,
        `${B} ${C}`,
        'Ann',
        'ann@example.test',
        'Bot',
        'bot@example.test',
        '2024-05-01T10:00:00+02:00',
        'Merge pull request #7',
        'Body with\nnewlines and a : colon\n\nDockstack-Applied: x\n',
        'Dockstack-Applied: x\nSigned-off-by: Ann <ann@example.test>\nSigned-off-by: Bob <b@x>\n',
      ]) + record([B, '', 'Bob', 'b@x', 'Bob', 'b@x', '2024-05-01T09:00:00Z', 'Root', '', '']);
    expect(parseCommitLog(output)).toEqual([
      {
        sha: A,
        parents: [B, C],
        author: { name: 'Ann', email: 'ann@example.test' },
        committer: { name: 'Bot', email: 'bot@example.test' },
        date: '2024-05-01T10:00:00+02:00',
        subject: 'Merge pull request #7',
        body: 'Body with\nnewlines and a : colon\n\nDockstack-Applied: x',
        trailers: {
          'Dockstack-Applied': ['x'],
          'Signed-off-by': ['Ann <ann@example.test>', 'Bob <b@x>'],
        },
      },
      {
        sha: B,
        parents: [],
        author: { name: 'Bob', email: 'b@x' },
        committer: { name: 'Bob', email: 'b@x' },
        date: '2024-05-01T09:00:00Z',
        subject: 'Root',
        body: '',
        trailers: {},
      },
    ]);
  });

  it('reads empty output as no commits, and refuses output of another shape', () => {
    expect(parseCommitLog('')).toEqual([]);
    expect(() => parseCommitLog('x\0y\0')).toThrow('not a multiple of 10');
    expect(() => parseCommitLog(record(Array.from({ length: 10 }, () => 'x')))).toThrow(
      'not in the expected format',
    );
  });

  it('asks git for ten fields, trailers unfolded', () => {
    expect(COMMIT_LOG_FORMAT.split('%x00')).toHaveLength(10);
    expect(COMMIT_LOG_FORMAT).toContain('%(trailers:only,unfold)');
  });
});

describe('trailers', () => {
  it('splits each line at its first colon', () => {
    expect(parseTrailerLines('Key: a: b\nKey: c\n\nnot a trailer\n')).toEqual({
      Key: ['a: b', 'c'],
    });
  });

  it('finds values by key regardless of case', () => {
    const commit = { trailers: { 'Dockstack-Applied': ['1'], 'dockstack-applied': ['2'] } };
    expect(trailerValues(commit, 'DOCKSTACK-APPLIED')).toEqual(['1', '2']);
    expect(trailerValues(commit, 'Other')).toEqual([]);
  });
});
