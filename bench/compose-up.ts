import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { stringify } from 'yaml';

import { labelsFor } from '../src/plan/labels.js';
import { BENCH_HOSTS, networkOf, type BenchHost, type Workload } from './bench-workload.js';

/** The compose project of each host; its containers carry their own names (`container_name`). */
const PROJECT = { local: 'dsblocal', h2: 'dsbh2' } as const;

/**
 * A compose file with the workload's containers on `host`, one service per container, with the
 * same name, image, hostname, domain, DNS server, labels, restart policy and network as dockstack
 * gives them. Each container depends on every container of the tier before on the same host.
 */
export function composeFile(work: Workload, host: BenchHost): string {
  const services: Record<string, unknown> = {};
  let before: string[] = [];
  for (const tier of work.tiers) {
    const here = tier.filter((spec) => spec.host === host);
    if (here.length === 0) continue;
    for (const spec of here) {
      services[spec.name] = {
        container_name: spec.name,
        image: spec.image,
        // Compose 1.29 accepts this but ignores it; the images are checked to be present first,
        // so it never has a reason to pull.
        pull_policy: 'never',
        hostname: spec.hostname,
        domainname: spec.domain,
        dns: [spec.dns],
        labels: labelsFor(spec),
        restart: 'unless-stopped',
        network_mode: networkOf(work.env, host),
        ...(before.length === 0 ? {} : { depends_on: [...before] }),
      };
    }
    before = here.map((spec) => spec.name);
  }
  return stringify({ services });
}

/** Throws, naming the script that installs it, unless docker-compose 1.x runs. */
export async function composeVersion(): Promise<string> {
  try {
    const out = await run(['version', '--short'], {});
    return out.trim();
  } catch (error) {
    throw new Error(
      `docker-compose does not run (${error instanceof Error ? error.message : String(error)}): ` +
        'run test/testbed/install.sh',
    );
  }
}

/** Writes the two compose files into `dir`. */
export function writeComposeFiles(work: Workload, dir: string): Record<BenchHost, string> {
  const files = { local: join(dir, 'local.yaml'), h2: join(dir, 'h2.yaml') };
  for (const host of ['local', 'h2'] as const) writeFileSync(files[host], composeFile(work, host));
  return files;
}

/** `docker-compose up -d` of both hosts' projects at once; resolves when both have exited. */
export async function composeUp(files: Record<BenchHost, string>): Promise<void> {
  await Promise.all(
    (['local', 'h2'] as const).map((host) =>
      run(['-p', PROJECT[host], '-f', files[host], 'up', '-d'], {
        DOCKER_HOST: BENCH_HOSTS[host].docker,
      }),
    ),
  );
}

/**
 * Runs docker-compose against exactly the engine in `extra` (no DOCKER_* or COMPOSE_* setting of
 * the caller leaks in); resolves with its output, rejects with it when it fails.
 */
function run(args: string[], extra: Record<string, string>): Promise<string> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('DOCKER_') && !key.startsWith('COMPOSE_')) env[key] = value;
  }
  Object.assign(env, extra);
  return new Promise((resolve, reject) => {
    const child = spawn('docker-compose', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve(output);
      else {
        const how = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
        reject(new Error(`docker-compose ${args.join(' ')} failed (${how}): ${output.trim()}`));
      }
    });
  });
}
