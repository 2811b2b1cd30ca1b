import type { Reconciliation } from '../src/apply/reconciliation.js';
import { connectHosts } from '../src/hosts/connect-hosts.js';
import type { HostRequest } from '../src/hosts/dockerode-host.js';
import { reconcileText } from '../test/apply/apply-env.js';
import type { Workload } from './bench-workload.js';

/** One pass up to apply of the workload's environment, as a user gets it: default options. */
export async function dockstackApply(
  work: Workload,
  onRequest?: (request: HostRequest) => void,
): Promise<Reconciliation> {
  const hosts = connectHosts(work.env, {}, onRequest === undefined ? {} : { onRequest });
  try {
    const done = await reconcileText(work.text, hosts);
    if (!done.result.converged) {
      const failed = done.result.steps.filter((step) => step.outcome === 'failed');
      const first = failed[0];
      throw new Error(
        `dockstack did not converge: ${failed.length} steps failed` +
          (first === undefined ? '' : ` (${first.name}: ${first.error ?? ''})`) +
          (done.unreachable.length === 0
            ? ''
            : `, unreachable: ${done.unreachable.map((u) => u.error).join('; ')}`),
      );
    }
    return done;
  } finally {
    for (const host of hosts.values()) host.close();
  }
}
