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
      listen: { host: '0.0.0.0', port: 3288 },
    });
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

  it('checks for drift every 5 s and repairs it unless told otherwise', () => {
    expect(config({})).toMatchObject({ driftIntervalSeconds: 5, repair: true });
    expect(config({ driftInterval: '0' }).driftIntervalSeconds).toBe(0);
    expect(daemonConfig({ repo: 'r', repair: false }, {}).repair).toBe(false);
    expect(daemonConfig({ repo: 'r' }, { DOCKSTACK_REPAIR: 'false' }).repair).toBe(false);
    expect(() => daemonConfig({ repo: 'r' }, { DOCKSTACK_REPAIR: 'maybe' })).toThrow(/repair/);
  });
});
