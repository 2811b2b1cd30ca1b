import type { HostExecutor } from '../apply/executor.js';
import { HostError } from '../hosts/host-error.js';
import { LABELS } from '../hosts/ownership-labels.js';
import type { NetworkStep, TunnelStep } from '../plan/plan.js';
import { HELPER_IMAGE } from './helper-image.js';
import { ovsTunnelExecutor, switchExecutor } from './ovs-executors.js';
import { INHIBIT_IPV4_OPTION } from './plan-network.js';
import { makeTunnelScript, tunnelSettings } from './tunnel-commands.js';

/** Makes the environment's Docker network on the host (the one it replaces removed first). */
export const networkExecutor: HostExecutor<NetworkStep> = async (step, context) => {
  const host = context.host(step.host);
  if (step.replaces !== undefined) await host.removeNetwork(step.replaces);
  await host.createNetwork({
    name: step.name,
    subnet: step.subnet,
    gateway: step.gateway,
    mtu: step.mtu,
    bridgeName: step.bridge,
    labels: { [LABELS.managed]: 'true', [LABELS.environment]: step.environment },
    options: step.inhibitGateway ? { [INHIBIT_IPV4_OPTION]: 'true' } : {},
  });
};

/** Makes the host's VXLAN device again, flooding to every peer, from a short-lived helper. */
export const tunnelExecutor: HostExecutor<TunnelStep> = async (step, context) => {
  if (step.driver === 'ovs') return ovsTunnelExecutor(step, context);
  const script = makeTunnelScript(tunnelSettings(step));
  await context.ensureImage(step.host, HELPER_IMAGE);
  const ran = await context.host(step.host).runHelper({
    image: HELPER_IMAGE,
    command: ['sh', '-c', script],
    deadlineMs: 30_000,
  });
  if (ran.exitCode !== 0) {
    const said = ran.stderr.trim().split('\n').slice(-3).join('; ');
    throw new HostError(
      step.host,
      'engine',
      `the tunnel ${step.name} could not be made on ${step.host} (exit ${String(ran.exitCode)}): ${said}`,
    );
  }
};

/** The executors of the network's host steps. */
export const networkExecutors = {
  network: networkExecutor,
  switch: switchExecutor,
  tunnel: tunnelExecutor,
};
