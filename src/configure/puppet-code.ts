import { createHash } from 'node:crypto';

import { stringify } from 'yaml';

import { SECRETS_KEY } from '../environment/secret-values.js';
import type { DockerHost } from '../hosts/docker-host.js';
import type { UploadFile } from '../hosts/tar-archive.js';
import type { ObservedContainer } from '../plan/observed.js';
import type { ModuleFiles } from '../render/puppet-modules.js';
import { errorMessage } from '../util/error-message.js';

/** The image label of a puppet server that follows dockstack's contract (images/README.md). */
export const SERVES_LABEL = 'org.dockstack.serves';
export const PUPPETSERVER_LABEL_VALUE = 'puppetserver';

/** Where the contract wants the code: the `production` environment's folder. */
export const PUPPET_CODE_DIR = '/etc/puppet/code/environments/production';

/** The environment's Hiera settings: one level, the secrets dockstack writes. */
const HIERA_YAML = `# Written by dockstack: the environment file's passwords and tokens, as lookup('${SECRETS_KEY}').
version: 5
defaults:
  datadir: data
  data_hash: yaml_data
hierarchy:
  - name: dockstack secrets
    path: dockstack-secrets.yaml
`;

/**
 * What the puppet servers serve: `manifests/site.pp`, the modules and the Hiera data of the
 * secrets, with a digest of all.
 */
export interface PuppetCode {
  files: UploadFile[];
  digest: string;
}

export interface UploadedCode {
  host: string;
  name: string;
  id: string;
  outcome: 'uploaded' | 'failed';
  error?: string;
}

/**
 * What each puppet container was last given, by host and container id: the code is uploaded
 * again only when it changed, or into another container (recreated: a new id).
 */
export type CodeMemory = Map<string, string>;

/** True for a running container whose image serves Puppet code by dockstack's contract. */
export function servesPuppet(container: ObservedContainer): boolean {
  return container.running && container.labels[SERVES_LABEL] === PUPPETSERVER_LABEL_VALUE;
}

/**
 * The code for the puppet servers: the rendered `site.pp`, the files of `modules` (as
 * `modules/...`) and `secrets` as Hiera data (`hiera.yaml`, `data/dockstack-secrets.yaml`), all
 * readable inside the server's container (the server runs as the user `puppet`; the upload makes
 * root the owner). The secrets reach no commit and no log.
 */
export function puppetCode(
  sitePp: string,
  modules: ModuleFiles,
  secrets: Readonly<Record<string, string>> = {},
): PuppetCode {
  const data = stringify({ [SECRETS_KEY]: { ...secrets } });
  const files: UploadFile[] = [
    { path: 'manifests/site.pp', content: sitePp, mode: 0o644 },
    { path: 'hiera.yaml', content: HIERA_YAML, mode: 0o644 },
    { path: 'data/dockstack-secrets.yaml', content: data, mode: 0o644 },
  ];
  for (const [path, content] of modules) {
    files.push({ path: `modules/${path}`, content, mode: 0o644 });
  }
  const hash = createHash('sha256');
  for (const file of files) hash.update(file.path).update('\0').update(file.content).update('\0');
  return { files, digest: hash.digest('hex') };
}

/**
 * Puts `code` into every running puppet server of `containers` that does not serve it yet. All
 * at once; a failure is reported and tried again by the next call. The server compiles afresh
 * for every agent run: nothing needs restarting.
 */
export async function uploadPuppetCode(
  hosts: ReadonlyMap<string, DockerHost>,
  containers: readonly ObservedContainer[],
  code: PuppetCode,
  memory: CodeMemory,
): Promise<UploadedCode[]> {
  const targets = containers.filter(servesPuppet);
  const uploads = targets.map(async (c): Promise<UploadedCode | undefined> => {
    const key = `${c.host}\u0000${c.id}`;
    if (memory.get(key) === code.digest) return undefined;
    const base = { host: c.host, name: c.name, id: c.id };
    try {
      const host = hosts.get(c.host);
      if (host === undefined) throw new Error(`no connection to ${c.host}`);
      await host.upload(c.id, PUPPET_CODE_DIR, code.files);
      memory.set(key, code.digest);
      return { ...base, outcome: 'uploaded' };
    } catch (error) {
      memory.delete(key);
      return { ...base, outcome: 'failed', error: errorMessage(error) };
    }
  });
  const done = await Promise.all(uploads);
  const live = new Set(targets.map((c) => `${c.host}\u0000${c.id}`));
  for (const key of memory.keys()) if (!live.has(key)) memory.delete(key);
  return done.filter((u): u is UploadedCode => u !== undefined);
}
