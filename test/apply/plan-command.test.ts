import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { runDockstack } from '../cli/run-dockstack.js';
import { git } from '../git/git-fixture.js';
import { useTestbed } from '../testbed/use-testbed.js';
import {
  environmentText,
  PREFIX,
  removeTestContainers,
  testContainers,
  writeEnvironment,
  type Services,
} from './apply-env.js';

const dns1 = `${PREFIX}-plan-dns1`;
const webui1 = `${PREFIX}-plan-webui1`;
const webui2 = `${PREFIX}-plan-webui2`;
const services: Services = {
  dns: { [dns1]: { host: 'local' } },
  webui: { [webui1]: { host: 'h2' } },
};

interface PlanJson {
  valid: boolean;
  offline: boolean;
  counts: { total: Record<string, number> };
  plan: { tiers: { steps: { action: string; name: string; host: string }[] }[] };
  unreachable: { host: string; containers: string[] }[];
}

describe('dockstack plan against the live hosts', () => {
  useTestbed({ setup: removeTestContainers, teardown: removeTestContainers });
  afterEach(removeTestContainers);

  it('plans what is missing (exit 1), then nothing once applied (exit 0), changing nothing itself', async () => {
    const file = writeEnvironment(services);
    const pending = runDockstack(['plan', '--env', file]);
    expect(pending.code, pending.stderr).toBe(1);
    expect(pending.stdout).toContain(`+ ${dns1}`);
    expect(pending.stdout).toContain(`+ ${webui1}`);
    expect(pending.stdout).toContain('Plan: 2 to create');
    expect(await testContainers()).toEqual([]);

    expect(runDockstack(['apply', '--env', file]).code).toBe(0);
    const inSync = runDockstack(['plan', '--env', file]);
    expect(inSync.code, inSync.stderr).toBe(0);
    expect(inSync.stdout).toBe('No changes. The hosts match the environment.\n');

    const more = writeEnvironment({
      ...services,
      webui: { ...services.webui, [webui2]: { host: 'h2' } },
    });
    const json = runDockstack(['plan', '--env', more, '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as PlanJson;
    expect(report).toMatchObject({ valid: true, offline: false, unreachable: [] });
    expect(report.counts.total.create).toBe(1);
    expect(report.plan.tiers.flatMap((t) => t.steps)).toEqual([
      expect.objectContaining({ action: 'create', name: webui2, host: 'h2' }),
    ]);
    expect((await testContainers()).map((c) => c.name)).toEqual([dns1, webui1]);
  });

  it('names the running containers whose configuration an edit of a committed file changes, and why', async () => {
    const file = writeEnvironment(services);
    const repo = dirname(file);
    git(repo, ['init', '-q', '-b', 'main']);
    git(repo, ['add', 'environment.yaml']);
    git(repo, ['commit', '-qm', 'The environment']);
    expect(runDockstack(['apply', '--env', file]).code).toBe(0);

    writeFileSync(
      file,
      environmentText({ ...services, webui: { ...services.webui, [webui2]: { host: 'h2' } } }),
    );
    const pending = runDockstack(['plan', '--env', file]);
    expect(pending.code, pending.stderr).toBe(1);
    expect(pending.stdout).toContain(`+ ${webui2}`);
    expect(pending.stdout).toContain(
      'Configuration changed, not kicked (stopped, or no Puppet agent in the image):\n' +
        `  ${webui1}: members of webui changed: + ${webui2}.endor.lab\n`,
    );
    const json = JSON.parse(runDockstack(['plan', '--env', file, '--json']).stdout) as {
      refreshed: unknown;
    };
    expect(json.refreshed).toEqual([
      { name: webui1, reasons: [`members of webui changed: + ${webui2}.endor.lab`], peers: true },
    ]);
    expect((await testContainers()).map((c) => c.name)).toEqual([dns1, webui1]);
  });

  it('reports an unreachable host and leaves its containers out of the plan (exit 1)', () => {
    const file = writeEnvironment(
      {
        ...services,
        webui: { [webui1]: { host: 'gone' } },
      },
      { gone: { docker: 'tcp://127.0.0.1:1' } },
    );
    const run = runDockstack(['plan', '--env', file, '--json']);
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as PlanJson;
    expect(report.unreachable).toEqual([
      expect.objectContaining({ host: 'gone', containers: [webui1] }),
    ]);
    expect(report.plan.tiers.flatMap((t) => t.steps.map((s) => s.name))).toEqual([dns1]);

    const text = runDockstack(['plan', '--env', file]);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain(`host gone unreachable`);
    expect(text.stderr).toContain(`${webui1} not planned`);
  });

  it('exits 2 on an invalid environment', () => {
    const file = writeEnvironment({ dns: { [dns1]: { host: 'local', macAddress: 'nope' } } });
    const run = runDockstack(['plan', '--env', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/environment\.yaml:\d+:\d+: /);
  });
});
