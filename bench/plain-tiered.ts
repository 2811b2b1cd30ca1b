import { createOptions } from '../src/hosts/create-options.js';
import { labelsFor } from '../src/plan/labels.js';
import { benchHost, networkOf, type Workload } from './bench-workload.js';
import type { Engines } from './bench-engines.js';

/**
 * The engines' own limit for a tiered start, with nothing in between: tier by tier, every
 * container of the tier created and started on both hosts at once, the next tier once all of
 * this one's start calls have answered. Same create requests as dockstack sends.
 */
export async function plainTiered(engines: Engines, work: Workload): Promise<void> {
  for (const tier of work.tiers) {
    await Promise.all(
      tier.map(async (spec) => {
        const docker = engines[benchHost(spec.host)];
        const options = createOptions(spec, labelsFor(spec), networkOf(work.env, spec.host));
        const container = await docker.createContainer(options);
        await container.start();
      }),
    );
  }
}
