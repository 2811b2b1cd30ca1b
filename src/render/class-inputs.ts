import { SECRETS_KEY } from '../environment/secret-values.js';
import type { ModuleFiles } from './puppet-modules.js';

/**
 * What one Puppet class reads of the data site.pp defines: the member lists of some services
 * (`$dockstack_members`) and some keys of `$dockstack_common`, or `all` of either; and which of
 * the environment's secrets it looks up in Hiera (`dockstack::secrets`).
 */
export interface ClassInputs {
  members: ReadonlySet<string> | 'all';
  common: ReadonlySet<string> | 'all';
  secrets: ReadonlySet<string> | 'all';
}

/** Class name (`::mymod::gal`) -> what it reads. A class not in it may read anything. */
export type ClassInputsMap = ReadonlyMap<string, ClassInputs>;

const EVERYTHING: ClassInputs = { members: 'all', common: 'all', secrets: 'all' };

/** What a class reads, where it is not known: everything. */
export function inputsOf(inputs: ClassInputsMap, className: string): ClassInputs {
  return inputs.get(normalClassName(className)) ?? EVERYTHING;
}

/**
 * What the class in `source` (a manifest's text) reads of `$dockstack_members` and
 * `$dockstack_common`. A read is `.get('KEY'` on the hash itself or on a variable (a class
 * parameter) bound to the whole hash, in code or in a string's `${...}`. Any other use of the
 * hash or of such a variable (iterating it, passing it on, indexing it with a variable) counts
 * as reading all of it.
 */
export function readClassInputs(source: string): ClassInputs {
  const code = source.replace(/^\s*#.*$/gm, '');
  return {
    members: reads(code, 'dockstack_members'),
    common: reads(code, 'dockstack_common'),
    secrets: readsSecrets(code),
  };
}

/**
 * The secrets a class reads: `.get('KEY'` on a variable bound to
 * `lookup('dockstack::secrets', ...)`. An unbound lookup or any other use of such a variable
 * counts as reading all of them.
 */
function readsSecrets(code: string): ReadonlySet<string> | 'all' {
  const keys = new Set<string>();
  const lookup = String.raw`lookup\(\s*'${SECRETS_KEY}'`;
  const lookups = [...code.matchAll(new RegExp(lookup, 'g'))].length;
  // The whole hash bound to a variable: the call ends the value (`... = lookup(...),`).
  const binding = String.raw`\$(\w+)\s*=\s*${lookup}[^()]*\)\s*(?=[,)\n])`;
  const bound = [...code.matchAll(new RegExp(binding, 'g'))].map((m) => m[1] ?? '');
  if (bound.length < lookups) return 'all';
  for (const name of bound) {
    for (const use of code.matchAll(
      new RegExp(String.raw`\$\{?${name}\b(?:\.get\(\s*'([^']*)')?`, 'g'),
    )) {
      if (use[1] !== undefined) keys.add(use[1]);
      else if (!/^\s*=\s*lookup\(/.test(code.slice(use.index + use[0].length))) return 'all';
    }
  }
  return keys;
}

function reads(code: string, hash: string): ReadonlySet<string> | 'all' {
  const keys = new Set<string>();
  // Variables bound to the whole hash: `Hash $members = $dockstack_members,`.
  const bound = [...code.matchAll(new RegExp(`\\$(\\w+)\\s*=\\s*\\$${hash}\\b(?!\\.)`, 'g'))].map(
    (m) => m[1] ?? '',
  );
  let all = false;
  for (const name of [hash, ...bound]) {
    for (const use of code.matchAll(
      new RegExp(`\\$\\{?${name}\\b(?:\\.get\\(\\s*'([^']*)')?`, 'g'),
    )) {
      const key = use[1];
      if (key !== undefined) {
        keys.add(key);
        continue;
      }
      const after = code.slice(use.index + use[0].length);
      // The binding itself (`$members = $dockstack_members`) and the hash on its right side.
      const binding = name !== hash && /^\s*=\s*\$/.test(after);
      const boundFrom =
        name === hash &&
        bound.length > 0 &&
        !after.startsWith('.') &&
        /=\s*$/.test(code.slice(0, use.index));
      if (!binding && !boundFrom) all = true;
    }
  }
  return all ? 'all' : keys;
}

/** A class's manifest among module files: `MODULE/manifests/PATH.pp`. */
const MANIFEST = /^([^/]+)\/manifests\/(.+)\.pp$/;

/**
 * What every class of `modules` reads: `MODULE/manifests/init.pp` holds class `::MODULE`,
 * `MODULE/manifests/A/B.pp` class `::MODULE::A::B`.
 */
export function classInputsOf(modules: ModuleFiles): ClassInputsMap {
  const inputs = new Map<string, ClassInputs>();
  for (const [file, text] of modules) {
    const [, module, path] = MANIFEST.exec(file) ?? [];
    if (module === undefined || path === undefined) continue;
    const name = path === 'init' ? `::${module}` : `::${[module, ...path.split('/')].join('::')}`;
    inputs.set(name, readClassInputs(text));
  }
  return inputs;
}

function normalClassName(name: string): string {
  return name.startsWith('::') ? name : `::${name}`;
}
