import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

/**
 * The folders of src/, from the pure core up to the entry points. A folder imports only from
 * folders on layers below its own; folders on one layer do not import each other. A folder inside
 * one of them (cli/edit/) is on its layer.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['util'],
  ['environment'],
  ['secrets'],
  ['hosts'],
  ['plan'],
  ['render'],
  ['git'],
  ['apply'],
  ['network', 'configure'],
  ['report'],
  ['pass'],
  ['github'],
  ['daemon'],
  ['dashboard'],
  ['cli'],
];

const SRC = fileURLToPath(new URL('.', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the folders of src/', () => {
  const layerOf = new Map(LAYERS.flatMap((folders, layer) => folders.map((f) => [f, layer])));

  it('each sit on a layer', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(folders.filter((folder) => !layerOf.has(folder))).toEqual([]);
  });

  it('import only from the layers below their own', () => {
    /** The folder of src/ a path lies in ('..' outside src/). */
    const folderOf = (path: string) => relative(SRC, path).split('/')[0] ?? '';
    const wrong: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const folder = folderOf(file);
      const layer = layerOf.get(folder);
      for (const match of readFileSync(file, 'utf8').matchAll(/from '(\.\.?\/[^']*)'/g)) {
        const target = folderOf(resolve(dirname(file), match[1] ?? ''));
        if (target === folder) continue;
        const targetLayer = layerOf.get(target);
        if (layer === undefined || targetLayer === undefined || targetLayer >= layer) {
          wrong.push(`${relative(SRC, file)} imports ${target}/`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
