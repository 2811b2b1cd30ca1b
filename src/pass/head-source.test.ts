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
});
