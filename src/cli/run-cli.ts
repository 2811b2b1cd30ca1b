import { readFileSync } from 'node:fs';

import { Argument, Command, CommanderError } from 'commander';

import { DEFAULT_ENV_FILE } from '../environment/load-environment.js';
import { connectHosts } from '../hosts/connect-hosts.js';
import {
  DAEMON_ENV,
  DEFAULT_LISTEN_HOST,
  DEFAULT_PORT,
  type DaemonFlags,
} from '../daemon/daemon-config.js';
import { applyCommand } from './apply-command.js';
import type { ConnectHosts } from '../pass/run-pass.js';
import { withAgeIdentityOption } from './age-keys.js';
import { addEditCommands } from './edit/add-edit-commands.js';
import { addGitHubOptions } from './github-options.js';
import type { GitHubFlags } from '../github/github-config.js';
import { historyCommand, type HistoryOptions } from './history-command.js';
import { initCommand } from './init-command.js';
import { ExternalError } from '../util/external-error.js';
import { EXIT, ExitError, type ExitCode } from './exit-error.js';
import type { Output } from './output.js';
import { planCommand } from './plan-command.js';
import { renderCommand, RENDER_TARGETS } from './render-command.js';
import { addSecretsCommands } from './secrets-commands.js';
import { statusCommand } from './status-command.js';
import { validateCommand } from './validate-command.js';
import { volumesCommand, type VolumesOptions } from './volumes-command.js';

const EXIT_CODES_HELP = `
Exit codes:
  0  success (valid, converged, nothing to report)
  1  a step failed (a host, a container, git)
  2  invalid input (the environment file or the command line)`;

const TLS_DIR_HELP =
  'the folder the tls: files of the hosts: entries are read from, relative to it (DOCKSTACK_TLS_DIR)';

/**
 * Runs the dockstack command line and returns its exit code; never calls process.exit.
 * `connectWith` makes the commands' connection to the hosts, given the TLS folder of --tls-dir.
 */
