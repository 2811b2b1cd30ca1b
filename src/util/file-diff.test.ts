import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { fileDiff } from './file-diff.js';

/** What `git diff --no-index` prints for the two texts, from its `---` line on, without hunk headings. */
function gitDiff(before: string, after: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dockstack-diff-'));
  writeFileSync(join(dir, 'a'), before);
  writeFileSync(join(dir, 'b'), after);
  let out = '';
  try {
    execFileSync('git', ['diff', '--no-index', '--no-color', 'a', 'b'], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', HOME: dir },
    });
  } catch (error) {
    out = (error as { stdout: string }).stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out
    .slice(out.indexOf('--- '))
    .replace('--- a/a', '--- a/env.yaml')
    .replace('+++ b/b', '+++ b/env.yaml')
    .replace(/^(@@ [^@]* @@).*$/gm, '$1');
}

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${String(i + 1)}\n`);

describe('fileDiff', () => {
  it.each([
    [
      'an insertion in the middle',
      lines(10).join(''),
      [...lines(5), 'new\n', ...lines(10).slice(5)].join(''),
    ],
    ['an insertion at the end', lines(10).join(''), `${lines(10).join('')}new 1\nnew 2\n`],
    ['an insertion at the start', lines(4).join(''), `new\n${lines(4).join('')}`],
    ['a removal', lines(10).join(''), [...lines(3), ...lines(10).slice(6)].join('')],
    [
      'a change of one line',
      lines(10).join(''),
      lines(10).join('').replace('line 7', 'line seven'),
    ],
    ['a changed last line without line break', 'a\nb', 'a\nc'],
    ['an added final line break', 'a\nb', 'a\nb\n'],
  ])('prints what git prints for %s', (_, before, after) => {
    expect(`${fileDiff('env.yaml', before, after, 3) ?? ''}\n`).toBe(gitDiff(before, after));
  });

  it('diffs a file from nothing against the empty file, under its own name', () => {
    expect(fileDiff('env.yaml', '', 'a\n')).toBe(
      '--- a/env.yaml\n+++ b/env.yaml\n@@ -0,0 +1,1 @@\n+a',
    );
  });

  it('is undefined for equal texts', () => {
    expect(fileDiff('env.yaml', 'a\n', 'a\n')).toBeUndefined();
  });
});
