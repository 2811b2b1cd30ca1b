import type { Kick, NotKicked } from './kick-agents.js';
import type { UploadedCode } from './puppet-code.js';
import type { Refresh } from './refreshed-containers.js';

/** What the configure stage did: the code given to the puppet servers, and the agents kicked. */
export interface Configured {
  /** The puppet servers given the applied commit's code by this stage. */
  uploaded: UploadedCode[];
  /** The containers whose configuration changed since the last configured commit, and why. */
  refreshed: Refresh[];
  kicked: Kick[];
  notKicked: NotKicked[];
}
