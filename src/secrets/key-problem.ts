import type { Problem } from '../environment/problem.js';
import { describeKeyring, type AgeKeyring } from './age-keyring.js';
import type { DataKeyFailure } from './data-key.js';
import type { SopsFile } from './read-sops-file.js';

/** Where dockstack and sops look for age identities, for hints. */
export const KEY_PLACES =
  'SOPS_AGE_KEY_FILE (a key file), SOPS_AGE_KEY (the key itself), ~/.config/sops/age/keys.txt or --age-identity-file';

/**
 * Why the data key of `sops` could not be had, as a problem at its `sops:` block: what failed,
 * to which recipients the file is encrypted, which identities were tried where, and what to do.
 * Recipients are public keys; no identity and no value is ever part of it.
 */
export function keyProblem(sops: SopsFile, failure: DataKeyFailure, keyring: AgeKeyring): Problem {
  const recipients = sops.recipients.map((r) => r.recipient).join(', ');
  const others = sops.others.length === 0 ? '' : ` (and to ${sops.others.join(', ')} keys)`;
  const tried = describeKeyring(keyring);
  const base = { file: sops.file, ...sops.metadataAt };
  switch (failure.reason) {
    case 'no-age-recipient':
      return {
        ...base,
        message: `cannot decrypt: the file is encrypted to no age recipient, only to ${sops.others.join(', ') || 'no key at all'}`,
        hint: `encrypt it to an age recipient: name one in .sops.yaml and run dockstack secrets updatekeys ${sops.file} with a key that opens it`,
      };
    case 'no-identity':
      return {
        ...base,
        message: `cannot decrypt: no age identity found; the file is encrypted to ${recipients}${others}`,
        hint: `give the identity of one of these recipients in ${KEY_PLACES} (looked at: ${tried})`,
      };
    case 'wrong-key':
      return {
        ...base,
        message: `cannot decrypt: no identity tried is a recipient of the file; it is encrypted to ${recipients}${others}; tried ${tried}`,
        hint: `give the identity of one of its recipients, or have someone who can decrypt it add your recipient to .sops.yaml and run dockstack secrets updatekeys ${sops.file}`,
      };
    case 'damaged':
      return {
        ...base,
        message: `cannot decrypt: the data key encrypted to ${failure.recipient} is damaged (the sops block was changed)`,
        hint: `take ${sops.file} from a commit you trust (git checkout), or have it encrypted anew`,
      };
  }
}
