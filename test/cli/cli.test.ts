import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it, onTestFinished } from 'vitest';

import { DEMO_IDENTITY } from '../../src/secrets/demo-key.js';
import { ROOT, runDockstack as runWithOptions } from './run-dockstack.js';
import { testTempDir } from '../testbed/temp-dirs.js';

const example = join(ROOT, 'env-repo-example/environment.yaml');
/** The example's secrets are encrypted to the demo key: every run here has it. */
const runDockstack = (args: readonly string[], cwd = ROOT) =>
  runWithOptions(args, cwd, { env: { SOPS_AGE_KEY: DEMO_IDENTITY } });
const seed = join(ROOT, 'test/fixtures/seed-environment.yaml');

function tempFile(name: string, text: string): string {
  const dir = testTempDir('cli');
  onTestFinished(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('dockstack (command line)', () => {
  it('prints help with every command and the exit codes', () => {
    const run = runDockstack(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['validate', 'render', 'plan']) expect(run.stdout).toContain(command);
    expect(run.stdout).toContain('2  invalid input');
  });

  it.each(['validate', 'render', 'plan'])('has --help for %s', (command) => {
    const run = runDockstack([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: dockstack ${command}`);
  });

  it('exits 2 on an unknown command or option', () => {
    expect(runDockstack(['deploy']).code).toBe(2);
    expect(runDockstack(['validate', '--frobnicate']).code).toBe(2);
    const settle = runDockstack(['apply', '--env', example, '--settle', '1.5']);
    expect([settle.code, settle.stderr]).toEqual([
      2,
      'dockstack: --settle "1.5": expected whole seconds from 0 to 3600\n',
    ]);
  });

  describe('validate', () => {
    it('exits 0 for the seed environment and the example env repo', () => {
      for (const file of [seed, example]) {
        const run = runDockstack(['validate', file]);
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expect(run.stdout).toBe(`${file}: valid (13 containers)\n`);
      }
    });

    it('exits 2 and prints each problem as FILE:LINE:COL', () => {
      const file = tempFile('env.yaml', readFileSync(seed, 'utf8').replace('domain:', 'domian:'));
      const run = runDockstack(['validate', file]);
      expect(run.code).toBe(2);
      expect(run.stderr.split('\n')).toEqual([
        `${file}:1:1: missing field 'domain' in common (add domain: a string)`,
        `${file}:3:3: unknown key 'domian' in common (did you mean 'domain'?)`,
        `${file}: 2 problems`,
        '',
      ]);
      expect(run.stdout).toBe('');
    });

    it('reports a YAML problem and a semantic problem at their lines', () => {
      const text = readFileSync(seed, 'utf8');
      const duplicateKey = tempFile('env.yaml', text.replace('    dns2:', '    dns1:'));
      const yamlRun = runDockstack(['validate', duplicateKey]);
      expect(yamlRun.code).toBe(2);
      expect(yamlRun.stderr).toContain(`${duplicateKey}:45:5: YAML: Map keys must be unique`);

      const duplicateMac = tempFile(
        'env.yaml',
        text.replace('de:ad:be:ef:ba:12', 'de:ad:be:ef:ba:11'),
      );
      const macRun = runDockstack(['validate', duplicateMac]);
      expect(macRun.code).toBe(2);
      expect(macRun.stderr).toContain(
        `${duplicateMac}:49:19: MAC address de:ad:be:ef:ba:11 is already given to services.dns.dns1`,
      );
    });

    it('prints JSON with --json', () => {
      const file = tempFile('env.yaml', 'common: {}\nservices: {}\n');
      const run = runDockstack(['validate', file, '--json']);
      expect(run.code).toBe(2);
      const report = JSON.parse(run.stdout) as {
        valid: boolean;
        problems: { line: number; message: string }[];
      };
      expect(report.valid).toBe(false);
      expect(report.problems.map((p) => p.message)).toEqual([
        "missing field 'dnsServer' in common",
        "missing field 'domain' in common",
      ]);
    });

    it('exits 2 for a missing file, with a hint', () => {
      const run = runDockstack(['validate', '/nonexistent/environment.yaml']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        '/nonexistent/environment.yaml:1:1: no such file (give the path',
      );
    });
  });

  describe('plan --offline', () => {
    it('plans the first deployment of the example in tier order', () => {
      const run = runDockstack(['plan', '--env', example, '--offline']);
      expect(run.code).toBe(0);
      const tiers = run.stdout.split('\n').filter((line) => /^ {2}tier \d+:/.test(line));
      expect(tiers).toEqual([
        '  tier 1: dns',
        '  tier 2: puppet',
        '  tier 3: haproxy',
        '  tier 4: galera',
        '  tier 5: openstack',
        '  tier 6: cassandra',
        '  tier 7: config',
        '  tier 8: collector',
        '  tier 9: control',
        '  tier 10: webui',
      ]);
      expect(run.stdout).toContain(
        'Plan: 13 to create, 0 to recreate, 0 to start, 0 to stop, 0 to remove, 1 network to make.',
      );
      // The file's addresses as given, the others new (nothing is recorded beside the file).
      expect(run.stdout).toContain('+ dns1  dns:latest  ip 10.0.0.1/16  mac de:ad:be:ef:ba:11');
      expect(run.stdout).toMatch(/\+ puppet1 {2}puppet:latest {2}ip 10\.0\.0\.3\/16 \(new\)/);
      expect(run.stdout).toContain('+ network dockstack-default  10.0.0.0/16 gateway 10.0.0.100');
      expect(run.stdout).not.toContain('\u001b[');
    });

    it('prints the plan as JSON with --json', () => {
      const run = runDockstack(['plan', '--env', example, '--offline', '--json']);
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout) as {
        counts: { total: { create: number } };
        plan: { tiers: { service: string; steps: { action: string; name: string }[] }[] };
      };
      expect(report.counts.total.create).toBe(13);
      expect(report.plan.tiers.flatMap((t) => t.steps.map((s) => s.name))).toEqual([
        'dns1',
        'dns2',
        'puppet1',
        'puppet2',
        'ha1',
        'ha2',
        'gal1',
        'os1',
        'cas1',
        'conf1',
        'col1',
        'ctrl1',
        'webui1',
      ]);
    });

    it('never prints a password', () => {
      const run = runDockstack(['plan', '--env', example, '--offline', '--json']);
      expect(run.stdout).not.toMatch(/password|token/i);
    });

    it('exits 2 on an invalid environment and plans nothing', () => {
      const file = tempFile(
        'env.yaml',
        readFileSync(seed, 'utf8').replace(
          'macAddress: de:ad:be:ef:ba:12',
          'macAddress: 01:ad:be:ef:ba:12',
        ),
      );
      const run = runDockstack(['plan', '--env', file, '--offline']);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('is a multicast address');
    });
  });
});

describe('dockstack init', () => {
  it("sets every container's tag with --tag, keeping the comments; a bad tag changes nothing", () => {
    const dir = testTempDir('cli');
    onTestFinished(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const repo = join(dir, 'real');
    const run = runWithOptions(['init', repo, '--tag', 'real'], ROOT, {
      env: { XDG_CONFIG_HOME: join(dir, 'config') },
    });
    expect([run.code, run.stderr]).toEqual([0, '']);
    const text = readFileSync(join(repo, 'environment.yaml'), 'utf8');
    expect(text).toContain('# Edit `services` (by pull request)');
    const containers = text.match(/^ {4}[a-z0-9]+:$/gm) ?? [];
    expect(containers.length).toBeGreaterThan(10);
    expect(text.match(/^ {6}tag: real$/gm)).toHaveLength(containers.length);
    expect(runDockstack(['validate', join(repo, 'environment.yaml')]).code).toBe(0);

    const bad = runWithOptions(['init', join(dir, 'bad'), '--tag', 'no tag'], ROOT);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'dockstack: --tag "no tag": expected a Docker image tag such as real or 2.1 (letters, digits, _ . -)\n',
    );
    expect(existsSync(join(dir, 'bad'))).toBe(false);
  }, 60_000);
});

describe('dockstack render', () => {
  it('renders site.pp with the seed manifest node blocks', () => {
    const run = runDockstack(['render', 'site.pp', '--env', example]);
    expect(run.code).toBe(0);
    const seedManifest = readFileSync(join(ROOT, 'test/fixtures/seed-site.pp'), 'utf8');
    for (const block of seedManifest.split(/(?<=^\}\n)/m)) expect(run.stdout).toContain(block);
    expect(run.stdout).not.toMatch(/_password|admin_token/);
  });

  it('renders the dnsmasq files from the static addresses', () => {
    const dhcp = runDockstack(['render', 'dnsmasq-dhcp-hosts', '--env', example]);
    expect(dhcp.code).toBe(0);
    expect(dhcp.stdout.split('\n').filter((l) => !l.startsWith('#') && l !== '')).toEqual([
      'de:ad:be:ef:ba:11,dns1,10.0.0.1',
      'de:ad:be:ef:ba:12,dns2,10.0.0.2',
    ]);
    const hosts = runDockstack(['render', 'dnsmasq-hosts', '--env', example]);
    expect(hosts.stdout).toContain('10.0.0.1 dns1.endor.lab dns1\n');
  });

  it('rewrites only registered_services of the environment file', () => {
    const run = runDockstack(['render', 'registered-services', '--env', example]);
    expect(run.code).toBe(0);
    const before = readFileSync(example, 'utf8');
    const start = before.indexOf('registered_services:');
    const end = before.indexOf('services:\n', start + 'registered_services:'.length);
    expect(run.stdout.slice(0, start)).toBe(before.slice(0, start));
    expect(run.stdout.slice(run.stdout.indexOf('\nservices:\n'))).toBe(before.slice(end - 1));
    expect(run.stdout).toContain('registered_services:\n  cassandra:\n  - cas1\n');
  });

  it('exits 2 for an unknown target', () => {
    const run = runDockstack(['render', 'nginx.conf', '--env', example]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("value 'nginx.conf' is invalid for argument 'what'");
  });
});