export async function runCli(
  argv: readonly string[],
  out: Output,
  connectWith: (tlsDir: string | undefined) => ConnectHosts = (tlsDir) => (env) =>
    connectHosts(env, process.env, tlsDir === undefined ? {} : { tlsDir }),
): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok;
  const program = new Command('dockstack')
    .description(
      'GitOps for plain Docker hosts: converge Docker hosts to an environment file in Git.',
    )
    .version(version(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP)
    .configureOutput({ writeOut: out.stdout, writeErr: out.stderr })
    .exitOverride();

  withAgeIdentityOption(program.command('validate'))
    .description('check an environment file; print every problem as FILE:LINE:COL: message')
    .argument('[file]', 'the environment file', DEFAULT_ENV_FILE)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (file: string, options: { json?: boolean; ageIdentityFile?: string }) => {
      code = await validateCommand(file, options, out);
    });

  withAgeIdentityOption(program.command('render'))
    .description('render a file dockstack writes back to the env repo, to stdout')
    .addArgument(new Argument('<what>', 'what to render').choices(RENDER_TARGETS))
    .option('--env <file>', 'the environment file', DEFAULT_ENV_FILE)
    .addHelpText(
      'after',
      `\nTargets:\n${RENDER_TARGETS.map((t: string) => `  ${t}`).join('\n')}\n${EXIT_CODES_HELP}`,
    )
    .action(async (what: string, options: { env: string; ageIdentityFile?: string }) => {
      code = await renderCommand(what, options, out);
    });

  withAgeIdentityOption(program.command('plan'))
    .description('show what dockstack would do to make the hosts match the environment')
    .option('--env <file>', 'the environment file', DEFAULT_ENV_FILE)
    .option('--offline', 'plan against hosts with nothing running (no Docker calls)')
    .option('--tls-dir <dir>', TLS_DIR_HELP)
    .option('--json', 'print the plan as JSON')
    .option('--color', 'colour the plan (default: when stdout is a terminal)')
    .option('--no-color', 'never colour the plan')
    .addHelpText(
      'after',
      `
Plans against what every host runs (one list call each; nothing is changed).

Exit codes:
  0  in sync: nothing to do (with --offline: the environment is valid)
  1  changes pending, or a host unreachable (its containers are not planned)
  2  invalid input (the environment file or the command line)`,
    )
    .action(
      async (options: {
        env: string;
        offline?: boolean;
        json?: boolean;
        color?: boolean;
        tlsDir?: string;
        ageIdentityFile?: string;
      }) => {
        code = await planCommand(options, out, connectWith(options.tlsDir));
      },
    );

  withAgeIdentityOption(program.command('apply'))
    .description('converge every Docker host to the environment file, once (no git)')
    .option('--env <file>', 'the environment file', DEFAULT_ENV_FILE)
    .option('--json', 'print the result as JSON (no progress)')
    .option('--tls-dir <dir>', TLS_DIR_HELP)
    .option(
      '--settle <seconds>',
      'how long a replacement without a health check must run, not restarted, to be ready (default 5)',
    )
    .addHelpText('after', EXIT_CODES_HELP)
    .action(
      async (options: {
        env: string;
        json?: boolean;
        tlsDir?: string;
        ageIdentityFile?: string;
        settle?: string;
      }) => {
        code = await applyCommand(options, out, connectWith(options.tlsDir));
      },
    );

  withAgeIdentityOption(program.command('status'))
    .description('desired against observed, per host: missing, extra, drifted, running, stopped')
    .option('--env <file>', 'the environment file', DEFAULT_ENV_FILE)
    .option('--json', 'print the status as JSON')
    .option('--tls-dir <dir>', TLS_DIR_HELP)
    .addHelpText(
      'after',
      EXIT_CODES_HELP.replace(
        'a step failed (a host, a container, git)',
        'out of sync, or a host unreachable',
      ),
    )
    .action(
      async (options: {
        env: string;
        json?: boolean;
        tlsDir?: string;
        ageIdentityFile?: string;
      }) => {
        code = await statusCommand(options, out, connectWith(options.tlsDir));
      },
    );

  const volumes = program
    .command('volumes')
    .description(
      "the environment's volumes on its hosts: which container each holds data of; prune those of containers gone from the file",
    );
  withAgeIdentityOption(volumes.command('list'))
    .description("list the environment's volumes on every host the file names, and what holds each")
    .option('--env <file>', 'the environment file', DEFAULT_ENV_FILE)
    .option('--json', 'print the list as JSON')
    .option('--tls-dir <dir>', TLS_DIR_HELP)
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (options: VolumesOptions & { tlsDir?: string }) => {
      code = await volumesCommand('list', options, out, connectWith(options.tlsDir));
    });
  withAgeIdentityOption(volumes.command('prune'))
    .description(
      'list the volumes of containers no longer in the file; with --yes, delete them (never any other)',
    )
    .option('--env <file>', 'the environment file', DEFAULT_ENV_FILE)
    .option('--yes', 'delete them (without it, only list what would be deleted)')
    .option('--json', 'print what was found (and removed) as JSON')
    .option('--tls-dir <dir>', TLS_DIR_HELP)
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (options: VolumesOptions & { tlsDir?: string }) => {
      code = await volumesCommand('prune', options, out, connectWith(options.tlsDir));
    });

  withAgeIdentityOption(program.command('history'))
    .description(
      "the audit trail from the env repo's git log: each change, who made it, when it was applied, what resulted",
    )
    .option('--repo <url>', 'env repo: URL or local path', process.env[DAEMON_ENV.repo] ?? '.')
    .option('--branch <name>', 'branch', process.env[DAEMON_ENV.branch] ?? 'main')
    .option(
      '--env-path <path>',
      'environment file in the repo',
      process.env[DAEMON_ENV.envPath] ?? DEFAULT_ENV_FILE,
    )
    .option('--workdir <dir>', 'where to keep the clone it reads (default: a temporary folder)')
    .option('--limit <n>', 'how many commits back', '50')
    .option(
      '--bot-name <name>',
      "the daemon's commit author: only its commits count as its records",
      process.env[DAEMON_ENV.botName] ?? 'dockstack',
    )
    .option(
      '--bot-email <email>',
      'its email',
      process.env[DAEMON_ENV.botEmail] ?? 'dockstack@localhost',
    )
    .option(
      '--signing-key-file <file>',
      `the key the daemon signs with (or its .pub): only commits signed with it count as its records (${DAEMON_ENV.signingKeyFile})`,
      process.env[DAEMON_ENV.signingKeyFile],
    )
    .option('--json', 'print the trail as JSON')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (options: HistoryOptions) => {
      code = await historyCommand(options, out);
    });

  program
    .command('init')
    .description('create an env repo from the example, its hosts mapped to one Docker engine')
    .argument('<dir>', 'where the new env repo goes')
    .option('--docker <endpoint>', 'Docker endpoint of every host', 'unix:///var/run/docker.sock')
    .option('--from <dir>', 'env repo to copy (default: the example shipped with dockstack)')
    .option('--env-path <path>', 'environment file in the repo', DEFAULT_ENV_FILE)
    .option(
      '--age-recipient <recipients>',
      "encrypt the repo's secrets.sops.yaml to these age recipients (comma-separated) instead of the demo key",
    )
    .option('--tag <tag>', "run every container's image with this tag (e.g. real: the real images)")
    .addHelpText(
      'after',
      `\nThe example keeps its secrets in secrets.sops.yaml, encrypted to a public demo key that init\nputs in ~/.config/sops/age/keys.txt; with --age-recipient they are encrypted to your key instead.\n${EXIT_CODES_HELP}`,
    )
    .action(
      async (
        dir: string,
        options: {
          docker: string;
          from?: string;
          envPath: string;
          ageRecipient?: string;
          tag?: string;
        },
      ) => {
        code = await initCommand(dir, options, out);
      },
    );

  addEditCommands(program, out, (result) => {
    code = result;
  });

  addSecretsCommands(program, out, (result) => {
    code = result;
  });

  const daemon = withAgeIdentityOption(program.command('daemon'))
    .description(
      'follow the env repo and converge the hosts at every new commit, writing back what runs',
    )
    .option(
      '--repo <url>',
      `env repo: https://, ssh://, file:// URL or a local path (${DAEMON_ENV.repo})`,
    )
    .option('--branch <name>', `branch to follow (${DAEMON_ENV.branch}, default main)`)
    .option(
      '--env-path <path>',
      `environment file in the repo (${DAEMON_ENV.envPath}, default environment.yaml)`,
    )
    .option(
      '--interval <seconds>',
      `how often to poll the remote (${DAEMON_ENV.interval}, default 30)`,
    )
    .option(
      '--ready-timeout <seconds>',
      `how long a started container may take to run and be healthy (${DAEMON_ENV.readyTimeout}, default 300)`,
    )
    .option(
      '--settle <seconds>',
      `how long a replacement without a health check must run, not restarted, to be ready (${DAEMON_ENV.settle}, default 5)`,
    )
    .option(
      '--drift-interval <seconds>',
      `how often the hosts are checked for drift between commits; 0: only on engine events (${DAEMON_ENV.driftInterval}, default 5)`,
    )
    .option(
      '--no-repair',
      `report drift (a container removed, stopped or changed by hand) but do not repair it (${DAEMON_ENV.repair}=false)`,
    )
    .option(
      '--listen <[host:]port>',
      `HTTP listener (${DAEMON_ENV.listen}, default ${DEFAULT_LISTEN_HOST}:${String(DEFAULT_PORT)}: loopback only; a port alone is on loopback too; 0.0.0.0:${String(DEFAULT_PORT)} for every interface, which needs a read token or --public)`,
    )
    .option(
      '--public',
      `serve the dashboard, /api/status and /api/events beyond loopback without a read token (${DAEMON_ENV.public}=true)`,
    )
    .option(
      '--workdir <dir>',
      `where the private clone lives (${DAEMON_ENV.workdir}, default /var/lib/dockstack)`,
    )
    .option(
      '--tls-dir <dir>',
      `the folder the tls: files of the hosts: entries are read from, relative to it (${DAEMON_ENV.tlsDir}); without it a tls: entry is refused`,
    )
    .option(
      '--webhook-token-file <file>',
      `file holding the bearer token of POST /webhooks/push (${DAEMON_ENV.webhookTokenFile}, or the token itself in ${DAEMON_ENV.webhookToken})`,
    )
    .option(
      '--read-token-file <file>',
      `file holding the token the dashboard (/), /api/status and /api/events require (${DAEMON_ENV.readTokenFile}, or the token itself in ${DAEMON_ENV.readToken}); without one they are open, which beyond loopback needs --public`,
    )
    .option(
      '--bot-name <name>',
      `author of the write-back commits (${DAEMON_ENV.botName}, default dockstack)`,
    )
    .option(
      '--bot-email <email>',
      `its email (${DAEMON_ENV.botEmail}, default dockstack@localhost)`,
    )
    .option(
      '--signing-key-file <file>',
      `SSH private key (no passphrase) the bot signs its commits with; then only commits signed with it count as its records (${DAEMON_ENV.signingKeyFile})`,
    )
    .option(
      '--log-level <level>',
      `fatal, error, warn, info, debug or trace (${DAEMON_ENV.logLevel}, default info)`,
    )
    .option(
      '--webhook-secret-file <file>',
      `file holding the secret GitHub signs webhooks with; turns on POST /webhooks/github (${DAEMON_ENV.webhookSecretFile}, or the secret itself in ${DAEMON_ENV.webhookSecret})`,
    )
    .option(
      '--public-url <url>',
      `where people reach this listener: the host name it answers for besides loopback names and IP addresses, and links on GitHub (${DAEMON_ENV.publicUrl}, default http://localhost:PORT)`,
    );
  addGitHubOptions(daemon)
    .addHelpText(
      'after',
      `\nListener: ${DEFAULT_LISTEN_HOST}:${String(DEFAULT_PORT)} (loopback) unless --listen says otherwise; beyond loopback it needs a read token (--read-token-file) or --public, and --public-url names the host name it answers for besides loopback names and IP addresses.\nDashboard: GET / on the listener shows the hosts, their containers by tier (state, health, address, MAC, drift), the audit trail, a working copy's pending edit and the open pull requests' plans, updated live; with a read token it asks for it once and keeps a session in a cookie.\nEndpoints: GET /healthz, /readyz, /metrics, /api/status, /api/events (server-sent events); POST /webhooks/push (Authorization: Bearer TOKEN); POST /webhooks/github (signed with the webhook secret).\nGitHub: with a token, plans go to pull requests as a commit status and one comment; as a GitHub App, as a check run. Merges get a dockstack/apply status and the result on the pull request.\nLogs: JSON lines on stderr, passwords and tokens masked.\n${EXIT_CODES_HELP}`,
    )
    .action(async (flags: DaemonFlags & GitHubFlags, command: Command) => {
      // --no-repair makes commander default `repair` to true; only a given flag beats the variable.
      if (command.getOptionValueSource('repair') === 'default') delete flags.repair;
      const { daemonCommand } = await import('./daemon-command.js');
      await daemonCommand(flags, process.env);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      const benign = ['commander.helpDisplayed', 'commander.version', 'commander.help'];
      return benign.includes(error.code) ? EXIT.ok : EXIT.invalid;
    }
    if (error instanceof ExitError) {
      if (error.message !== '') out.stderr(`dockstack: ${error.message}\n`);
      return error.code;
    }
    // git, a Docker host or GitHub failed: one line that says so, no stack trace.
    if (error instanceof ExternalError) {
      out.stderr(`dockstack: ${error.message}\n`);
      return error.kind === 'invalid' ? EXIT.invalid : EXIT.failed;
    }
    throw error;
  }
  return code;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
