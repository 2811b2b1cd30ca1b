import type { Configured } from '../configure/configured.js';
import type { Kick } from '../configure/kick-agents.js';
import type { UploadedCode } from '../configure/puppet-code.js';
import { secretEntries } from '../environment/secret-values.js';
import type { Environment } from '../environment/schema.js';
import type { Planned } from './plan-stage.js';

/** How long one agent run may take unless the pass says otherwise. */
export const KICK_DEADLINE_MS = 600_000;

/**
 * What the pass did to configure the running applications (the seed's puppet kick): the code
 * given to the puppet servers, the containers whose configuration changed since the last
 * configured commit, the agents kicked by the plan's configure steps, and those due none.
 */
export function configureStage(
  planned: Pick<Planned, 'refreshed' | 'notKicked'>,
  uploaded: readonly UploadedCode[],
  kicked: readonly Kick[],
): Configured {
  return {
    uploaded: [...uploaded],
    refreshed: planned.refreshed,
    kicked: [...kicked].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    notKicked: planned.notKicked,
  };
}

/** The values of the environment's passwords and tokens, to mask in what agents print. */
export function environmentSecrets(env: Environment): string[] {
  return secretEntries(env).map(([, value]) => value);
}
