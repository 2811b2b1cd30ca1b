import { describe, expect, it } from 'vitest';

import { daemonConfig } from './daemon-config.js';

const config = (flags: Record<string, string>) =>
  daemonConfig({ repo: '/srv/env.git', ...flags }, {});

describe('the daemon configuration', () => {
  it('takes defaults for what is not given', () => {
    expect(config({})).toMatchObject({
      branch: 'main',
      envPath: 'environment.yaml',
      intervalSeconds: 30,
      listen: { host: '127.0.0.1', port: 3288 },
      public: false,
    });
    expect(config({ listen: '9000' }).listen).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(config({ listen: ':9000' }).listen).toEqual({ host: '127.0.0.1', port: 9000 });
  });

  it('listens beyond loopback only with a read token, or when told the listener is public', () => {
    const refusal =
      'listen: a listener beyond loopback serves the status, the dashboard and the event stream ' +
      'to the network: give a read token (--read-token-file or DOCKSTACK_READ_TOKEN_FILE), or say ' +
      'they are public (--public)';
    for (const listen of ['0.0.0.0:3288', '[::]:3288', '10.0.0.5:3288', 'dockstack.example:80']) {
      expect(() => config({ listen })).toThrow(refusal);
    }
    for (const listen of ['127.0.0.1:3288', '127.0.0.2:1', '[::1]:3288', 'localhost:3288']) {
      expect(config({ listen }).listen.port).toBeGreaterThan(0);
    }
    const token = { DOCKSTACK_READ_TOKEN: 'a-read-token-of-16-chars' };
    expect(daemonConfig({ repo: 'r', listen: '0.0.0.0:3288' }, token).listen.host).toBe('0.0.0.0');
    expect(daemonConfig({ repo: 'r', listen: '0.0.0.0:3288', public: true }, {}).public).toBe(true);
    expect(
      daemonConfig({ repo: 'r' }, { DOCKSTACK_LISTEN: '0.0.0.0:3288', DOCKSTACK_PUBLIC: 'true' })
        .public,
    ).toBe(true);
    expect(() =>
      daemonConfig({ repo: 'r', listen: '0.0.0.0:3288' }, { DOCKSTACK_PUBLIC: 'yes please' }),
    ).toThrow(/DOCKSTACK_PUBLIC: expected true or false/);
  });

  it.each(['../../../etc/passwd', '/etc/passwd', '--output=x', '.git/config', 'a//b.yaml'])(
    'refuses the environment path %j before anything starts',
    (envPath) => {
      expect(() => config({ envPath })).toThrow(/^envPath: path .* refused: /);
    },
  );

  it('refuses a branch git would misread', () => {
    expect(() => config({ branch: '--upload-pack=x' })).toThrow(/^branch: /);
  });

  it('waits 300 s for a started container to be ready, or what it is told', () => {
    expect(config({}).readyTimeoutSeconds).toBe(300);
    expect(config({ readyTimeout: '900' }).readyTimeoutSeconds).toBe(900);
    expect(daemonConfig({ repo: 'r' }, { DOCKSTACK_READY_TIMEOUT: '60' }).readyTimeoutSeconds).toBe(
      60,
    );
    expect(() => config({ readyTimeout: 'soon' })).toThrow(/readyTimeoutSeconds/);
    expect(() => config({ readyTimeout: '0' })).toThrow(/readyTimeoutSeconds/);
  });

  it('lets a replacement without a health check settle 5 s, or what it is told', () => {
    expect(config({}).settleSeconds).toBe(5);
    expect(config({ settle: '0' }).settleSeconds).toBe(0);
    expect(daemonConfig({ repo: 'r' }, { DOCKSTACK_SETTLE: '20' }).settleSeconds).toBe(20);
    expect(() => config({ settle: '1.5' })).toThrow(/settleSeconds/);
    expect(() => config({ settle: 'later' })).toThrow(/settleSeconds/);
  });

  it('checks for drift every 5 s and repairs it unless told otherwise', () => {
    expect(config({})).toMatchObject({ driftIntervalSeconds: 5, repair: true });
    expect(config({ driftInterval: '0' }).driftIntervalSeconds).toBe(0);
    expect(daemonConfig({ repo: 'r', repair: false }, {}).repair).toBe(false);
    expect(daemonConfig({ repo: 'r' }, { DOCKSTACK_REPAIR: 'false' }).repair).toBe(false);
    expect(() => daemonConfig({ repo: 'r' }, { DOCKSTACK_REPAIR: 'maybe' })).toThrow(/repair/);
  });
});
