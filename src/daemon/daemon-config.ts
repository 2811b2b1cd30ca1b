import { isIP } from 'node:net';

import { z } from 'zod';

import { checkBranch, checkPath } from '../git/git-input.js';
import { errorMessage } from '../util/error-message.js';
import { readSecretFile } from '../util/read-secret-file.js';

/** A string that `check` accepts; its refusal is the issue's message. */
const checked = (check: (value: string) => string) =>
  z.string().superRefine((value, context) => {
    try {
      check(value);
    } catch (error) {
      context.addIssue({ code: 'custom', message: errorMessage(error) });
    }
  });

/** Everything the daemon is configured with: flags win over environment variables over defaults. */
export const DaemonConfig = z
  .strictObject({
    repo: z.string().min(1, 'give the env repo with --repo or DOCKSTACK_REPO'),
    branch: checked(checkBranch),
    envPath: checked(checkPath),
    intervalSeconds: z.number().min(1).max(86_400),
    /** How often the hosts are checked for drift between commits; 0: only on engine events. */
    driftIntervalSeconds: z.number().min(0).max(86_400),
    /**
     * How long a started container may take to run, and to be healthy where its image has a check
     * (a puppet server, a first agent run and a database can take minutes on a busy host).
     */
    readyTimeoutSeconds: z.number().min(1).max(86_400),
    /** How long a replacement without a health check must run, not restarted, to be ready. */
    settleSeconds: z.int().min(0).max(3_600),
    /** False: drift is reported, not repaired (DOCKSTACK_REPAIR=false, or --no-repair). */
    repair: z.union([
      z.boolean(),
      z.stringbool({ error: 'DOCKSTACK_REPAIR: expected true or false' }),
    ]),
    listen: z.object({ host: z.string(), port: z.int().min(0).max(65_535) }),
    /** True: a listener beyond loopback may serve without a read token (DOCKSTACK_PUBLIC). */
    public: z.union([z.boolean(), z.stringbool()], {
      error: 'DOCKSTACK_PUBLIC: expected true or false',
    }),
    workdir: z.string().min(1),
    /** The only folder the `tls:` files of the environment's hosts are read from. */
    tlsDir: z.string().min(1).optional(),
    webhookToken: z.string().min(16, 'the webhook token must be at least 16 characters').optional(),
    readToken: z.string().min(16, 'the read token must be at least 16 characters').optional(),
    webhookSecret: z
      .string()
      .min(16, 'the GitHub webhook secret must be at least 16 characters')
      .optional(),
    /** Where people reach the daemon's listener; links in statuses and comments point there. */
    publicUrl: z
      .url({
        protocol: /^https?$/,
        error: 'expected an http(s) URL such as https://dockstack.example:3288',
      })
      .optional(),
    botName: z.string().regex(/^[^<>\n\r]+$/, 'the bot name may not hold <, > or line breaks'),
    botEmail: z
      .string()
      .regex(/^[^<>\s@]+@[^<>\s@]+$/, 'expected an email address such as dockstack@example.org'),
    /** The SSH key the bot signs its commits with; with it, only signed commits are its records. */
    signingKeyFile: z.string().min(1).optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']),
  })
  .refine(
    (config) => isLoopback(config.listen.host) || config.readToken !== undefined || config.public,
    {
      path: ['listen'],
      message:
        'a listener beyond loopback serves the status, the dashboard and the event stream to the network: ' +
        'give a read token (--read-token-file or DOCKSTACK_READ_TOKEN_FILE), or say they are public (--public)',
    },
  );
export type DaemonConfig = z.infer<typeof DaemonConfig>;

/** The address the listener binds when none is given: loopback only. */
export const DEFAULT_LISTEN_HOST = '127.0.0.1';

/** True for an address only this machine reaches: 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

export interface DaemonFlags {
  repo?: string;
  branch?: string;
  envPath?: string;
  interval?: string;
  driftInterval?: string;
  readyTimeout?: string;
  settle?: string;
  /** commander's `--no-repair` sets this false. */
  repair?: boolean;
  listen?: string;
  public?: boolean;
  workdir?: string;
  tlsDir?: string;
  webhookTokenFile?: string;
  readTokenFile?: string;
  webhookSecretFile?: string;
  publicUrl?: string;
  botName?: string;
  botEmail?: string;
  signingKeyFile?: string;
  logLevel?: string;
}

