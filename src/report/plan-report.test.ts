import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { containerSpecs } from '../environment/container-spec.js';
import { loadEnvironment } from '../environment/load-environment.js';
import { tierOrder } from '../environment/tier-order.js';
import { addressEnvironment } from '../network/address-environment.js';
import { freshAddresses } from '../network/fresh-addresses.js';
import { returningAddresses } from '../network/returning-addresses.js';
import { planChanges } from '../plan/plan-changes.js';
import { invalidReport, MAX_REPORT, PLAN_MARKER, planReport } from './plan-report.js';

const seed = readFileSync(
  new URL('../../test/fixtures/seed-environment.yaml', import.meta.url),
  'utf8',
);
const SHA = 'c'.repeat(40);

function seedPlan() {
  const loaded = loadEnvironment(seed);
  if (!loaded.ok) throw new Error('the seed is valid');
  return planChanges(containerSpecs(loaded.env), [], tierOrder(loaded.env));
}

describe('planReport', () => {
  it("lists the seed's first deployment per host, with the static addresses", () => {
    const report = planReport({
      headSha: SHA,
      envPath: 'environment.yaml',
      plan: seedPlan(),
      unreachable: [],
      files: [],
      refreshed: [],
    });
    expect(report.title).toBe('13 to create');
    expect(report.body.startsWith(`${PLAN_MARKER}\n### dockstack plan for \`cccccccccccc\``)).toBe(
      true,
    );
    expect(report.body).toContain('**192.168.99.2**');
    expect(report.body).toContain('| ➕ create | `dns1` | dns | 10.0.0.1/16, de:ad:be:ef:ba:11 |');
    expect(report.body).toContain('| ➕ create | `webui1` | webui | assigned at start |');
  });

  it('says when a pull request changes hosts:, and which hosts it planned offline', () => {
    const report = planReport({
      headSha: SHA,
      envPath: 'environment.yaml',
      plan: seedPlan(),
      unreachable: [],
      offline: [
        { host: 'h2', why: 'changed' },
        { host: 'evil`|<b>', why: 'new' },
      ],
      files: [],
      refreshed: [],
    });
    expect(report.title).toBe('13 to create; 2 host(s) planned offline');
    expect(report.body).toContain(
      [
        '🔐 **This pull request changes `hosts:`.**',
        '',
        'Planned offline, as if they ran nothing (a pull request is planned with the hosts, endpoints and TLS files of the base branch only; these are reached once it is merged):',
        '',
        '- `h2`: its `hosts:` entry changes',
        '- `` evil`|<b> ``: not a host of the base branch',
      ].join('\n'),
    );
  });

  it('lists the containers whose configuration is refreshed, grouped by why', () => {
    const why = 'members of openstack changed: + os2.endor.lab';
    const report = planReport({
      headSha: SHA,
      envPath: 'environment.yaml',
      plan: seedPlan(),
      unreachable: [],
      files: [],
      refreshed: [
        { name: 'ha1', reasons: [why] },
        { name: 'ha2', reasons: [why] },
        { name: 'os1', reasons: [why, 'common.vip changed'] },
      ],
    });
    expect(report.body).toContain(
      [
        '**Puppet agents kicked** (`puppet agent --test`: a peer in its own tier, the others once every tier is up), as the manifest data they read changes:',
        '',
        `- \`ha1\`, \`ha2\`: ${why}`,
        `- \`os1\`: ${why}; common.vip changed`,
        '',
      ].join('\n'),
    );
  });

  it('shows every container at its address, and marks the new ones', () => {
    const loaded = loadEnvironment(seed);
    if (!loaded.ok) throw new Error('the seed is valid');
    const addressed = addressEnvironment(loaded.env, {
      record: { dhcpHosts: 'de:ad:00:00:00:01,gal1,10.0.0.40\n' },
      now: 0,
    });
    const report = planReport({
      headSha: SHA,
      envPath: 'environment.yaml',
      plan: planChanges(addressed.specs, [], tierOrder(loaded.env)),
      unreachable: [],
      files: [],
      refreshed: [],
      fresh: [...freshAddresses(addressed.addresses)],
    });
    expect(report.body).toContain('| ➕ create | `dns1` | dns | 10.0.0.1/16, de:ad:be:ef:ba:11 |');
    expect(report.body).toContain(
      '| ➕ create | `gal1` | galera | 10.0.0.40/16, de:ad:00:00:00:01 |',
    );
    expect(report.body).toMatch(/\| ➕ create \| `webui1` \| webui \| 10\.0\.0\.\d+\/16 \(new\), /);
  });

  it('marks a name that comes back at the address it kept as returning', () => {
    const loaded = loadEnvironment(seed);
    if (!loaded.ok) throw new Error('the seed is valid');
    const addressed = addressEnvironment(loaded.env, {
      record: { leases: 'de:ad:00:00:00:02,gal1,10.0.0.41,2026-01-01T00:00:00Z\n' },
      now: 0,
    });
    const report = planReport({
      headSha: SHA,
      envPath: 'environment.yaml',
      plan: planChanges(addressed.specs, [], tierOrder(loaded.env)),
      unreachable: [],
      files: [],
      refreshed: [],
      fresh: [...freshAddresses(addressed.addresses)],
      returning: [...returningAddresses(addressed.addresses)],
    });
    expect(report.body).toContain(
      '| ➕ create | `gal1` | galera | 10.0.0.41/16 (returning), de:ad:00:00:00:02 |',
    );
    expect(report.body).toMatch(/\| ➕ create \| `webui1` \| webui \| 10\.0\.0\.\d+\/16 \(new\), /);
  });

  it('links the commit to its page when told where commits are', () => {
    const report = planReport({
      headSha: SHA,
      envPath: 'environment.yaml',
      plan: { hostSteps: [], tiers: [] },
      unreachable: [],
      files: [],
      refreshed: [],
      commitUrl: (sha) => `https://ghe.example/ops/env/commit/${sha}`,
    });
    expect(report.body).toContain(
      `### dockstack plan for [\`cccccccccccc\`](https://ghe.example/ops/env/commit/${SHA})`,
    );
  });

  it('says so when merging changes nothing', () => {
    const report = planReport({
      headSha: SHA,
      envPath: 'environment.yaml',
      plan: { hostSteps: [], tiers: [] },
      unreachable: [{ host: 'h9', error: 'connect ECONNREFUSED' }],
      files: [],
      refreshed: [],
    });
    expect(report.title).toBe('No changes to the hosts');
    expect(report.body).toContain('Merging changes no container.');
    expect(report.body).toContain('Docker host `h9` did not answer (connect ECONNREFUSED)');
  });

  it("stays within GitHub's limit, cutting the diffs first", () => {
    const huge = `+${'x'.repeat(40_000)}`;
    const report = planReport({
      headSha: SHA,
      envPath: 'environment.yaml',
      plan: seedPlan(),
      unreachable: [],
      files: [
        { path: 'manifests/site.pp', diff: huge },
        { path: 'dnsmasq/hosts', diff: huge },
      ],
      refreshed: [],
    });
    expect(report.body.length).toBeLessThanOrEqual(MAX_REPORT);
    expect(report.body).toContain('The diff of `dnsmasq/hosts` is too long to show here.');
    expect(report.body).toContain('`webui1`');
  });

  it('cannot be broken out of by what the environment names', () => {
    const report = planReport({
      headSha: SHA,
      envPath: 'environment.yaml',
      plan: { hostSteps: [], tiers: [] },
      unreachable: [{ host: 'h|<script>', error: 'a\nb `c`' }],
      files: [{ path: 'manifests/site.pp', diff: '+```\n+<img src=x>' }],
      refreshed: [],
    });
    expect(report.body).toContain('`h|<script>`');
    expect(report.body).toContain('(a b \\`c\\`)');
    expect(report.body).toContain('````diff\n+```\n+<img src=x>\n````');
  });
});

describe('invalidReport', () => {
  it('lists every problem at its file, line and column', () => {
    const report = invalidReport(SHA, [
      { file: 'environment.yaml', line: 3, col: 5, message: 'unknown key "hots"', hint: 'host?' },
      { file: 'environment.yaml', line: 9, col: 7, message: 'malformed MAC' },
    ]);
    expect(report.title).toBe('2 problems in the environment file');
    expect(report.body).toContain(
      '```\nenvironment.yaml:3:5: unknown key "hots" (host?)\nenvironment.yaml:9:7: malformed MAC\n```',
    );
  });
});
