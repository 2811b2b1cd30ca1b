import { describe, expect, it } from 'vitest';

import { gitEnvironment } from './git-environment.js';

describe('gitEnvironment', () => {
  const processEnv = {
    PATH: '/usr/bin',
    HOME: '/root',
    GIT_DIR: '/elsewhere',
    GIT_ASKPASS: '/bin/evil',
    GIT_SSL_CAINFO: '/etc/ssl/ca.pem',
    SSH_AUTH_SOCK: '/run/agent',
    EDITOR: 'vi',
  };

  it('is built from nothing: isolation, the remote protocol only, a deadline for stalls', () => {
    expect(
      gitEnvironment({
        workDir: '/var/lib/dockstack/repo',
        protocol: 'https',
        home: '/dev/null',
        remoteTimeoutMs: 2500,
        processEnv,
      }),
    ).toEqual({
      PATH: '/usr/bin',
      HOME: '/dev/null',
      LC_ALL: 'C',
      LANG: 'C',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      GIT_ALLOW_PROTOCOL: 'https',
      GIT_CEILING_DIRECTORIES: '/var/lib/dockstack',
      GIT_LITERAL_PATHSPECS: '1',
      GIT_NO_REPLACE_OBJECTS: '1',
      GIT_HTTP_LOW_SPEED_LIMIT: '1',
      GIT_HTTP_LOW_SPEED_TIME: '3',
      GIT_SSL_CAINFO: '/etc/ssl/ca.pem',
      SSH_AUTH_SOCK: '/run/agent',
    });
  });
});
