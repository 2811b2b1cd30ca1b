import { createTwoFilesPatch } from 'diff';

/** A unified diff of one file (`a/PATH` to `b/PATH`), or undefined when nothing changes. */
export function fileDiff(path: string, before: string, after: string): string | undefined {
  if (before === after) return undefined;
  const patch = createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, '', '', {
    context: 2,
  });
  // jsdiff starts with an `Index:` line and a separator; a reviewer reads the rest.
  return patch
    .split('\n')
    .filter((line) => !line.startsWith('Index: ') && !/^={10,}$/.test(line))
    .join('\n')
    .trimEnd();
}
