import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';

import type Docker from 'dockerode';

import type { CallSpec, EngineCaller } from './engine-caller.js';
import { envList } from './env-list.js';
import type { ExecResult } from './exec-result.js';
import { HELPER_LABEL, type HelperSpec } from './helper-spec.js';
import { HostError } from './host-error.js';
import { readOutput } from './read-output.js';

/** How long a helper may run unless its spec says otherwise. */
export const HELPER_DEADLINE_MS = 60_000;

/**
 * How a helper gets host privileges: `privileged`, or, where the engine cannot apply every
 * capability (a bounding set without CAP_SYS_RESOURCE), all capabilities but that one with
 * seccomp and AppArmor off.
 */
export type HelperPrivileges = 'privileged' | 'capabilities';

/** What one host has shown it accepts; remembered across helpers. */
export interface PrivilegeMemory {
  privileges?: HelperPrivileges;
}

/**
 * Runs the helper of `spec` to its exit on the engine behind `caller`: creates it (privileged
 * first, unless the host is known to refuse that), starts it, waits up to its deadline, reads its
 * output, and removes it whatever happened.
 */
export async function runHelperContainer(
  caller: EngineCaller,
  spec: HelperSpec,
  memory: PrivilegeMemory,
): Promise<ExecResult> {
  const name = `dockstack-helper-${randomBytes(4).toString('hex')}`;
  const call = helperCall(name, spec);
  const id = await createAndStart(caller, { ...spec, name }, memory, false);
  let result: ExecResult | undefined;
  try {
    const deadline = spec.deadlineMs ?? HELPER_DEADLINE_MS;
    const exit = await caller.timed(
      call('wait for', { method: 'wait' }),
      deadline,
      (docker, abortSignal) =>
        docker.getContainer(id).wait({ abortSignal }) as Promise<{ StatusCode: number }>,
    );
    const output = await caller.call(
      call('read the output of', { method: 'logs', streaming: true }),
      async (docker, signal) => {
        const stream = await docker
          .getContainer(id)
          .logs({ follow: true, stdout: true, stderr: true, abortSignal: signal });
        return readOutput(stream as unknown as Readable, signal);
      },
    );
    result = { exitCode: exit.StatusCode, ...output };
  } finally {
    const removal = removeHelper(caller, id, call('remove'));
    // A failure of the helper says more than a failure to remove it afterwards.
    if (result === undefined) await removal.catch(() => undefined);
    else await removal;
  }
  return result;
}

/**
 * Creates and starts a long-lived helper (a switch, say) under `name` with the privileges of
 * runHelperContainer, restarted by the engine unless stopped by hand, and left running; returns
 * its id.
 */
export function startHelperContainer(
  caller: EngineCaller,
  spec: HelperSpec & { name: string },
  memory: PrivilegeMemory,
): Promise<string> {
  return createAndStart(caller, spec, memory, true);
}

/** How a call about the helper `name` is described in errors. */
function helperCall(name: string, spec: HelperSpec) {
  return (action: string, more: Partial<CallSpec> = {}): CallSpec => ({
    method: 'helper',
    action: `${action} helper ${name} (${spec.image})`,
    ...more,
  });
}

/**
 * Creates the helper (privileged first, unless the host is known to refuse that; then with
 * capabilities) and starts it; returns its id. A helper that cannot be started is removed again.
 */
async function createAndStart(
  caller: EngineCaller,
  spec: HelperSpec & { name: string },
  memory: PrivilegeMemory,
  restart: boolean,
): Promise<string> {
  const call = helperCall(spec.name, spec);
  const create = (privileges: HelperPrivileges): Promise<string> =>
    caller
      .call(call('create', { notFound: 'image-unavailable' }), (docker, abortSignal) => {
        const options = helperOptions(spec.name, spec, privileges);
        if (restart) {
          options.HostConfig = { ...options.HostConfig, RestartPolicy: { Name: 'unless-stopped' } };
        }
        return docker.createContainer({ ...options, abortSignal });
      })
      .then((container) => container.id);
  const start = (id: string): Promise<void> =>
    caller.idempotent([304], call('start'), (docker, abortSignal) =>
      docker.getContainer(id).start({ abortSignal }),
    );
  const first = memory.privileges ?? 'privileged';
  let id = await create(first);
  try {
    try {
      await start(id);
      memory.privileges = first;
    } catch (error) {
      if (first !== 'privileged' || !capabilitiesRefused(error)) throw error;
      await removeHelper(caller, id, call('remove'));
      id = await create('capabilities');
      await start(id);
      memory.privileges = 'capabilities';
    }
  } catch (error) {
    await removeHelper(caller, id, call('remove')).catch(() => undefined);
    throw error;
  }
  return id;
}

/** The engine's create request for a helper: host namespaces, mounts, devices, privileges. */
function helperOptions(
  name: string,
  spec: HelperSpec,
  privileges: HelperPrivileges,
): Docker.ContainerCreateOptions {
  const granted: Docker.HostConfig =
    privileges === 'privileged'
      ? { Privileged: true }
      : {
          CapAdd: ['ALL'],
          CapDrop: ['SYS_RESOURCE'],
          SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
        };
  return {
    name,
    Image: spec.image,
    Cmd: [...spec.command],
    Labels: { ...spec.labels, [HELPER_LABEL]: 'true' },
    ...(spec.env === undefined ? {} : { Env: envList(spec.env) }),
    HostConfig: {
      ...granted,
      NetworkMode: 'host',
      PidMode: 'host',
      Mounts: (spec.mounts ?? []).map((mount) => ({
        Type: 'bind',
        Source: mount.host,
        Target: mount.container,
        ReadOnly: mount.readOnly ?? false,
        ...(mount.nonRecursive === true ? { BindOptions: nonRecursiveBind } : {}),
      })),
      Devices: (spec.devices ?? []).map((device) => ({
        PathOnHost: device,
        PathInContainer: device,
        CgroupPermissions: 'rwm',
      })),
      // The output is read back from the log once the helper has exited.
      LogConfig: { Type: 'json-file', Config: {} },
    },
  };
}

/** A bind of one file system only (the engine's `NonRecursive`, API 1.40; not in dockerode's types). */
const nonRecursiveBind = { Propagation: 'rprivate', NonRecursive: true } as {
  Propagation: 'rprivate';
};

/** True when the engine could not start a privileged container for want of a capability. */
function capabilitiesRefused(error: unknown): boolean {
  return (
    error instanceof HostError &&
    error.kind === 'engine' &&
    /unable to apply caps|operation not permitted/.test(error.message)
  );
}

async function removeHelper(caller: EngineCaller, id: string, spec: CallSpec): Promise<void> {
  await caller.idempotent([404, 409], spec, (docker, abortSignal) =>
    docker.getContainer(id).remove({ force: true, v: true, abortSignal }),
  );
}
