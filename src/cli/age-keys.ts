import type { Command } from 'commander';

import type { AgeKeys } from '../pass/load-stage.js';
import { findAgeKeys } from '../secrets/find-age-keys.js';

/** The option every command that reads the environment's secrets file takes. */
export const AGE_IDENTITY_OPTION = '--age-identity-file <file>';
const AGE_IDENTITY_HELP =
  'age identity file that opens secrets.sops.yaml, looked at before SOPS_AGE_KEY_FILE, SOPS_AGE_KEY and ~/.config/sops/age/keys.txt';

/** Adds `--age-identity-file` to a command. */
export function withAgeIdentityOption(command: Command): Command {
  return command.option(AGE_IDENTITY_OPTION, AGE_IDENTITY_HELP);
}

/**
 * The age identities of a command: `--age-identity-file`, then where sops users keep them (the
 * process environment and the user's sops key file), looked up when a secrets file needs them.
 */
export function commandAgeKeys(
  identityFile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): AgeKeys {
  return () => findAgeKeys({ env, ...(identityFile === undefined ? {} : { identityFile }) });
}
