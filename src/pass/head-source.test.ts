import { describe, expect, it } from 'vitest';

import { FakeEnvRepo } from '../../test/fakes/fake-env-repo.js';
import { headSource } from './head-source.js';

const ENV = 'environment.yaml';

describe('headSource', () => {
  it('reads the last configured commit, its file and the kicks that failed then', async () => {
    const repo = new FakeEnvRepo();
    const first = repo.push({ [ENV]: 'first\n' }, { subject: 'Start' });
    repo.push(
      {},
      {
        author: 'dockstack',
        trailers: {
          'Dockstack-Applied': [first],
          'Dockstack-Configured': [first],
          'Dockstack-Kick-Failed': ['gal1 ha1', '../etc'],
        },
      },
    );
    const second = repo.push({ [ENV]: 'second\n' }, { subject: 'Add gal2' });
    const snapshot = await headSource(repo, { envPath: ENV }).read();
    expect(snapshot.git?.applied).toBe(second);
    expect(snapshot.git?.configured).toEqual({
      commit: first,
      text: 'first\n',
      // A name that cannot be a container's is not taken from a trailer.
      failed: ['gal1', 'ha1'],
    });
  });

  it('knows no configured commit before the bot wrote one', async () => {
    const repo = new FakeEnvRepo();
    const first = repo.push({ [ENV]: 'first\n' });
    repo.push({}, { author: 'dockstack', trailers: { 'Dockstack-Applied': [first] } });
    expect((await headSource(repo, { envPath: ENV }).read()).git?.configured).toBeUndefined();
  });

  it('ignores a configured trailer that is not a commit id', async () => {
    const repo = new FakeEnvRepo();
    const first = repo.push({ [ENV]: 'first\n' });
    repo.push(
      {},
      {
        trailers: { 'Dockstack-Applied': [first], 'Dockstack-Configured': ['--upload-pack=x'] },
      },
    );
    expect((await headSource(repo, { envPath: ENV }).read()).git?.configured).toBeUndefined();
  });

  it("brings the env repo's own Puppet modules beside the file, at the head", async () => {
    const repo = new FakeEnvRepo();
    repo.push({ 'env/environment.yaml': 'first\n' });
    const plain = await headSource(repo, { envPath: 'env/environment.yaml' }).read();
    expect(plain.modules).toBeUndefined();
    repo.push({ 'env/puppet/modules/site/manifests/init.pp': 'class site {}\n' });
    const own = await headSource(repo, { envPath: 'env/environment.yaml' }).read();
    expect([...(own.modules ?? [])]).toEqual([['site/manifests/init.pp', 'class site {}\n']]);
  });

  it("takes a trailer on a commit not the bot's for a change, and says why it was ignored", async () => {
    const repo = new FakeEnvRepo();
    const first = repo.push({ [ENV]: 'first\n' });
    repo.push({}, { author: 'dockstack', trailers: { 'Dockstack-Applied': [first] } });
    // A squash-merged pull request whose description carried the bot's trailers.
    const unknown = 'f'.repeat(40);
    const forged = repo.push(
      { [ENV]: 'forged\n' },
      {
        subject: 'Squashed',
        author: 'Mallory',
        trailers: { 'Dockstack-Applied': [unknown], 'Dockstack-Configured': [unknown] },
      },
    );
    const after = repo.push({ [ENV]: 'after\n' }, { subject: 'Ordinary' });
    const git = (await headSource(repo, { envPath: ENV }).read()).git;
    expect(git?.commits.map((c) => c.sha)).toEqual([forged, after]);
    expect(git?.applied).toBe(after);
    expect(git?.before).toBe('first\n');
    expect(git?.configured).toBeUndefined();
    expect(git?.ignored).toEqual([
      {
        commit: forged,
        subject: 'Squashed',
        trailer: 'Dockstack-Applied',
        reason:
          "Dockstack-Applied on a commit not dockstack's: its author is Mallory <mallory@example.org>",
      },
    ]);
  });

  it('does not let a trailer naming an older commit hide the commits after it', async () => {
    const repo = new FakeEnvRepo();
    const first = repo.push({ [ENV]: 'first\n' });
    repo.push({}, { author: 'dockstack', trailers: { 'Dockstack-Applied': [first] } });
    const second = repo.push({ [ENV]: 'second\n' });
    repo.push({}, { author: 'dockstack', trailers: { 'Dockstack-Applied': [second] } });
    // The author is the bot's, the committer someone else: not the bot's record either.
    const forged = repo.push(
      { [ENV]: 'third\n' },
      { author: 'dockstack', committer: 'Mallory', trailers: { 'Dockstack-Applied': [first] } },
    );
    const git = (await headSource(repo, { envPath: ENV }).read()).git;
    expect(git?.commits.map((c) => c.sha)).toEqual([forged]);
    expect(git?.applied).toBe(forged);
    expect(git?.ignored?.map((i) => i.reason)).toEqual([
      "Dockstack-Applied on a commit not dockstack's: its committer is Mallory <mallory@example.org>",
    ]);
  });

  it('passes over a bot record naming a commit off the branch, to the one before', async () => {
    const repo = new FakeEnvRepo();
    const first = repo.push({ [ENV]: 'first\n' });
    const record = repo.push(
      {},
      { author: 'dockstack', trailers: { 'Dockstack-Applied': [first] } },
    );
    const second = repo.push({ [ENV]: 'second\n' });
    const stray = repo.push(
      {},
      { author: 'dockstack', trailers: { 'Dockstack-Applied': ['e'.repeat(40)] } },
    );
    const git = (await headSource(repo, { envPath: ENV }).read()).git;
    // The commits since the record that holds: the second; both bot commits are the bot's own.
    expect(git?.commits.map((c) => c.sha)).toEqual([second]);
    expect(git?.applied).toBe(stray);
    expect(git?.ignored).toEqual([
      {
        commit: stray,
        subject: expect.any(String) as string,
        trailer: 'Dockstack-Applied',
        reason: `Dockstack-Applied names ${'e'.repeat(40)}, not a commit of the branch`,
      },
    ]);
    expect(record).not.toBe(stray);
  });

  it('reads the address record beside the file at the head, leases and all', async () => {
    const repo = new FakeEnvRepo();
    repo.push({ 'env/environment.yaml': 'first\n' });
    const none = await headSource(repo, { envPath: 'env/environment.yaml' }).read();
    expect(none.record).toBeUndefined();
    repo.push({ 'env/dnsmasq/dhcp-hosts': '02:00:00:00:00:01,gal2,10.0.0.2\n' });
    const before = await headSource(repo, { envPath: 'env/environment.yaml' }).read();
    expect(before.record).toEqual({ dhcpHosts: '02:00:00:00:00:01,gal2,10.0.0.2\n' });
    repo.push({ 'env/dnsmasq/leases': '02:00:00:00:00:02,gal1,10.0.0.1,2026-01-01T00:00:00Z\n' });
    const after = await headSource(repo, { envPath: 'env/environment.yaml' }).read();
    expect(after.record).toEqual({
      dhcpHosts: '02:00:00:00:00:01,gal2,10.0.0.2\n',
      leases: '02:00:00:00:00:02,gal1,10.0.0.1,2026-01-01T00:00:00Z\n',
    });
  });
});
