import type { Command } from 'commander';

import { connectGitHub } from '../../github/octokit-github.js';
import type { ExitCode } from '../exit-error.js';
import { addGitHubOptions } from '../github-options.js';
import type { Output } from '../output.js';
import type { ContainerEdit } from './container-edit.js';
import { editCommand, type EditDeps } from './edit-command.js';
import { EDIT_ENV, DEFAULT_AUTHOR, type EditFlags } from './edit-config.js';
import { retryCommand, type RetryFlags } from './retry-command.js';

const HELP = `
The change is committed on --branch and pushed (fast-forward; when someone pushed meanwhile it is
made again on the new head), or with --pr pushed to a new branch dockstack/ACTION-NAME-SHA with a
pull request on GitHub. Every byte of the environment file outside the entry stays as it was;
an edit whose result would not validate is refused.

Exit codes:
  0  done (or nothing to change)
  1  a step failed (git or GitHub unreachable or refusing)
  2  invalid input (the name, the flags, an unknown container, a result that would be invalid);
     nothing is committed or pushed`;

interface CreateFlags extends EditFlags {
  service: string;
  host: string;
  ip?: string;
  gateway?: string;
  mac?: string;
  tag?: string;
}

/**
 * Registers `create`, `remove`, `start` and `stop`: the original Dockstack client's actions,
 * made as commits to the env repo. `done` receives each command's exit code.
 */
export function addEditCommands(
  program: Command,
  out: Output,
  done: (code: ExitCode) => void,
  deps: EditDeps = { processEnv: process.env, connectGitHub: (config) => connectGitHub(config) },
): void {
  const run = async (edit: ContainerEdit, flags: EditFlags) => {
    done(await editCommand(edit, flags, out, deps));
  };

  editOptions(
    program
      .command('create')
      .description('add a container to the environment file: dockstack creates and starts it')
      .argument('<name>', 'the new container: an RFC 1123 label such as webui2')
      .requiredOption('--service <service>', 'its service, the image name (webui runs webui:TAG)')
      .requiredOption(
        '--host <host>',
        'the Docker host it runs on: an address, a name, a key of hosts:',
      )
      .option('--ip <cidr>', 'static address with prefix length (ipaddress:), e.g. 10.0.0.5/16')
      .option('--gateway <ip>', 'default gateway, inside the subnet of --ip (gateway:)')
      .option('--mac <mac>', 'static MAC address (macAddress:), e.g. de:ad:be:ef:ba:15')
      .option('--tag <tag>', 'image tag (tag:; default latest)'),
  ).action(async (name: string, flags: CreateFlags) => {
    const container = {
      host: flags.host,
      ...(flags.ip === undefined ? {} : { ipaddress: flags.ip }),
      ...(flags.gateway === undefined ? {} : { gateway: flags.gateway }),
      ...(flags.mac === undefined ? {} : { macAddress: flags.mac }),
      ...(flags.tag === undefined ? {} : { tag: flags.tag }),
    };
    await run({ action: 'create', name, service: flags.service, container }, flags);
  });

  const others = [
    ['remove', 'remove a container from the environment file: dockstack stops and removes it'],
    ['start', 'start a stopped container again: removes its state: stopped'],
    ['stop', 'stop a container, keeping it on its host: sets state: stopped'],
  ] as const;
  program
    .command('retry')
    .description(
      'push an empty commit so the daemon tries the environment again (members it rolled back too)',
    )
    .option('--repo <url>', `env repo: URL or local path (${EDIT_ENV.repo})`)
    .option('--branch <name>', `branch (${EDIT_ENV.branch}, default main)`)
    .option('--message <subject>', 'commit subject (default: Retry the environment at SHA)')
    .option('--author-name <name>', `commit author (${EDIT_ENV.authorName})`)
    .option('--author-email <email>', `its email (${EDIT_ENV.authorEmail})`)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExit codes: 0 pushed, 1 git failed, 2 invalid input (nothing pushed)')
    .action(async (flags: RetryFlags) => {
      done(await retryCommand(flags, out, deps.processEnv));
    });

  for (const [action, description] of others) {
    editOptions(
      program
        .command(action)
        .description(description)
        .argument('<name>', 'the container, as named under services:'),
    ).action(async (name: string, flags: EditFlags) => {
      await run({ action, name }, flags);
    });
  }
}

/** The options every edit command shares, after its own. */
function editOptions(command: Command): Command {
  command
    .option(
      '--repo <url>',
      `env repo: https://, ssh://, file:// URL or a local path (${EDIT_ENV.repo})`,
    )
    .option('--branch <name>', `branch to change (${EDIT_ENV.branch}, default main)`)
    .option(
      '--env-path <path>',
      `environment file in the repo (${EDIT_ENV.envPath}, default environment.yaml)`,
    )
    .option('--pr', 'push to a new branch and open a pull request instead of pushing to --branch')
    .option(
      '--message <subject>',
      'commit subject (default: what changes, e.g. "Create webui2 (webui) on 192.168.99.2")',
    )
    .option(
      '--author-name <name>',
      `commit author (${EDIT_ENV.authorName}, default ${DEFAULT_AUTHOR.name})`,
    )
    .option(
      '--author-email <email>',
      `its email (${EDIT_ENV.authorEmail}, default ${DEFAULT_AUTHOR.email})`,
    )
    .option('--json', 'print the result as JSON')
    .option('--dry-run', 'print the diff of the environment file; change nothing');
  return addGitHubOptions(command).addHelpText('after', HELP);
}
