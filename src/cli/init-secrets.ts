import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { readIdentities, joinKeyrings } from '../secrets/age-keyring.js';
import { isAgeRecipient } from '../secrets/data-key.js';
import { DEMO_IDENTITY, DEMO_KEY_FILE_TEXT, DEMO_RECIPIENT } from '../secrets/demo-key.js';
import { SECRETS_FILE } from '../secrets/environment-secrets.js';
import { findAgeKeys, userKeyFile } from '../secrets/find-age-keys.js';
import { openSopsFile } from '../secrets/open-sops-file.js';
import { rotateDataKey } from '../secrets/rotate-data-key.js';
import { SOPS_CONFIG } from '../secrets/sops-config.js';
import { EXIT, type ExitCode } from './exit-error.js';
import type { Output } from './output.js';
import { printProblems } from './secrets-file-io.js';

/**
 * The secrets of a new env repo (`dir`, copied from the example): with `recipients`, its secrets
 * file is encrypted again, with a new data key, to them alone, and `.sops.yaml` names them; without,
 * a secrets file encrypted to the demo key gets the demo key put in the user's sops key file
 * (added once, the file created 0600 when there is none). Undefined when all went well.
 */
export async function initSecrets(
  dir: string,
  envPath: string,
  recipients: readonly string[] | undefined,
  out: Output,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ExitCode | undefined> {
  const file = join(dir, dirname(envPath), SECRETS_FILE);
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  if (recipients !== undefined) {
    for (const recipient of recipients) {
      if (!(await isAgeRecipient(recipient))) {
        out.stderr(
          `dockstack: '${recipient}' is not an age recipient (age1..., as age-keygen -y prints it)\n`,
        );
        return EXIT.invalid;
      }
    }
    const demo = await readIdentities(DEMO_IDENTITY, 'the demo key');
    const keyring = joinKeyrings([
      { identities: demo.identities, sources: [demo.source] },
      await findAgeKeys({ env }),
    ]);
    const opening = await openSopsFile(text, file, keyring);
    if (!opening.ok) return printProblems(opening.problems, out, EXIT.failed);
    const rotated = await rotateDataKey(opening.opened, new Date(), recipients);
    if (!rotated.ok) return printProblems(rotated.problems, out, EXIT.failed);
    writeFileSync(file, rotated.text);
    writeFileSync(
      join(dir, SOPS_CONFIG),
      `# How \`dockstack secrets\` and sops encrypt this repo's secrets: to these age recipients.\ncreation_rules:\n  - path_regex: secrets\\.sops\\.yaml$\n    age: ${recipients.join(',')}\n`,
    );
    out.stdout(`encrypted ${SECRETS_FILE} to ${recipients.join(', ')}\n`);
    return undefined;
  }
  if (!text.includes(DEMO_RECIPIENT)) return undefined;
  const keys = userKeyFile(env);
  const existing = existsSync(keys) ? readFileSync(keys, 'utf8') : undefined;
  if (existing?.includes(DEMO_IDENTITY) !== true) {
    mkdirSync(dirname(keys), { recursive: true, mode: 0o700 });
    const before =
      existing === undefined || existing.endsWith('\n') ? (existing ?? '') : `${existing}\n`;
    writeFileSync(keys, `${before}${DEMO_KEY_FILE_TEXT}`, { mode: 0o600 });
    if (existing === undefined) chmodSync(keys, 0o600);
    out.stdout(
      `put the dockstack demo age key in ${keys}: the example's ${SECRETS_FILE} is encrypted to it (a public demo key: use dockstack init --age-recipient for your own)\n`,
    );
  }
  return undefined;
}
