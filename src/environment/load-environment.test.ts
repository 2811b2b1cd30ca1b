import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { loadEnvironment, MAX_BYTES, MAX_PROBLEMS } from './load-environment.js';
import { formatProblem } from './problem.js';

const seed = readFileSync(
  new URL('../../test/fixtures/seed-environment.yaml', import.meta.url),
  'utf8',
);

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

describe('loadEnvironment', () => {
  it('accepts the seed environment as it stands', () => {
    const result = loadEnvironment(seed);
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
    if (!result.ok) return;
    expect(result.env.common.vip_mask).toBe(16);
    expect(result.env.registered_services?.dns).toEqual([]);
    expect(Object.keys(result.env.services.dns ?? {})).toEqual(['dns1', 'dns2']);
    expect(result.env.services.dns?.dns1?.macAddress).toBe('de:ad:be:ef:ba:11');
  });

  it('accepts the small base file the invalid cases start from', () => {
    expect(problems(base)).toEqual([]);
  });

  it('accepts every extension together', () => {
    const text = `${base}hosts:
  192.168.99.2:
    docker: tcp://192.168.99.2:2376
    tls: { ca: /etc/ds/ca.pem, cert: /etc/ds/cert.pem, key: /etc/ds/key.pem }
  h2:
    docker: unix:///var/run/docker.sock
    address: 10.200.0.2
  h3:
    docker: ssh://deploy@10.200.0.3
order: [dns, webui]
external:
  compute:
    compute1: { ipaddress: 10.0.0.50/16 }
registry: registry.local:5000
`.replace(
      'host: 192.168.99.2\n      ipaddress',
      'host: h2\n      state: stopped\n      tag: "2.1"\n      ipaddress',
    );
    expect(problems(text)).toEqual([]);
  });

  it('keeps passwords exactly as written, whatever characters they hold', () => {
    const password = `p'a"s$s{w}o\\rd #: &*!|>%@\`~ \u00e9\u4e2d`;
    const text = base.replace(
      'domain: endor.lab',
      `domain: endor.lab\n  galera_password: ${JSON.stringify(password)}`,
    );
    const result = loadEnvironment(text);
    expect(result.ok && result.env.common.galera_password).toBe(password);
  });

  it('reads keys as the text they are written as: a name is never a number', () => {
    const text = base.replace(
      '    webui1:',
      '    0x1f: { host: 192.168.99.3 }\n    1e3: { host: 192.168.99.3 }\n    123: { host: 192.168.99.3 }\n    null: { host: 192.168.99.3 }\n    webui1:',
    );
    const result = loadEnvironment(text);
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
    if (!result.ok) return;
    expect(Object.keys(result.env.services.webui ?? {}).sort()).toEqual([
      '0x1f',
      '123',
      '1e3',
      'null',
      'webui1',
    ]);
  });

  const cases: { name: string; text: string; expected: string[] }[] = [
    {
      name: 'YAML syntax error',
      text: base.replace('    webui1:\n', '    webui1: [\n'),
      expected: [
        'env.yaml:12:13: YAML: Flow sequence in block collection must be sufficiently indented and end with a ] (the bracket opened here is still open at line 14',
      ],
    },
    {
      name: 'tab indentation',
      text: base.replace('  domain: endor.lab', '\tdomain: endor.lab'),
      expected: ['env.yaml:3:1: YAML: '],
    },
    {
      name: 'duplicate key',
      text: base.replace('  domain: endor.lab', '  domain: endor.lab\n  domain: other.lab'),
      expected: [
        "env.yaml:4:3: YAML: Map keys must be unique: 'domain' is already on line 3 (each key may appear once",
      ],
    },
    {
      name: 'the same container twice under one service, and a key twice inside it',
      text: base.replace(
        '  webui:\n    webui1:\n      host: 192.168.99.2\n',
        '  webui:\n    webui1:\n      host: 192.168.99.2\n      host: 192.168.99.3\n    webui1:\n      host: 192.168.99.2\n',
      ),
      expected: [
        "env.yaml:14:7: YAML: Map keys must be unique: 'host' is already on line 13 (each key may appear once",
        "env.yaml:15:5: YAML: Map keys must be unique: 'webui1' is already on line 12 (each key may",
      ],
    },
    {
      name: 'two documents',
      text: `${base}---\ncommon: {}\n`,
      expected: ['env.yaml:14:1: YAML: Source contains multiple documents'],
    },
    {
      name: 'unknown top-level key with a did-you-mean',
      text: base.replace('services:', 'servics:'),
      expected: [
        "env.yaml:1:1: missing field 'services' in the file",
        "env.yaml:4:1: unknown key 'servics' in the file (did you mean 'services'?)",
      ],
    },
    {
      name: 'unknown key in common',
      text: base.replace('dnsServer: 10.0.0.1', 'dnsServer: 10.0.0.1\n  puppetServr: puppet1'),
      expected: [
        "env.yaml:3:3: unknown key 'puppetServr' in common (did you mean 'puppetServer'?)",
      ],
    },
    {
      name: 'unknown key in a container',
      text: base.replace('      gateway: 10.0.0.100', '      gatway: 10.0.0.100'),
      expected: [
        "env.yaml:9:7: unknown key 'gatway' in services.dns.dns1 (did you mean 'gateway'?)",
      ],
    },
    {
      name: 'unknown key with nothing close',
      text: base.replace(
        '    webui1:\n      host: 192.168.99.2',
        '    webui1:\n      host: 192.168.99.2\n      zzz: 1',
      ),
      expected: [
        "env.yaml:14:7: unknown key 'zzz' in services.webui.webui1 (known keys: host, ipaddress",
      ],
    },
    {
      name: 'missing common',
      text: base.replace(/^common:\n {2}dnsServer: 10.0.0.1\n {2}domain: endor.lab\n/, ''),
      expected: ["env.yaml:1:1: missing field 'common' in the file"],
    },
    {
      name: 'missing domain',
      text: base.replace('  domain: endor.lab\n', ''),
      expected: ["env.yaml:1:1: missing field 'domain' in common"],
    },
    {
      name: 'missing host',
      text: base.replace(
        '    webui1:\n      host: 192.168.99.2\n',
        '    webui1:\n      state: running\n',
      ),
      expected: ["env.yaml:12:5: missing field 'host' in services.webui.webui1"],
    },
    {
      name: 'container with no fields at all',
      text: base.replace('    webui1:\n      host: 192.168.99.2\n', '    webui1:\n'),
      expected: ['env.yaml:12:12: services.webui.webui1: expected a mapping of keys to values'],
    },
    {
      name: 'services is a list',
      text: base.replace(/services:[\s\S]*$/, 'services:\n  - dns1\n'),
      expected: ['env.yaml:5:3: services: expected a mapping of keys to values'],
    },
    {
      name: 'upper-case container name',
      text: base.replace('    webui1:', '    WebUI1:'),
      expected: ["env.yaml:12:5: 'WebUI1': a container name must be an RFC 1123 label"],
    },
    {
      name: 'container name with a leading dash (option injection)',
      text: base.replace('    webui1:', '    "-rf":'),
      expected: ["env.yaml:12:5: '-rf': a container name must be an RFC 1123 label"],
    },
    {
      name: 'container name with a path',
      text: base.replace('    webui1:', '    "../etc":'),
      expected: ["env.yaml:12:5: '../etc': a container name must be an RFC 1123 label"],
    },
    {
      name: 'container name with a space',
      text: base.replace('    webui1:', '    "web ui":'),
      expected: ["env.yaml:12:5: 'web ui': a container name must be an RFC 1123 label"],
    },
    {
      name: 'service name with a slash',
      text: base.replace('  webui:', '  "web/ui":'),
      expected: ["env.yaml:11:3: 'web/ui': a service name must be an RFC 1123 label"],
    },
    {
      name: 'container name longer than 63 characters',
      text: base.replace('    webui1:', `    ${'w'.repeat(64)}:`),
      expected: [`env.yaml:12:5: '${'w'.repeat(64)}': a container name must be an RFC 1123 label`],
    },
    {
      name: 'the same container under two services',
      text: base.replace('    webui1:', '    dns1:'),
      expected: ["env.yaml:12:5: container name 'dns1' is already used under services.dns"],
    },
    {
      name: 'an external node named like a container',
      text: `${base}external:\n  compute:\n    webui1: {}\n`,
      expected: ["env.yaml:16:5: container name 'webui1' is already used under services.webui"],
    },
    {
      name: 'malformed MAC',
      text: base.replace('de:ad:be:ef:ba:11', 'de:ad:be:ef:ba'),
      expected: [
        "env.yaml:10:19: services.dns.dns1.macAddress: expected a MAC address of six hex pairs separated by colons, such as de:ad:be:ef:ba:11, not 'de:ad:be:ef:ba'",
      ],
    },
    {
      name: 'MAC with a non-hex digit',
      text: base.replace('de:ad:be:ef:ba:11', 'de:ad:be:ef:ba:1g'),
      expected: ['env.yaml:10:19: services.dns.dns1.macAddress: expected a MAC address'],
    },
    {
      name: 'multicast MAC',
      text: base.replace('de:ad:be:ef:ba:11', '01:00:5e:00:00:01'),
      expected: [
        'env.yaml:10:19: MAC address 01:00:5e:00:00:01 is a multicast address (the first octet must be even',
      ],
    },
    {
      name: 'broadcast MAC',
      text: base.replace('de:ad:be:ef:ba:11', 'ff:ff:ff:ff:ff:ff'),
      expected: ['env.yaml:10:19: MAC address ff:ff:ff:ff:ff:ff is a multicast address'],
    },
    {
      name: 'duplicate MAC, in another case',
      text: `${base}      macAddress: DE:AD:BE:EF:BA:11\n`,
      expected: [
        'env.yaml:14:19: MAC address DE:AD:BE:EF:BA:11 is already given to services.dns.dns1',
      ],
    },
    {
      name: 'IP address without a prefix length',
      text: base.replace('10.0.0.1/16', '10.0.0.1'),
      expected: [
        'env.yaml:8:18: services.dns.dns1.ipaddress: expected an IPv4 address with its prefix length',
      ],
    },
    {
      name: 'IP address with an octet over 255, quoted',
      text: base.replace('10.0.0.1/16', '10.0.300.1/16'),
      expected: [
        "env.yaml:8:18: services.dns.dns1.ipaddress: expected an IPv4 address with its prefix length, such as 10.0.0.1/16, not '10.0.300.1/16'",
      ],
    },
    {
      name: 'prefix length over 32',
      text: base.replace('10.0.0.1/16', '10.0.0.1/33'),
      expected: [
        'env.yaml:8:18: services.dns.dns1.ipaddress: expected an IPv4 address with its prefix length',
      ],
    },
    {
      name: 'duplicate IP address',
      text: base.replace(
        '    webui1:\n      host: 192.168.99.2\n',
        '    webui1:\n      host: 192.168.99.2\n      ipaddress: 10.0.0.1/16\n',
      ),
      expected: ['env.yaml:14:18: IP address 10.0.0.1 is already given to services.dns.dns1'],
    },
    {
      name: 'network address of the subnet',
      text: base.replace('10.0.0.1/16', '10.0.0.0/16'),
      expected: ['env.yaml:8:18: 10.0.0.0/16 is the network address of its subnet'],
    },
    {
      name: 'gateway outside the subnet',
      text: base.replace('gateway: 10.0.0.100', 'gateway: 10.1.0.100'),
      expected: ["env.yaml:9:16: gateway 10.1.0.100 is outside the container's subnet 10.0.0.1/16"],
    },
    {
      name: 'gateway without an address',
      text: base.replace('      ipaddress: 10.0.0.1/16\n', ''),
      expected: ['env.yaml:8:7: gateway 10.0.0.100 is set but ipaddress is not'],
    },
    {
      name: 'malformed gateway, quoted',
      text: base.replace('gateway: 10.0.0.100', 'gateway: 10.0.300.2'),
      expected: [
        "env.yaml:9:16: services.dns.dns1.gateway: expected an IPv4 address such as 10.0.0.1, not '10.0.300.2'",
      ],
    },
    {
      name: 'malformed dnsServer',
      text: base.replace('dnsServer: 10.0.0.1', 'dnsServer: ns1'),
      expected: [
        "env.yaml:2:14: common.dnsServer: expected an IPv4 address such as 10.0.0.1, not 'ns1'",
      ],
    },
    {
      name: 'host that is no address, name or hosts key',
      text: base.replace(
        '    webui1:\n      host: 192.168.99.2',
        '    webui1:\n      host: "docker host!"',
      ),
      expected: [
        "env.yaml:13:13: host 'docker host!' is neither an IP address, nor a host name, nor a key of hosts",
      ],
    },
    {
      name: 'host key with a bad endpoint',
      text: `${base}hosts:\n  192.168.99.2:\n    docker: http://192.168.99.2\n`,
      expected: [
        'env.yaml:16:13: hosts.192.168.99.2.docker: expected unix:///path, tcp://HOST:PORT or ssh://USER@HOST',
      ],
    },
    {
      name: 'tls on a unix socket',
      text: `${base}hosts:\n  192.168.99.2:\n    docker: unix:///var/run/docker.sock\n    tls: { ca: a, cert: b, key: c }\n`,
      expected: ['env.yaml:17:5: tls applies to tcp:// endpoints only, not unix'],
    },
    {
      name: 'service missing from the default tier order',
      text: base.replace('  webui:', '  monitoring:'),
      expected: [
        "env.yaml:11:3: service 'monitoring' is missing from the tier order (add an order: list",
      ],
    },
    {
      name: 'service missing from a custom order',
      text: `${base}order: [dns]\n`,
      expected: [
        "env.yaml:11:3: service 'webui' is missing from the tier order (add 'webui' to order:",
      ],
    },
    {
      name: 'a service twice in the order',
      text: `${base}order: [dns, webui, dns]\n`,
      expected: ["env.yaml:14:21: service 'dns' appears twice in order"],
    },
    {
      name: 'unknown state',
      text: base.replace(
        '    webui1:\n      host: 192.168.99.2',
        '    webui1:\n      host: 192.168.99.2\n      state: paused',
      ),
      expected: [
        "env.yaml:14:14: services.webui.webui1.state: expected running or stopped, not 'paused'",
      ],
    },
    {
      name: 'tag and digest together',
      text: base.replace(
        '    webui1:\n      host: 192.168.99.2',
        `    webui1:\n      host: 192.168.99.2\n      tag: latest\n      digest: sha256:${'a'.repeat(64)}`,
      ),
      expected: ['env.yaml:15:7: tag and digest are both set (pin the image by one of them)'],
    },
    {
      name: 'password that YAML reads as a number',
      text: base.replace('domain: endor.lab', 'domain: endor.lab\n  galera_password: 0123'),
      expected: [
        'env.yaml:4:20: common.galera_password: expected a string (quote the value so YAML reads it as text)',
      ],
    },
    {
      name: 'vip_mask out of range',
      text: base.replace('domain: endor.lab', 'domain: endor.lab\n  vip_mask: 40'),
      expected: ['env.yaml:4:13: common.vip_mask: expected a number at most 32, not 40'],
    },
    {
      name: 'several problems, all reported, in file order',
      text: base
        .replace('dnsServer: 10.0.0.1', 'dnsServr: 10.0.0.1')
        .replace('    webui1:', '    Web1:'),
      expected: [
        "env.yaml:1:1: missing field 'dnsServer' in common",
        "env.yaml:2:3: unknown key 'dnsServr' in common (did you mean 'dnsServer'?)",
        "env.yaml:12:5: 'Web1': a container name must be an RFC 1123 label",
      ],
    },
    {
      name: 'a quote left open, where it opens',
      text: base.replace('domain: endor.lab', 'domain: "endor.lab'),
      expected: [
        'env.yaml:3:11: YAML: Missing closing "quote (the quote opened here is still open at line 14',
      ],
    },
    {
      name: 'a single quote left open, where it opens',
      text: base.replace('  domain: endor.lab', "  domain: 'endor.lab"),
      expected: ["env.yaml:3:11: YAML: Missing closing 'quote (the quote opened here"],
    },
    {
      name: 'a flow mapping left open, where it opens',
      text: base.replace(
        '    webui1:\n      host: 192.168.99.2',
        '    webui1: {host: 192.168.99.2',
      ),
      expected: [
        'env.yaml:12:13: YAML: Flow map in block collection must be sufficiently indented',
      ],
    },
    {
      name: 'a name YAML reads as a number, in a list',
      text: `${base}order: [dns, webui, 123]\n`,
      expected: [
        'env.yaml:14:21: order.2: expected a string, not 123 (quote the value so YAML reads it as text: "123")',
      ],
    },
    {
      name: 'a parameter with no value; a secret one without its value',
      text: base.replace(
        'domain: endor.lab',
        'domain: endor.lab\n  parameters:\n    mtu:\n    admin_pw: [hunter2]',
      ),
      expected: [
        'env.yaml:5:9: common.parameters.mtu: expected a string, number or boolean, not an empty value',
        'env.yaml:6:15: common.parameters.admin_pw: expected a string, number or boolean',
      ],
    },
    {
      name: 'an endpoint URL, quoted with its password masked',
      text: `${base}hosts:\n  h1:\n    docker: tcp://deploy:hunter2@10.0.0.9/x\n`,
      expected: [
        "env.yaml:16:13: hosts.h1.docker: expected unix:///path, tcp://HOST:PORT or ssh://USER@HOST, not 'tcp://deploy:***@10.0.0.9/x'",
      ],
    },
    {
      name: 'a service named __proto__',
      text: `${base}  __proto__:\n    bad:\n      host: "; rm -rf /"\n      macAddress: junk\n      ipaddress: 999.1.1.1/99\n`,
      expected: [
        "env.yaml:14:3: key '__proto__' is not allowed (rename it: __proto__, constructor and prototype",
      ],
    },
    {
      name: 'a container named __proto__',
      text: base.replace('    webui1:', '    __proto__:\n      host: 192.168.99.2\n    webui1:'),
      expected: ["env.yaml:12:5: key '__proto__' is not allowed"],
    },
    {
      name: 'hosts and parameters keyed __proto__, constructor and prototype, all at once',
      text: `${base.replace(
        'domain: endor.lab',
        'domain: endor.lab\n  parameters:\n    __proto__: 1\n    "constructor": 2',
      )}hosts:\n  __proto__:\n    docker: unix:///run/docker.sock\n  h2:\n    docker: tcp://h2:2376\n    tls: { prototype: x }\n`,
      expected: [
        "env.yaml:5:5: key '__proto__' is not allowed",
        "env.yaml:6:5: key 'constructor' is not allowed",
        "env.yaml:18:3: key '__proto__' is not allowed",
        "env.yaml:22:12: key 'prototype' is not allowed",
      ],
    },
    {
      name: 'names that YAML 1.2 would read as numbers, checked as written',
      text: base.replace('    webui1:', '    1.5: { host: h }\n    "~": { host: h }\n    webui1:'),
      expected: [
        "env.yaml:12:5: '1.5': a container name must be an RFC 1123 label",
        "env.yaml:13:5: '~': a container name must be an RFC 1123 label",
      ],
    },
    {
      name: 'two keys that are the same number written two ways, no longer merged',
      text: base.replace('    webui1:', '    "1": { host: h }\n    1: { host: h }\n    webui1:'),
      expected: ["env.yaml:13:5: YAML: Map keys must be unique: '1' is already on line 12"],
    },
    {
      name: 'an alias as a key',
      text: base.replace('domain: endor.lab', 'domain: &d endor.lab\n  *d : x'),
      expected: ['env.yaml:4:3: YAML: a key must be text (write the key out as plain text'],
    },
    {
      name: 'public_parameters naming what parameters lacks, twice, or a secret field',
      text: base.replace(
        'domain: endor.lab',
        'domain: endor.lab\n  parameters: { admin_pw: x, api_key: y }\n  public_parameters: [admin_pw, api_kye, admin_pw, galera_password]',
      ),
      expected: [
        "env.yaml:5:33: public_parameters lists 'api_kye', which is not a key of parameters (did you mean 'api_key'?)",
        "env.yaml:5:42: parameter 'admin_pw' appears twice in public_parameters",
        "env.yaml:5:52: 'galera_password' is always secret and cannot be made public",
      ],
    },
    {
      name: 'lines ended by CR alone, in one problem',
      text: base.replaceAll('\n', '\r'),
      expected: [
        'env.yaml:1:8: 13 lines end with a carriage return (CR) alone, the first here (dockstack reads LF or CR LF',
      ],
    },
    {
      name: 'one line ended by CR alone, where it is',
      text: base.replace('endor.lab\n', 'endor.lab\r'),
      expected: ['env.yaml:3:20: a line ends with a carriage return (CR) alone, the first here'],
    },
    { name: 'empty file', text: '', expected: ['env.yaml:1:1: file is empty'] },
    {
      name: 'only comments',
      text: '# nothing here\n\n# still nothing\n',
      expected: ['env.yaml:1:1: file is empty'],
    },
    {
      name: 'a scalar instead of a mapping',
      text: 'hello\n',
      expected: ['env.yaml:1:1: the file: expected a mapping of keys to values'],
    },
    {
      name: 'control character',
      text: base.replace('endor.lab', 'endor\u0007.lab'),
      expected: ['env.yaml:3:16: control character U+0007 in the file'],
    },
    {
      name: 'block nesting 100 deep',
      text: `common:\n${Array.from({ length: 100 }, (_, i) => `${' '.repeat(i + 2)}k${i}:`).join('\n')}\n`,
      expected: ['env.yaml:33:34: nesting deeper than 32 levels'],
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

  it('has at least thirty invalid cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });
});

describe('loadEnvironment on hostile input', () => {
  it('refuses 10,000 levels of flow nesting at the 33rd level, without crashing', () => {
    expect(problems('['.repeat(10_000) + ']'.repeat(10_000))).toEqual([
      'env.yaml:1:33: nesting deeper than 32 levels (the environment format needs five levels at most)',
    ]);
    expect(problems(`common: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`)).toEqual([
      expect.stringMatching(/^env\.yaml:1:133: nesting deeper than 32 levels/) as unknown as string,
    ]);
  });

  it('refuses 1,500 levels of block nesting at the 33rd level, without crashing', () => {
    const text = Array.from({ length: 1_500 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
    expect(problems(text)).toEqual([
      'env.yaml:33:33: nesting deeper than 32 levels (the environment format needs five levels at most)',
    ]);
  });

  it('refuses 100,000 levels of compact sequences at the 33rd level, without crashing', () => {
    expect(problems(`common:\n${'- '.repeat(100_000)}x\n`)).toEqual([
      expect.stringMatching(/^env\.yaml:2:63: nesting deeper than 32 levels/) as unknown as string,
    ]);
  });

  it('reads a file that starts with a long banner comment at once', () => {
    const started = performance.now();
    expect(problems(`${'#'.repeat(60)}\n# the lab\n${'#'.repeat(60)}\n${base}`)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses an alias bomb', () => {
    let text = 'a: &a [x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 10; i++) {
      const previous = i === 1 ? 'a' : `b${i - 1}`;
      text += `b${i}: &b${i} [${Array(9).fill(`*${previous}`).join(', ')}]\n`;
    }
    expect(problems(text)).toEqual([
      expect.stringMatching(/^env\.yaml:1:1: YAML aliases expand too far/) as unknown as string,
    ]);
  });

  it('refuses a file over the size cap before parsing it, without a size it cannot know', () => {
    const text = `common: {}\n# ${'x'.repeat(6_291_482 - 15)}\n`;
    const expected = [
      'env.yaml:1:1: file is larger than the 5 MB limit (the limit is 5242880 bytes; an environment file is a few kilobytes: is this the right file?)',
    ];
    expect(problems(text)).toEqual(expected);
    // What a reader that stops after MAX_BYTES + 1 bytes passes on.
    expect(problems(Buffer.from(text).subarray(0, MAX_BYTES + 1))).toEqual(expected);
  });

  it('refuses binary garbage', () => {
    const bytes = new Uint8Array(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
    expect(problems(bytes)).toEqual([
      'env.yaml:1:1: file is not UTF-8 text (save it as UTF-8; is this the right file?)',
    ]);
  });

  it('reports at most MAX_PROBLEMS problems and counts the rest', () => {
    const many = Array.from({ length: 300 }, (_, i) => `  c${i}: {}`).join('\n');
    const found = problems(
      `common: {dnsServer: 10.0.0.1, domain: a.lab}\nservices:\n  dns:\n${many}\n`,
    );
    expect(found).toHaveLength(MAX_PROBLEMS);
    expect(found.at(-1)).toContain('and 201 more problems');
  });
});
