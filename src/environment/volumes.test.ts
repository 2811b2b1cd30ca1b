import { describe, expect, it } from 'vitest';

import { containerMounts, volumeName, withDataFolders } from './container-mounts.js';
import { containerSpecs } from './container-spec.js';
import { loadEnvironment } from './load-environment.js';
import { formatProblem } from './problem.js';
import { mountPathProblem, parseVolumeEntry } from './volume-entry.js';

const base = `common:
  dnsServer: 10.0.0.1
  domain: endor.lab
services:
  galera:
    gal1:
      host: 192.168.99.2
`;

function problems(text: string): string[] {
  const result = loadEnvironment(text, { file: 'env.yaml' });
  return result.ok ? [] : result.problems.map(formatProblem);
}

describe('volumes: entries', () => {
  it('reads the short syntax: a named volume, a folder of the host, read-only', () => {
    expect(parseVolumeEntry('/var/lib/mysql')).toEqual({
      type: 'volume',
      target: '/var/lib/mysql',
      readOnly: false,
    });
    expect(parseVolumeEntry('/srv/backup:/backup:ro')).toEqual({
      type: 'bind',
      source: '/srv/backup',
      target: '/backup',
      readOnly: true,
    });
    expect(parseVolumeEntry('/data:rw')).toEqual({
      type: 'volume',
      target: '/data',
      readOnly: false,
    });
    expect(parseVolumeEntry('data')).toBeUndefined();
    expect(parseVolumeEntry('/a:b')).toBeUndefined();
  });

  it('takes only plain absolute paths', () => {
    expect(mountPathProblem('/var/lib/mysql')).toBeUndefined();
    expect(mountPathProblem('/')).toBe('is the root folder');
    expect(mountPathProblem('/var//lib')).toMatch(/empty segment/);
    expect(mountPathProblem('/var/lib/')).toMatch(/empty segment/);
    expect(mountPathProblem('/var/../etc')).toMatch(/'\.\.'/);
    expect(mountPathProblem('/var/\nlib')).toMatch(/control character/);
  });

  it('names a named volume after its environment, container and path, never two paths alike', () => {
    expect(volumeName('prod', 'gal1', '/var/lib/mysql')).toBe('dockstack-prod.gal1.var-lib-mysql');
    const dashed = volumeName('prod', 'gal1', '/var/lib/my-sql');
    const nested = volumeName('prod', 'gal1', '/var/lib/my/sql');
    expect(dashed).toMatch(/^dockstack-prod\.gal1\.var-lib-my-sql-[0-9a-f]{8}$/);
    expect(nested).toBe('dockstack-prod.gal1.var-lib-my-sql');
    expect(dashed).not.toBe(nested);
    expect(volumeName('prod', 'gal1', '/srv/a b')).toMatch(
      /^dockstack-prod\.gal1\.srv-a_b-[0-9a-f]{8}$/,
    );
  });

  it("lets a container's entry replace its service's for the same path", () => {
    expect(containerMounts(['/data', '/srv/x:/data:ro'], 'prod', 'gal1')).toEqual([
      { type: 'bind', source: '/srv/x', target: '/data', readOnly: true },
    ]);
  });

  it('adds a named volume for each data folder no entry covers', () => {
    const mounts = containerMounts(['/srv/db:/var/lib/mysql'], 'prod', 'gal1');
    expect(
      withDataFolders(mounts, ['/var/lib/mysql', '/var/lib/puppet/ssl'], 'prod', 'gal1'),
    ).toEqual([
      { type: 'bind', source: '/srv/db', target: '/var/lib/mysql' },
      {
        type: 'volume',
        name: 'dockstack-prod.gal1.var-lib-puppet-ssl',
        target: '/var/lib/puppet/ssl',
      },
    ]);
  });

  it('gives each container its mounts: the service-wide ones, then its own', () => {
    const text = `${base}    gal2:
      host: 192.168.99.2
      volumes: [/srv/backup:/backup:ro]
volumes:
  galera: [/var/lib/mysql]
`;
    const loaded = loadEnvironment(text);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const byName = new Map(containerSpecs(loaded.env).map((s) => [s.name, s.volumes]));
    expect(byName.get('gal1')).toEqual([
      { type: 'volume', name: 'dockstack-default.gal1.var-lib-mysql', target: '/var/lib/mysql' },
    ]);
    expect(byName.get('gal2')).toEqual([
      { type: 'volume', name: 'dockstack-default.gal2.var-lib-mysql', target: '/var/lib/mysql' },
      { type: 'bind', source: '/srv/backup', target: '/backup', readOnly: true },
    ]);
  });

  it('refuses an entry that is no path, saying where and how to write it', () => {
    expect(problems(`${base}      volumes: [var/lib/mysql]\n`)).toEqual([
      expect.stringMatching(/^env\.yaml:8:17: .*expected \/PATH.*'var\/lib\/mysql'/),
    ]);
  });

  it('says where and what is wrong with a path, a repeated path and an unknown service', () => {
    const text = `${base}      volumes:
        - /srv/../etc:/etc-copy
        - /data
        - /data:ro
volumes:
  galerra: [/var/lib/mysql]
`;
    expect(problems(text)).toEqual([
      expect.stringMatching(
        /^env\.yaml:9:11: the host folder '\/srv\/\.\.\/etc' has a '\.' or '\.\.' segment/,
      ),
      expect.stringMatching(/^env\.yaml:11:11: '\/data' is mounted twice in this list/),
      expect.stringMatching(
        /^env\.yaml:13:3: volumes names the service 'galerra'.*did you mean 'galera'/,
      ),
    ]);
  });
});
