import { containerSpecs, environmentName } from '../environment/container-spec.js';
import type { DockerHost } from '../hosts/docker-host.js';
import type { ObservedVolume } from '../hosts/observed-volume.js';
import type { ConnectHosts } from '../pass/run-pass.js';
import { volumeStatus, type VolumeStatus } from '../plan/volume-status.js';
import { errorMessage } from '../util/error-message.js';
import { EXIT, type ExitCode } from './exit-error.js';
import type { Output } from './output.js';
import { commandPassDeps } from './pass-deps.js';
import { readEnvironment, reportProblems } from './read-environment.js';

export interface VolumesOptions {
  env: string;
  json?: boolean;
  /** prune: remove them (without it, prune only lists what it would remove). */
  yes?: boolean;
  ageIdentityFile?: string;
}

const STATUS_TEXT: Record<VolumeStatus['status'], string> = {
  used: 'in use',
  moved: 'kept: its container moved',
  gone: 'kept: its container is no longer in the file',
};

/**
 * `dockstack volumes list|prune`: the environment's volumes on every host it names, and what
 * holds each. `prune` lists the volumes of containers no longer in the file, then, with `--yes`,
 * removes them; nothing else is ever removed (a volume a container still mounts is refused by the
 * engine). Exit 1 when a host does not answer (its volumes are not known) or a removal fails.
 */
export async function volumesCommand(
  action: 'list' | 'prune',
  options: VolumesOptions,
  out: Output,
  connect: ConnectHosts,
): Promise<ExitCode> {
  const read = await readEnvironment(options.env, options.ageIdentityFile);
  if (!read.ok) return reportProblems(read.problems, out);
  const hosts = commandPassDeps(connect).connect(read.env);
  try {
    const found: ObservedVolume[] = [];
    const unreachable: { host: string; error: string }[] = [];
    await Promise.all(
      [...hosts.values()].map(async (host) => {
        try {
          found.push(...(await host.listVolumes()));
        } catch (error) {
          unreachable.push({ host: host.name, error: errorMessage(error) });
        }
      }),
    );
    const all = volumeStatus(found, containerSpecs(read.env), environmentName(read.env));
    const shown = action === 'prune' ? all.filter((v) => v.status === 'gone') : all;
    const removed = action === 'prune' && options.yes === true ? await remove(hosts, shown) : [];
    const failed = removed.filter((r) => r.error !== undefined);
    if (options.json === true) {
      out.stdout(
        `${JSON.stringify({ environment: options.env, volumes: shown, removed, unreachable }, null, 2)}\n`,
      );
    } else {
      for (const u of unreachable) out.stderr(`host ${u.host} unreachable: ${u.error}\n`);
      out.stdout(formatVolumes(action, shown, options.yes === true, removed));
    }
    return unreachable.length > 0 || failed.length > 0 ? EXIT.failed : EXIT.ok;
  } finally {
    for (const host of hosts.values()) host.close();
  }
}

interface Removal {
  host: string;
  name: string;
  error?: string;
}

async function remove(
  hosts: ReadonlyMap<string, DockerHost>,
  volumes: readonly VolumeStatus[],
): Promise<Removal[]> {
  const done: Removal[] = [];
  for (const volume of volumes) {
    try {
      await hosts.get(volume.host)?.removeVolume(volume.name);
      done.push({ host: volume.host, name: volume.name });
    } catch (error) {
      done.push({ host: volume.host, name: volume.name, error: errorMessage(error) });
    }
  }
  return done;
}

function formatVolumes(
  action: 'list' | 'prune',
  volumes: readonly VolumeStatus[],
  yes: boolean,
  removed: readonly Removal[],
): string {
  if (volumes.length === 0) {
    return action === 'prune'
      ? 'No volume to prune: every volume belongs to a container of the file.\n'
      : 'No volumes.\n';
  }
  const width = Math.max(...volumes.map((v) => v.name.length));
  const lines = volumes.map((v) => {
    const where = v.status === 'moved' ? ` (now on ${v.movedTo ?? '?'})` : '';
    const line = `  ${v.host}  ${v.name.padEnd(width)}  ${v.container} ${v.path}  ${STATUS_TEXT[v.status]}${where}`;
    const outcome = removed.find((r) => r.host === v.host && r.name === v.name);
    if (outcome === undefined) return line;
    return `${line}  ${outcome.error === undefined ? 'REMOVED' : `NOT REMOVED: ${outcome.error}`}`;
  });
  if (action === 'list') return `${lines.join('\n')}\n`;
  const tail = yes
    ? ''
    : `\nThese ${String(volumes.length)} volume(s) hold data of containers no longer in the file. Run again with --yes to delete them.\n`;
  return `Volumes of containers no longer in the file:\n${lines.join('\n')}\n${tail}`;
}
