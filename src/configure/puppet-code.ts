import { createHash } from 'node:crypto';

import { SECRETS_KEY } from '../environment/secret-values.js';
import type { DockerHost } from '../hosts/docker-host.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import type { UploadFile } from '../hosts/tar-archive.js';
import type { ModuleFiles } from '../render/puppet-modules.js';
import { hieraData } from '../render/hiera-data.js';
import { errorMessage } from '../util/error-message.js';

/** The image label of a puppet server that follows dockstack's contract (images/README.md). */
export const SERVES_LABEL = 'org.dockstack.serves';
export const PUPPETSERVER_LABEL_VALUE = 'puppetserver';

/** Where the contract wants the code: the `production` environment's folder. */
export const PUPPET_CODE_DIR = '/etc/puppet/code/environments/production';

/** The user the puppet server runs as (images/README.md): the secrets are its to read alone. */
export const PUPPET_USER = 'puppet';

/** Where the secrets go in the code folder, readable by PUPPET_USER's group and root only. */
export const SECRETS_FILE = 'data/dockstack-secrets.yaml';

/** The environment's Hiera settings: one level, the secrets dockstack writes. */
const HIERA_YAML = `# Written by dockstack: the environment file's passwords and tokens, as lookup('${SECRETS_KEY}').
version: 5
defaults:
  datadir: data
  data_hash: yaml_data
hierarchy:
  - name: dockstack secrets
    path: ${SECRETS_FILE.replace(/^data\//, '')}
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
 * `modules/...`) and `secrets` as Hiera data (`hiera.yaml`, SECRETS_FILE). The upload makes root
 * the owner of each: the code is readable by all, the secrets by the server's group only
 * (uploadPuppetCode gives the file that group). The secrets reach no commit and no log.
 */
export function puppetCode(
  sitePp: string,
  modules: ModuleFiles,
  secrets: Readonly<Record<string, string>> = {},
): PuppetCode {
  const files: UploadFile[] = [
    { path: 'manifests/site.pp', content: sitePp, mode: 0o644 },
    { path: 'hiera.yaml', content: HIERA_YAML, mode: 0o644 },
    { path: SECRETS_FILE, content: hieraData({ [SECRETS_KEY]: { ...secrets } }), mode: 0o640 },
  ];
  for (const [path, content] of modules) {
    files.push({ path: `modules/${path}`, content, mode: 0o644 });
  }
  const hash = createHash('sha256');
  for (const file of files) hash.update(file.path).update('\0').update(file.content).update('\0');
  return { files, digest: hash.digest('hex') };
}

/** The group PUPPET_USER reads the code as in container `id`, by number. */
async function puppetGroup(host: DockerHost, id: string): Promise<number> {
  const run = await host.exec(id, ['id', '-g', PUPPET_USER], { deadlineMs: 30_000 });
  const gid = run.stdout.trim();
  if (run.exitCode !== 0 || !/^\d+$/.test(gid)) {
    throw new Error(
      `the puppet server has no user ${PUPPET_USER} to give the secrets to (id -g ${PUPPET_USER}: ${run.stderr.trim() || `exit ${run.exitCode}`})`,
    );
  }
  return Number(gid);
}

/**
 * Puts `code` into every running puppet server of `containers` that does not serve it yet, the
 * secrets readable by the server's group (PUPPET_USER's) and root only. All
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
      const gid = await puppetGroup(host, c.id);
      const files = code.files.map((f) => (f.path === SECRETS_FILE ? { ...f, gid } : f));
      await host.upload(c.id, PUPPET_CODE_DIR, files);
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
