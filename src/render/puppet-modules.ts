import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { besideEnv } from './beside-env.js';

/** The Puppet modules shipped with dockstack, which the puppet containers serve by default. */
export const PUPPET_MODULES_DIR = fileURLToPath(new URL('../../puppet/modules/', import.meta.url));

/**
 * Where an env repo keeps Puppet modules of its own, beside the environment file (as
 * `manifests/site.pp` is): when it has this folder, its modules are served instead of dockstack's.
 */
const ENV_REPO_MODULES = 'puppet/modules';

/** Where the env repo's own modules are for the environment file at `envPath`. */
export function envRepoModules(envPath: string): string {
  return besideEnv(envPath, ENV_REPO_MODULES);
}

/**
 * Puppet modules as files: the path under the modules folder (`mymod/manifests/gal.pp`, always
 * with `/`) to the file's text, in path order.
 */
export type ModuleFiles = ReadonlyMap<string, string>;

/**
 * Every regular file under `dir`, read as text, by path under `dir`; symbolic links are not
 * followed. Empty when the folder is absent.
 */
export function readModuleFiles(dir: string): ModuleFiles {
  const files = new Map<string, string>();
  if (!existsSync(dir)) return files;
  const walk = (folder: string, prefix: string) => {
    const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path, `${prefix}${entry.name}/`);
      else if (entry.isFile()) files.set(`${prefix}${entry.name}`, readFileSync(path, 'utf8'));
    }
  };
  walk(dir, '');
  return files;
}

/**
 * The modules of the env repo's own `puppet/modules` folder beside the environment file on disk
 * (a working copy), or undefined when it has no such folder.
 */
export function modulesBeside(envFile: string): ModuleFiles | undefined {
  const dir = envRepoModules(envFile);
  return existsSync(dir) && statSync(dir).isDirectory() ? readModuleFiles(dir) : undefined;
}
