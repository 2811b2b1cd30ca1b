import { createTwoFilesPatch } from 'diff';

/**
 * A unified diff of one file (`--- a/PATH`, `+++ b/PATH`, hunks with `context` lines around each
 * change, as `git diff` prints it), or undefined when nothing changes.
 */
export function fileDiff(
  path: string,
  before: string,
  after: string,
  context = 2,
): string | undefined {
  if (before === after) return undefined;
  const patch = createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, '', '', {
    context,
  });
  // jsdiff starts with an `Index:` line and a separator; a reviewer reads the rest.
  return patch
    .split('\n')
    .filter((line) => !line.startsWith('Index: ') && !/^={10,}$/.test(line))
    .map((line) => line.replace(/^(---|\+\+\+) (\S+)\t$/, '$1 $2'))
    .join('\n')
    .trimEnd();
}
