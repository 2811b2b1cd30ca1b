import { describe, expect, it } from 'vitest';

import { loadEnvironment } from './load-environment.js';
import { formatProblem } from './problem.js';

/** A small valid file the cases below break one way each; its lines are numbered in comments. */
const base = `common:
  dnsServer: 10.0.0.1
  domain: endor.lab
services:
  dns:
    dns1:
      host: 192.168.99.2
      ipaddress: 10.0.0.1/16
      gateway: 10.0.0.100
      macAddress: de:ad:be:ef:ba:11
  webui:
    webui1:
      host: 192.168.99.2
`;

function problems(text: string | Uint8Array): string[] {
  const result = loadEnvironment(text, { file: 'env.yaml' });
  if (result.ok) return [];
  return result.problems.map(formatProblem);
}

// Values are typed for where they go (shells, configuration files, manifests, Hiera, dnsmasq):
// what would not be inert there is refused here, saying where, what and how to fix it.
describe('loadEnvironment on values that would not be inert where they go', () => {
  const cases: { name: string; text: string; expected: string[] }[] = [
    {
      name: 'shell code in vip_name',
      text: base.replace('domain: endor.lab', "domain: endor.lab\n  vip_name: 'vip$(touch pwned)'"),
      expected: [
        "env.yaml:4:13: common.vip_name: expected a DNS name of RFC 1123 labels separated by dots, such as endor.lab, not 'vip$(touch pwned)'",
      ],
    },
    {
      name: "a ':' in haproxy_user, which HAProxy would split",
      text: base.replace('domain: endor.lab', "domain: endor.lab\n  haproxy_user: 'ad:min'"),
      expected: [
        "env.yaml:4:17: common.haproxy_user: expected a user name without ':' (HAProxy's statistics read USER:PASSWORD), not 'ad:min'",
      ],
    },
    {
      name: 'a line of puppet.conf in puppetServer',
      text: base.replace(
        'domain: endor.lab',
        'domain: endor.lab\n  puppetServer: "puppet1\\nprerun_command = /bin/touch /pwned"',
      ),
      expected: [
        'env.yaml:4:17: common.puppetServer: expected a DNS name of RFC 1123 labels separated by dots, such as endor.lab, not "puppet1\\nprerun_command = /bin/touch /pwned"',
      ],
    },
    {
      name: 'NUL, ESC and a newline in free strings, a secret not shown',
      text: base.replace(
        'domain: endor.lab',
        'domain: endor.lab\n  keystone_admin_user: "ad\\0min"\n  keystone_admin_tenant: "a\\eb"\n  galera_password: "pass\\nword"\n  parameters:\n    motd: |\n      two\n      lines',
      ),
      expected: [
        'env.yaml:4:24: common.keystone_admin_user: expected text without control characters (newline, tab, NUL, ESC, ...), not "ad\\u0000min" (values are written into shells, configuration files and manifests: keep them on one line',
        'env.yaml:5:26: common.keystone_admin_tenant: expected text without control characters (newline, tab, NUL, ESC, ...), not "a\\u001bb" (values',
        'env.yaml:6:20: common.galera_password: expected text without control characters (newline, tab, NUL, ESC, ...) (values are written',
        'env.yaml:8:11: common.parameters.motd: expected text without control characters (newline, tab, NUL, ESC, ...), not "two\\nlines\\n" (values',
      ],
    },
    {
      name: 'a lone surrogate in a parameter and in a parameter name',
      text: base.replace(
        'domain: endor.lab',
        'domain: endor.lab\n  parameters:\n    region: "one\\ud800"\n    "x\\udc00": two',
      ),
      expected: [
        'env.yaml:5:13: common.parameters.region: expected valid Unicode text, with no half of a surrogate pair on its own, not "one\\ud800" (write the character itself',
        'env.yaml:6:5: "x\\udc00": expected valid Unicode text, with no half of a surrogate pair on its own (rename it; parameter names are written into site.pp and Hiera',
      ],
    },
    {
      name: 'a domain of 253 characters',
      text: base.replace(
        'endor.lab',
        `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`,
      ),
      expected: [
        "env.yaml:3:11: with this domain of 253 characters, 'webui1' gets a DNS name of 260 characters, over the 253 DNS allows (shorten the domain to 246 characters at most, or the name)",
      ],
    },
    {
      name: 'a domain too long for the VIP name',
      text: base.replace(
        'domain: endor.lab',
        `domain: ${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(62)}\n  vip_name: ${'v'.repeat(63)}`,
      ),
      expected: [
        `env.yaml:3:11: with this domain of 190 characters, '${'v'.repeat(63)}' gets a DNS name of 254 characters`,
      ],
    },
    {
      name: 'a file in JSON, which registered_services cannot be written back into',
      text: JSON.stringify({
        common: { dnsServer: '10.0.0.1', domain: 'endor.lab' },
        services: { dns: { dns1: { host: 'h' } } },
      }),
      expected: [
        'env.yaml:1:1: registered_services cannot be written back: not a key of a top-level block mapping at column 0 (write the file as env-repo-example/environment.yaml is',
      ],
    },
    {
      name: 'registered_services naming an anchor of another section',
      text: base.replace(
        'domain: endor.lab',
        'domain: endor.lab\n  parameters: { dns1: 1 }\n  public_parameters: &names [dns1]\nregistered_services:\n  dns: *names',
      ),
      expected: [
        'env.yaml:7:3: registered_services cannot be written back: section registered_services: Unresolved alias',
      ],
    },
  ];

  it.each(cases)('reports $name', ({ text, expected }) => {
    const found = problems(text);
    expect(found).toHaveLength(expected.length);
    found.forEach((line, i) => {
      expect(
        line.startsWith(expected[i] as string),
        `${line}\n  should start with\n${expected[i]}`,
      ).toBe(true);
    });
  });

  it('keeps printable text exactly as written, shell metacharacters and all', () => {
    const text = `p'a"s$(touch /tmp/x)\`id\`;|&\\ #-w=%40 é 𝄞`;
    const result = loadEnvironment(
      base.replace(
        'domain: endor.lab',
        `domain: endor.lab\n  keystone_admin_user: ${JSON.stringify(text)}`,
      ),
    );
    expect(result.ok && result.env.common.keystone_admin_user).toBe(text);
  });
});
