import type { Command } from 'commander';

import { commandAgeKeys, withAgeIdentityOption } from './age-keys.js';
import type { ExitCode } from './exit-error.js';
import type { Output } from './output.js';
import { secretsDecryptCommand } from './secrets-decrypt-command.js';
import { secretsEncryptCommand } from './secrets-encrypt-command.js';
import { secretsRotateCommand } from './secrets-rotate-command.js';
import { secretsSetCommand } from './secrets-set-command.js';
import { secretsUpdatekeysCommand } from './secrets-updatekeys-command.js';

const HELP = `
Files are in the SOPS format (YAML, values encrypted with AES-256-GCM, the data key encrypted to
age recipients, a MAC over the values): sops 3.7 and later reads what these commands write, and
they read what sops writes. Identities (private keys) are looked for in --age-identity-file,
SOPS_AGE_KEY_FILE, SOPS_AGE_KEY and ~/.config/sops/age/keys.txt ($XDG_CONFIG_HOME/sops/age/keys.txt);
recipients come from --age or the creation_rules of the nearest .sops.yaml. No value is ever
printed but by decrypt, to stdout.

Exit codes:
  0  done
  1  the file does not decrypt (no identity of its recipients, a value or its MAC changed)
  2  invalid input (no such file, not YAML, not encrypted, no recipients, a bad key path)`;

/** Registers `dockstack secrets decrypt|encrypt|set|rotate|updatekeys`. */
export function addSecretsCommands(
  program: Command,
  out: Output,
  done: (code: ExitCode) => void,
): void {
  const secrets = program
    .command('secrets')
    .description(
      'read and write SOPS files with age keys (secrets.sops.yaml beside the environment file)',
    )
    .addHelpText('after', HELP);

  withAgeIdentityOption(
    secrets
      .command('decrypt')
      .description('print the decrypted file to stdout, as sops -d does')
      .argument('<file>', 'the encrypted file'),
  )
    .addHelpText('after', HELP)
    .action(async (file: string, options: { ageIdentityFile?: string }) => {
      done(await secretsDecryptCommand(file, commandAgeKeys(options.ageIdentityFile), out));
    });

  secrets
    .command('encrypt')
    .description('encrypt a plain YAML file as sops does, to stdout or in place')
    .argument('<file>', 'the plain file')
    .option('--age <recipients>', 'age recipients, comma-separated (default: .sops.yaml)')
    .option('-i, --in-place', 'write the encrypted file over the plain one')
    .addHelpText('after', HELP)
    .action(async (file: string, options: { age?: string; inPlace?: boolean }) => {
      done(await secretsEncryptCommand(file, options, out));
    });

  withAgeIdentityOption(
    secrets
      .command('set')
      .description('set the value at KEY (read from stdin) in an encrypted file, in place')
      .argument('<file>', 'the encrypted file')
      .argument('<key>', 'the key path: common.galera_password or ["common"]["galera_password"]'),
  )
    .addHelpText('after', HELP)
    .action(async (file: string, key: string, options: { ageIdentityFile?: string }) => {
      done(await secretsSetCommand(file, key, commandAgeKeys(options.ageIdentityFile), out));
    });

  withAgeIdentityOption(
    secrets
      .command('rotate')
      .description(
        'encrypt a file again with a new data key (same values and recipients), in place',
      )
      .argument('<file>', 'the encrypted file'),
  )
    .addHelpText('after', HELP)
    .action(async (file: string, options: { ageIdentityFile?: string }) => {
      done(await secretsRotateCommand(file, commandAgeKeys(options.ageIdentityFile), out));
    });

  withAgeIdentityOption(
    secrets
      .command('updatekeys')
      .description("encrypt a file's data key to the recipients .sops.yaml names now, in place")
      .argument('<file>', 'the encrypted file'),
  )
    .addHelpText('after', HELP)
    .action(async (file: string, options: { ageIdentityFile?: string }) => {
      done(await secretsUpdatekeysCommand(file, commandAgeKeys(options.ageIdentityFile), out));
    });
}
