import { describe, expect, it } from 'vitest';

import { containerEventOf } from './container-event.js';

const die = {
  status: 'die',
  id: 'abc',
  from: 'dns:latest',
  Type: 'container',
  Action: 'die',
  Actor: {
    ID: 'abc',
    Attributes: {
      exitCode: '137',
      image: 'dns:latest',
      name: 'dns1',
      'org.dockstack.managed': 'true',
      'org.dockstack.container': 'dns1',
    },
  },
  scope: 'local',
  time: 1764641000,
};

/** The engine's line: its nanosecond time has more digits than a double keeps. */
const dieLine = JSON.stringify(die).replace(/}$/, ',"timeNano":1764641000123456789}');

describe('containerEventOf', () => {
  it('reads action, id, name, labels, time and exit code of a container event', () => {
    expect(containerEventOf(dieLine)).toEqual({
      action: 'die',
      id: 'abc',
      name: 'dns1',
      labels: { 'org.dockstack.managed': 'true', 'org.dockstack.container': 'dns1' },
      time: 1764641000123,
      exitCode: 137,
    });
  });

  it('takes the time in seconds when the engine gives no nanoseconds', () => {
    const start = { ...die, Action: 'start', Actor: { ID: 'abc', Attributes: { name: 'dns1' } } };
    expect(containerEventOf(JSON.stringify(start))).toEqual({
      action: 'start',
      id: 'abc',
      name: 'dns1',
      labels: {},
      time: 1764641000000,
    });
  });

  it('passes over other events and lines that are not JSON', () => {
    expect(containerEventOf(JSON.stringify({ ...die, Type: 'network' }))).toBeUndefined();
    expect(containerEventOf('not json')).toBeUndefined();
    expect(containerEventOf('')).toBeUndefined();
    expect(containerEventOf('[]')).toBeUndefined();
  });
});
