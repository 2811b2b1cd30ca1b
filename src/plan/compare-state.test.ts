import { describe, expect, it } from 'vitest';

import type { ContainerSpec } from '../environment/container-spec.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import { compareState } from './compare-state.js';
import { labelsFor } from './labels.js';

function spec(name: string, extra: Partial<ContainerSpec> = {}): ContainerSpec {
  return {
    environment: 'default',
    name,
    service: 'webui',
    host: 'h1',
    tier: 9,
    image: 'webui:latest',
    hostname: name,
    domain: 'lab',
    dns: '10.0.0.1',
    state: 'running',
    ...extra,
  };
}

function running(s: ContainerSpec, extra: Partial<ObservedContainer> = {}): ObservedContainer {
  return {
    host: s.host,
    name: s.name,
    id: `id-${s.name}`,
    running: true,
    labels: labelsFor(s),
    ...extra,
  };
}

describe('compareState', () => {
  it('tells running, stopped, missing, drifted, blocked and extra apart', () => {
    const ok = spec('ok1');
    const stopped = spec('stop1');
    const wantStopped = spec('idle1', { state: 'stopped' });
    const missing = spec('miss1');
    const drifted = spec('drift1');
    const blocked = spec('block1');
    const extra = spec('gone1');
    const states = compareState(
      [ok, stopped, wantStopped, missing, drifted, blocked],
      [
        running(ok),
        running(stopped, { running: false }),
        running(wantStopped, { running: false }),
        running(drifted, { labels: labelsFor({ ...drifted, image: 'webui:old' }) }),
        { host: 'h1', name: 'block1', id: 'x', running: true, labels: {} },
        running(extra),
        { host: 'h1', name: 'unrelated', id: 'y', running: true, labels: {} },
      ],
    );
    expect(states.map((s) => [s.name, s.desired, s.observed, s.drifted, s.ok])).toEqual([
      ['block1', 'running', 'blocked', false, false],
      ['drift1', 'running', 'running', true, false],
      ['gone1', 'absent', 'running', false, false],
      ['idle1', 'stopped', 'stopped', false, true],
      ['miss1', 'running', 'missing', false, false],
      ['ok1', 'running', 'running', false, true],
      ['stop1', 'running', 'stopped', false, false],
    ]);
  });

  it('counts a managed container on the wrong host as missing here and extra there', () => {
    const moved = spec('web1', { host: 'h2' });
    const states = compareState([moved], [running({ ...moved, host: 'h1' })]);
    expect(states.map((s) => [s.host, s.name, s.desired, s.observed])).toEqual([
      ['h1', 'web1', 'absent', 'running'],
      ['h2', 'web1', 'running', 'missing'],
    ]);
  });

  it("carries the tier, the file's address and MAC (else the engine's) and a running one's health", () => {
    const pinned = spec('dns1', {
      tier: 0,
      ipaddress: '10.0.0.1/16',
      macAddress: 'DE:AD:BE:EF:BA:11',
    });
    const plain = spec('web1');
    const idle = spec('web2');
    const states = compareState(
      [pinned, plain, idle],
      [
        running(pinned, { health: 'healthy' }),
        running(plain, {
          health: 'unhealthy',
          networks: [{ name: 'bridge', ipv4: '172.17.0.5', macAddress: '02:42:AC:11:00:05' }],
        }),
        running(idle, { running: false, health: 'unhealthy' }),
      ],
    );
    expect(states.map((s) => [s.name, s.tier, s.address, s.mac, s.health])).toEqual([
      ['dns1', 0, '10.0.0.1', 'de:ad:be:ef:ba:11', 'healthy'],
      ['web1', 9, '172.17.0.5', '02:42:ac:11:00:05', 'unhealthy'],
      ['web2', 9, undefined, undefined, undefined],
    ]);
  });

  it('counts a running container as ok only once it serves: not while starting or unhealthy', () => {
    const specs = ['healthy1', 'starting1', 'unhealthy1', 'nocheck1'].map((n) => spec(n));
    const health = ['healthy', 'starting', 'unhealthy', undefined] as const;
    const states = compareState(
      specs,
      specs.map((s, i) => {
        const h = health[i];
        return running(s, h === undefined ? {} : { health: h });
      }),
    );
    expect(states.map((s) => [s.name, s.ok])).toEqual([
      ['healthy1', true],
      ['nocheck1', true],
      ['starting1', false],
      ['unhealthy1', false],
    ]);
  });
});
