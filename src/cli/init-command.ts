import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { isMap, parseDocument } from 'yaml';

import { loadEnvironment } from '../environment/load-environment.js';
import { DOCKER_TAG } from '../environment/patterns.js';
import { initRepo } from '../git/init-repo.js';
import { EXIT, type ExitCode } from './exit-error.js';
import type { Output } from './output.js';
import { initSecrets } from './init-secrets.js';
import { reportProblems } from './read-environment.js';

export const EXAMPLE_DIR = fileURLToPath(new URL('../../env-repo-example/', import.meta.url));

export interface InitOptions {
  /** The env repo to start from (default: env-repo-example). */
  from?: string;
  /** The Docker endpoint every host of the environment is mapped to. */
  docker: string;
  envPath: string;
  /** `--age-recipient`: the secrets file is encrypted to these instead of the demo key. */
  ageRecipient?: string;
  /** `--tag`: every container of the copied environment runs its image with this tag. */
  tag?: string;
}

/** The environment file's text with `tag: TAG` on every container, its comments kept. */
function withTag(text: string, tag: string): string {
  const doc = parseDocument(text);
  const services = doc.get('services');
  if (!isMap(services)) return text;
  for (const service of services.items) {
    if (!isMap(service.value)) continue;
    for (const container of service.value.items) {
      if (isMap(container.value)) container.value.set('tag', tag);
    }
  }
  return doc.toString();
}

/**
 * `dockstack init DIR`: a new env repo in DIR, copied from the example, with every host of the
 * environment mapped to one Docker endpoint (the local engine by default) and, with `--tag`,
 * every container's image tag set, committed on `main`.
 * Its secrets file is encrypted to `--age-recipient`, or else the demo key it is encrypted to is
 * put in the user's sops key file. An existing repository in DIR is left as it is.
 */
export async function initCommand(
  dir: string,
  options: InitOptions,
  out: Output,
): Promise<ExitCode> {
  if (options.tag !== undefined && !DOCKER_TAG.test(options.tag)) {
    out.stderr(
      `dockstack: --tag ${JSON.stringify(options.tag)}: expected a Docker image tag such as real or 2.1 (letters, digits, _ . -)\n`,
    );
    return EXIT.invalid;
  }
  if (existsSync(join(dir, '.git'))) {
    out.stderr(`${dir} already holds a git repository: left as it is\n`);
    return EXIT.ok;
  }
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    out.stderr(`dockstack: ${dir} exists and is not empty; choose a new directory\n`);
    return EXIT.invalid;
  }
  cpSync(options.from ?? EXAMPLE_DIR, dir, { recursive: true });
  const file = join(dir, options.envPath);
  const copied = readFileSync(file, 'utf8');
  const text = options.tag === undefined ? copied : withTag(copied, options.tag);
  if (text !== copied) writeFileSync(file, text);
  const loaded = loadEnvironment(text, { file });
  if (!loaded.ok) return reportProblems(loaded.problems, out);
  if (loaded.env.hosts === undefined) {
    const hosts = new Set<string>();
    for (const containers of Object.values(loaded.env.services)) {
      for (const container of Object.values(containers ?? {})) hosts.add(container.host);
    }
    const lines = [...hosts]
      .sort()
      .flatMap((host) => [`  ${host}:`, `    docker: ${options.docker}`]);
    const block = ['', `# Where the hosts run: ${options.docker}.`, 'hosts:', ...lines, ''].join(
      '\n',
    );
    writeFileSync(file, `${text.replace(/\n*$/, '\n')}${block}`);
    const check = loadEnvironment(readFileSync(file, 'utf8'), { file });
    if (!check.ok) return reportProblems(check.problems, out);
  }
  const recipients = options.ageRecipient
    ?.split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  const secrets = await initSecrets(dir, options.envPath, recipients, out);
  if (secrets !== undefined) return secrets;
  initRepo(dir, {
    branch: 'main',
    author: { name: 'dockstack init', email: 'dockstack@localhost' },
    message: 'Start the environment from the dockstack example',
  });
  out.stdout(`created the env repo ${dir} (branch main); run: dockstack daemon --repo ${dir}\n`);
  return EXIT.ok;
}
