import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

import { afterEach, describe, expect, it } from 'vitest';

import { ROOT, runDockstack } from '../cli/run-dockstack.js';
import { useTestbed } from '../testbed/use-testbed.js';
import {
  environmentText,
  PREFIX,
  removeTestContainers,
  testContainers,
  writeEnvironment,
  type Services,
} from './apply-env.js';

const services: Services = {
  dns: { [`${PREFIX}-cli-dns1`]: { host: 'local' } },
  webui: { [`${PREFIX}-cli-webui1`]: { host: 'h2' } },
};

describe('dockstack apply and status', () => {
  useTestbed({ setup: removeTestContainers, teardown: removeTestContainers });
  afterEach(removeTestContainers);

  it('applies, reports progress as plain lines, and exits 0 when converged', () => {
    const file = writeEnvironment(services);
    const run = runDockstack(['apply', '--env', file]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('deploying dns (1 step)');
    expect(run.stderr).toMatch(new RegExp(`done +create +${PREFIX}-cli-webui1 on h2`));
    expect(run.stdout).toMatch(
      /^converged: 2 steps done, 0 failed, 0 hosts unreachable, in \d+\.\d s\n$/,
    );
    expect(`${run.stdout}${run.stderr}`).not.toContain('secret');
  });

  it('shows live progress per container on a terminal', () => {
    const file = writeEnvironment(services);
    // script(1) runs the command on a pseudo-terminal, as a person at a shell would.
    const command = [
      process.execPath,
      '--import',
      'tsx',
      `${ROOT}src/cli/main.ts`,
      'apply',
      '--env',
      file,
    ].join(' ');
    const run = spawnSync('script', ['-qec', command, '/dev/null'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`create   ${PREFIX}-cli-dns1 on local\r\n`);
    expect(run.stdout).toContain(
      `\u001b[1A\u001b[2K  done    create   ${PREFIX}-cli-dns1 on local`,
    );
    expect(run.stdout).toContain('converged: 2 steps done');
  });

  it('shows status per host and exits 0 in sync, 1 out of sync', async () => {
    const file = writeEnvironment(services);
    let status = runDockstack(['status', '--env', file]);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain(`${PREFIX}-cli-dns1`);
    expect(status.stdout).toContain('missing: to create');

    expect(runDockstack(['apply', '--env', file]).code).toBe(0);
    status = runDockstack(['status', '--env', file, '--json']);
    expect(status.code).toBe(0);
    const report = JSON.parse(status.stdout) as {
      inSync: boolean;
      containers: { name: string; observed: string; ok: boolean }[];
    };
    expect(report.inSync).toBe(true);
    expect(report.containers.map((c) => [c.name, c.observed, c.ok])).toEqual([
      [`${PREFIX}-cli-webui1`, 'running', true],
      [`${PREFIX}-cli-dns1`, 'running', true],
    ]);

    writeFileSync(file, environmentText({ dns: services.dns ?? {} }));
    status = runDockstack(['status', '--env', file]);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(
      new RegExp(`${PREFIX}-cli-webui1 +webui +running +extra: to remove`),
    );
    expect((await testContainers()).map((c) => c.name)).toContain(`${PREFIX}-cli-webui1`);
  });

  it('prints JSON with --json and exits 1 when a step fails', () => {
    const file = writeEnvironment(services);
    const broken = { ...services, galera: { [`${PREFIX}-cli-gal1`]: { host: 'gone' } } };
    const gone = { gone: { docker: 'unix:///run/dockstack-test-no-such.sock' } };
    writeFileSync(file, environmentText(broken, { hosts: gone }));
    const run = runDockstack(['apply', '--env', file, '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      converged: boolean;
      steps: { name: string; outcome: string }[];
      unreachable: { host: string; containers: string[] }[];
    };
    expect(report.converged).toBe(false);
    expect(report.steps.map((s) => s.outcome)).toEqual(['done', 'done']);
    expect(report.unreachable).toEqual([
      expect.objectContaining({ host: 'gone', containers: [`${PREFIX}-cli-gal1`] }),
    ]);
    expect(run.stderr).toBe('');
  });

  it('exits 2 and touches nothing when the environment is invalid', async () => {
    const file = writeEnvironment(services);
    writeFileSync(file, environmentText(services).replace(`${PREFIX}-cli-webui1`, 'Bad_Name'));
    const run = runDockstack(['apply', '--env', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("'Bad_Name': a container name must be an RFC 1123 label");
    expect(await testContainers()).toEqual([]);
  });

  it('exits 2 when a host has no endpoint it can work out', () => {
    const file = writeEnvironment(services);
    writeFileSync(
      file,
      environmentText({ dns: { [`${PREFIX}-cli-dns9`]: { host: 'docker9.example' } } }),
    );
    const run = runDockstack(['apply', '--env', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('docker9.example');
    expect(run.stderr).toContain('DOCKER_CERT_PATH');
  });
});
