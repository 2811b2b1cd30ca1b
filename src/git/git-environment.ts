import { dirname } from 'node:path';

import type { RepoProtocol } from './repo-url.js';

/** Variables of the daemon's own environment git may see: ssh agent, proxies, CA files. */
const PASSED_THROUGH = [
  'SSH_AUTH_SOCK',
  'http_proxy',
  'https_proxy',
  'HTTPS_PROXY',
  'all_proxy',
  'ALL_PROXY',
  'no_proxy',
  'NO_PROXY',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'GIT_SSL_CAINFO',
] as const;

export interface GitEnvironmentInput {
  workDir: string;
  protocol: RepoProtocol;
  /** git's HOME: where its global config comes from. */
  home: string;
  remoteTimeoutMs: number;
  processEnv: NodeJS.ProcessEnv;
}

/**
 * The complete environment of every git command: no system config, HOME as given, no prompts,
 * only the remote's own protocol, no repository discovery above the working clone, literal
 * paths, C locale for parsing, and transfers that stall give up by the deadline.
 */
export function gitEnvironment(input: GitEnvironmentInput): Record<string, string> {
  const env: Record<string, string> = {
    PATH: input.processEnv.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: input.home,
    LC_ALL: 'C',
    LANG: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ALLOW_PROTOCOL: input.protocol,
    GIT_CEILING_DIRECTORIES: dirname(input.workDir),
    GIT_LITERAL_PATHSPECS: '1',
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_HTTP_LOW_SPEED_LIMIT: '1',
    GIT_HTTP_LOW_SPEED_TIME: String(Math.max(1, Math.ceil(input.remoteTimeoutMs / 1000))),
  };
  for (const key of PASSED_THROUGH) {
    const value = input.processEnv[key];
    if (value !== undefined && value !== '') env[key] = value;
  }
  return env;
}

/** `-c` settings of every command: no background maintenance, no signing, no submodules. */
export const GIT_CONFIG: readonly string[] = [
  'gc.auto=0',
  'maintenance.auto=false',
  'commit.gpgSign=false',
  'log.showSignature=false',
  'fetch.recurseSubmodules=false',
  'core.quotePath=false',
];