/** The environment variables the daemon reads, each the same as the flag named beside it. */
export const DAEMON_ENV = {
  repo: 'DOCKSTACK_REPO',
  branch: 'DOCKSTACK_BRANCH',
  envPath: 'DOCKSTACK_ENV_PATH',
  interval: 'DOCKSTACK_INTERVAL',
  driftInterval: 'DOCKSTACK_DRIFT_INTERVAL',
  readyTimeout: 'DOCKSTACK_READY_TIMEOUT',
  settle: 'DOCKSTACK_SETTLE',
  repair: 'DOCKSTACK_REPAIR',
  listen: 'DOCKSTACK_LISTEN',
  public: 'DOCKSTACK_PUBLIC',
  workdir: 'DOCKSTACK_WORKDIR',
  tlsDir: 'DOCKSTACK_TLS_DIR',
  webhookToken: 'DOCKSTACK_WEBHOOK_TOKEN',
  webhookTokenFile: 'DOCKSTACK_WEBHOOK_TOKEN_FILE',
  readToken: 'DOCKSTACK_READ_TOKEN',
  readTokenFile: 'DOCKSTACK_READ_TOKEN_FILE',
  webhookSecret: 'DOCKSTACK_WEBHOOK_SECRET',
  webhookSecretFile: 'DOCKSTACK_WEBHOOK_SECRET_FILE',
  publicUrl: 'DOCKSTACK_PUBLIC_URL',
  botName: 'DOCKSTACK_BOT_NAME',
  botEmail: 'DOCKSTACK_BOT_EMAIL',
  signingKeyFile: 'DOCKSTACK_SIGNING_KEY_FILE',
  logLevel: 'DOCKSTACK_LOG_LEVEL',
} as const;

export const DEFAULT_PORT = 3288;

/** Builds and validates the configuration; throws a message listing every problem. */
export function daemonConfig(flags: DaemonFlags, env: NodeJS.ProcessEnv): DaemonConfig {
  const pick = (
    flag: Exclude<keyof DaemonFlags, 'repair' | 'public'>,
    variable: string | undefined,
  ) => flags[flag] ?? (variable === undefined ? undefined : env[variable]);
  const tokenFile = pick('webhookTokenFile', DAEMON_ENV.webhookTokenFile);
  const token =
    tokenFile === undefined
      ? env[DAEMON_ENV.webhookToken]
      : readSecretFile(tokenFile, 'webhook token');
  const readTokenFile = pick('readTokenFile', DAEMON_ENV.readTokenFile);
  const readToken =
    readTokenFile === undefined
      ? env[DAEMON_ENV.readToken]
      : readSecretFile(readTokenFile, 'read token');
  const secretFile = pick('webhookSecretFile', DAEMON_ENV.webhookSecretFile);
  const secret =
    secretFile === undefined
      ? env[DAEMON_ENV.webhookSecret]
      : readSecretFile(secretFile, 'GitHub webhook secret');
  const publicUrl = pick('publicUrl', DAEMON_ENV.publicUrl);
  const signingKeyFile = pick('signingKeyFile', DAEMON_ENV.signingKeyFile);
  const tlsDir = pick('tlsDir', DAEMON_ENV.tlsDir);
  const repo = pick('repo', DAEMON_ENV.repo) ?? '';
  const input = {
    repo,
    branch: pick('branch', DAEMON_ENV.branch) ?? 'main',
    envPath: pick('envPath', DAEMON_ENV.envPath) ?? 'environment.yaml',
    intervalSeconds: Number(pick('interval', DAEMON_ENV.interval) ?? '30'),
    driftIntervalSeconds: Number(pick('driftInterval', DAEMON_ENV.driftInterval) ?? '5'),
    readyTimeoutSeconds: Number(pick('readyTimeout', DAEMON_ENV.readyTimeout) ?? '300'),
    settleSeconds: Number(pick('settle', DAEMON_ENV.settle) ?? '5'),
    repair: flags.repair ?? env[DAEMON_ENV.repair] ?? true,
    listen: parseListen(pick('listen', DAEMON_ENV.listen) ?? String(DEFAULT_PORT)),
    public: flags.public ?? env[DAEMON_ENV.public] ?? false,
    workdir: pick('workdir', DAEMON_ENV.workdir) ?? '/var/lib/dockstack',
    ...(tlsDir === undefined || tlsDir === '' ? {} : { tlsDir }),
    ...(token === undefined || token === '' ? {} : { webhookToken: token }),
    ...(secret === undefined || secret === '' ? {} : { webhookSecret: secret }),
    ...(readToken === undefined || readToken === '' ? {} : { readToken }),
    ...(publicUrl === undefined ? {} : { publicUrl: publicUrl.replace(/\/+$/, '') }),
    botName: pick('botName', DAEMON_ENV.botName) ?? 'dockstack',
    botEmail: pick('botEmail', DAEMON_ENV.botEmail) ?? 'dockstack@localhost',
    ...(signingKeyFile === undefined || signingKeyFile === '' ? {} : { signingKeyFile }),
    logLevel: pick('logLevel', DAEMON_ENV.logLevel) ?? 'info',
  };
  const parsed = DaemonConfig.safeParse(input);
  if (!parsed.success) {
    throw new Error(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; '),
    );
  }
  return parsed.data;
}

/** `PORT`, `:PORT` or `HOST:PORT`; loopback (DEFAULT_LISTEN_HOST) when no host is given. */
function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:(.*):)?(\d+)$/.exec(text.trim());
  if (match === null) return { host: '', port: -1 };
  return {
    host:
      match[1] === undefined || match[1] === ''
        ? DEFAULT_LISTEN_HOST
        : match[1].replace(/^\[|\]$/g, ''),
    port: Number(match[2]),
  };
}
