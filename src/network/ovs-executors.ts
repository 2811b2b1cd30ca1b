import type { ExecutorContext, HostExecutor, StepExecutor } from '../apply/executor.js';
import type { DockerHost } from '../hosts/docker-host.js';
import { HostError } from '../hosts/host-error.js';
import type { AttachStep, SwitchStep, TunnelStep } from '../plan/plan.js';
import { HELPER_IMAGE } from './helper-image.js';
import { isSwitch } from './observe-network.js';
import {
  ovsTunnelScript,
  parseWired,
  switchReadyScript,
  switchScript,
  SWITCH_CONTAINER,
  SWITCH_LABEL,
  wireScript,
} from './ovs-scripts.js';
import { tunnelSettings } from './tunnel-commands.js';

/** How long Open vSwitch may take to answer once its container started. */
const SWITCH_READY_S = 30;
/** How long one script may run in the switch (a DHCP exchange is at most about 10 s of it). */
const SCRIPT_DEADLINE_MS = 60_000;

/**
 * Makes sure the host's switch container runs (made from the helper image when missing, started
 * when stopped) and answers, then sets up the environment's bridge on it. The container runs
 * Open vSwitch itself, or uses the host's own when one runs.
 */
export const switchExecutor: HostExecutor<SwitchStep> = async (step, context) => {
  const host = context.host(step.host);
  const id = await ensureSwitch(host, context);
  await runInSwitch(
    host,
    id,
    switchScript({
      bridge: step.name,
      mtu: step.mtu,
      ...(step.gateway === undefined ? {} : { gateway: step.gateway }),
      stalePorts: step.stalePorts,
    }),
    `the bridge ${step.name} could not be set up`,
  );
};

/** Makes the VXLAN port of the environment's Open vSwitch bridge again. */
export const ovsTunnelExecutor: HostExecutor<TunnelStep> = async (step, context) => {
  const host = context.host(step.host);
  const script = ovsTunnelScript(tunnelSettings(step));
  await runInSwitch(host, SWITCH_CONTAINER, script, `the tunnel ${step.name} could not be made`);
};

export interface AttachOptions {
  /**
   * Called before a container asks for its address by DHCP: the dns containers must know its
   * MAC by then (they serve only the MACs they were given).
   */
  beforeDhcp?: () => Promise<void>;
}

/**
 * Wires a running container to the environment's bridge (see wireScript) and checks the address
 * it ends up with against its allocation: a DHCP lease for another address or MAC is an error.
 */
export function attachExecutor(options: AttachOptions = {}): StepExecutor<AttachStep> {
  return {
    phases: {
      attach: async (step, run, context) => {
        const wiring = step.spec.wiring;
        if (wiring === undefined) {
          throw new Error(`${step.name} has no bridge to be wired to (not the ovs driver)`);
        }
        const host = context.host(step.host);
        const id = run.id ?? step.id;
        if (id === undefined) throw new Error(`${step.name} has no container to wire`);
        const status = await host.containerStatus(id);
        if (!status.running || status.pid === undefined) {
          throw new HostError(step.host, 'engine', `${step.name} is not running: nothing to wire`);
        }
        const mac = step.spec.macAddress;
        const address = step.spec.ipaddress;
        if (mac === undefined || address === undefined) {
          throw new Error(`${step.name} has no allocated address and MAC`);
        }
        if (wiring.dhcp) await options.beforeDhcp?.();
        const output = await runInSwitch(
          host,
          SWITCH_CONTAINER,
          wireScript({
            bridge: wiring.bridge,
            port: wiring.port,
            environment: step.spec.environment,
            container: step.name,
            pid: status.pid,
            mac,
            mtu: wiring.mtu,
            ...(wiring.dhcp
              ? {}
              : { static: { address, gateway: step.spec.gateway ?? address.split('/')[0] ?? '' } }),
          }),
          `${step.name} could not be wired to ${wiring.bridge}`,
        );
        const wired = parseWired(output);
        const ip = address.replace(/\/\d+$/, '');
        if (wired.ip !== ip || wired.mac !== mac.toLowerCase()) {
          throw new HostError(
            step.host,
            'engine',
            `${step.name} got ${wired.ip} (MAC ${wired.mac}) by DHCP, but its allocation is ` +
              `${ip} (MAC ${mac}): another DHCP server answers on the segment, or the dns ` +
              'containers serve older data',
          );
        }
      },
    },
  };
}

/** The switch container's id once it runs and Open vSwitch answers in it. */
async function ensureSwitch(host: DockerHost, context: ExecutorContext): Promise<string> {
  const found = (await host.listContainers()).find(isSwitch);
  let id: string;
  if (found === undefined) {
    await context.ensureImage(host.name, HELPER_IMAGE);
    id = await host.startHelper({
      name: SWITCH_CONTAINER,
      image: HELPER_IMAGE,
      command: ['/usr/local/sbin/dockstack-ovs'],
      devices: ['/dev/net/tun'],
      // Where it looks for the host's own Open vSwitch (see images/helper/dockstack-ovs).
      mounts: [{ host: '/run', container: '/host/run', readOnly: true, nonRecursive: true }],
      labels: { [SWITCH_LABEL]: 'ovs' },
    });
  } else {
    id = found.id;
    if (!found.running) await host.startContainer(id);
  }
  await runInSwitch(
    host,
    id,
    switchReadyScript(SWITCH_READY_S),
    'Open vSwitch did not start in its container',
  );
  return id;
}

/** Runs `script` in the switch container; its standard output, or a HostError saying `failure`. */
async function runInSwitch(
  host: DockerHost,
  switchId: string,
  script: string,
  failure: string,
): Promise<string> {
  const ran = await host.exec(switchId, ['sh', '-c', script], { deadlineMs: SCRIPT_DEADLINE_MS });
  if (ran.exitCode !== 0) {
    const said = ran.stderr.trim().split('\n').slice(-3).join('; ');
    throw new HostError(
      host.name,
      'engine',
      `${failure} on ${host.name} (exit ${String(ran.exitCode)}): ${said}`,
    );
  }
  return ran.stdout;
}
