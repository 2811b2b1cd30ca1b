import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { containerSpecs } from '../environment/container-spec.js';
import { loadEnvironment } from '../environment/load-environment.js';
import { formatProblem } from '../environment/problem.js';
import { Environment } from '../environment/schema.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import { SEED_TEXT, seedEnvironment } from '../../test/fixtures/render/seed-environment.js';
import {
  registeredServices,
  runningServices,
  writeRegisteredServices,
} from './registered-services.js';

describe('registeredServices', () => {
  it('lists the running containers of each service, sorted, services by name', () => {
    const env = seedEnvironment((raw) => {
      raw.services.galera = {
        gal2: { host: 'h' },
        gal1: { host: 'h', state: 'stopped' },
        gal10: { host: 'h' },
      };
    });
    expect(registeredServices(containerSpecs(env))).toEqual({
      cassandra: ['cas1'],
      collector: ['col1'],
      config: ['conf1'],
      control: ['ctrl1'],
      dns: ['dns1', 'dns2'],
      galera: ['gal10', 'gal2'],
      haproxy: ['ha1', 'ha2'],
      openstack: ['os1'],
      puppet: ['puppet1', 'puppet2'],
      webui: ['webui1'],
    });
  });

  it('keeps a service with nothing running, and adds the services asked for', () => {
    const specs = [{ name: 'gal1', service: 'galera', state: 'stopped' as const }];
    expect(registeredServices(specs, ['webui', 'dns'])).toEqual({ dns: [], galera: [], webui: [] });
    expect(Object.keys(registeredServices(specs, ['webui', 'dns']))).toEqual([
      'dns',
      'galera',
      'webui',
    ]);
  });
});

const observedEnv = Environment.parse({
  common: { dnsServer: '10.0.0.1', domain: 'lab' },
  registered_services: { dns: ['dns1'], webui: ['webui1', 'webui2'] },
  services: {
    dns: { dns1: { host: 'h1' } },
    webui: { webui1: { host: 'h1' }, webui2: { host: 'h2' }, webui3: { host: 'h1' } },
    galera: {},
  },
});

function managed(name: string, service: string, running = true): ObservedContainer {
  return {
    host: 'h1',
    name,
    id: name,
    running,
    labels: {
      'org.dockstack.managed': 'true',
      'org.dockstack.service': service,
      'org.dockstack.container': name,
    },
  };
}

describe('runningServices', () => {
  it('lists the running managed containers per service, every service included', () => {
    const observed = [
      managed('dns1', 'dns'),
      managed('webui1', 'webui', false),
      managed('webui3', 'webui'),
      { ...managed('x', 'webui'), labels: {} },
    ];
    expect(runningServices(observedEnv, observed, new Set())).toEqual({
      dns: ['dns1'],
      galera: [],
      webui: ['webui3'],
    });
  });

  it('keeps what the file said of containers on a host that could not be observed', () => {
    expect(runningServices(observedEnv, [managed('dns1', 'dns')], new Set(['h2']))).toEqual({
      dns: ['dns1'],
      galera: [],
      webui: ['webui2'],
    });
  });
});

/** A hand-written file: comments everywhere, 4-space sections, quoting, flow maps, blank lines. */
const HAND_WRITTEN = [
  '---',
  '# The lab environment.',
  '',
  'common:   # shared by every container',
  '    dnsServer: 10.0.0.1',
  '    domain: "endor.lab"        # quoted',
  "    vip_name: 'vip'",
  '    parameters: {mtu: 1450, debug: false}',
  '',
  '# What runs now: written back by dockstack.',
  'registered_services:   # do not edit by hand',
  '  # inside: replaced',
  '  dns:',
  '  - dns1',
  '  galera: []   # inside too',
  '    # last comment inside',
  '# right after the section: kept',
  '',
  'services:',
  '    dns:',
  '        dns1: {host: 192.168.99.2, ipaddress: 10.0.0.1/16}   # flow map',
  '    galera:',
  '',
  '        gal1:',
  '            host: "192.168.99.2"',
  "            state: 'running'",
  '    webui:',
  '        webui1:',
  '            host: 192.168.99.2',
  '# the end, with no newline after it',
];

/** HAND_WRITTEN with lines [from, to) replaced by `lines`. */
function replaced(from: number, to: number, lines: string[]): string[] {
  return [...HAND_WRITTEN.slice(0, from), ...lines, ...HAND_WRITTEN.slice(to)];
}

const REGISTERED = { webui: [], galera: ['gal1'], dns: ['dns2', 'dns1'], haproxy: [] };
const SECTION = [
  'registered_services:   # do not edit by hand',
  '  dns:',
  '  - dns1',
  '  - dns2',
  '  galera:',
  '  - gal1',
  '  haproxy: []',
  '  webui: []',
];
const EXPECTED_VALUE = { dns: ['dns1', 'dns2'], galera: ['gal1'], haproxy: [], webui: [] };

describe('writeRegisteredServices', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('replaces only the section in a hand-written file (%s)', (_, newline) => {
    const input = HAND_WRITTEN.join(newline);
    const output = writeRegisteredServices(input, REGISTERED);
    expect(output).toBe(replaced(10, 16, SECTION).join(newline));

    const before = parse(input) as Record<string, unknown>;
    expect(parse(output)).toEqual({ ...before, registered_services: EXPECTED_VALUE });
    expect(Object.keys(parse(output) as object)).toEqual(Object.keys(before));
  });

  it('gives back the same file when written the same services again', () => {
    const once = writeRegisteredServices(HAND_WRITTEN.join('\n'), REGISTERED);
    expect(writeRegisteredServices(once, REGISTERED)).toBe(once);
    expect(writeRegisteredServices(once, EXPECTED_VALUE)).toBe(once);
  });

  it('leaves the file alone, comments and all, when the section already holds these names', () => {
    const input = HAND_WRITTEN.join('\n');
    expect(writeRegisteredServices(input, { galera: [], dns: ['dns1'] })).toBe(input);
    const flow = 'common: {domain: a}\nregistered_services: {dns: [dns1], galera: ~}\n';
    expect(writeRegisteredServices(flow, { galera: [], dns: ['dns1'] })).toBe(flow);
  });

  it("writes the seed's format into the seed's file", () => {
    const output = writeRegisteredServices(SEED_TEXT, {
      ...(parse(SEED_TEXT) as { registered_services: Record<string, string[]> })
        .registered_services,
      dns: ['dns1'],
    });
    expect(output).toBe(SEED_TEXT.replace('  dns: []\n', '  dns:\n  - dns1\n'));
  });

  it.each([
    ['an empty flow sequence', '[]'],
    ['an empty flow map', '{}'],
    ['null', 'null'],
    ['a tilde', '~'],
    ['nothing', ''],
    ['a flow map over two lines', '{dns: [dns9],\n  galera: []}'],
  ])('replaces a section holding %s, indenting like the rest of the file', (_, value) => {
    const input = `common:\n    domain: endor.lab\nregistered_services:${value === '' ? '' : ' '}${value}\nservices:\n    dns: {}\n`;
    expect(writeRegisteredServices(input, { dns: ['dns1'], galera: [] })).toBe(
      'common:\n    domain: endor.lab\nregistered_services:\n    dns:\n    - dns1\n    galera: []\nservices:\n    dns: {}\n',
    );
  });

  it('writes an empty section as {} and keeps the comment on its line', () => {
    const input = HAND_WRITTEN.join('\n');
    expect(writeRegisteredServices(input, {})).toBe(
      replaced(10, 16, ['registered_services: {}   # do not edit by hand']).join('\n'),
    );
    expect(
      writeRegisteredServices('a: 1\nregistered_services: [] # note\n', { dns: ['dns1'] }),
    ).toBe('a: 1\nregistered_services: # note\n  dns:\n  - dns1\n');
  });

  it('adds a missing section after the common block, before the comments that follow it', () => {
    const input = [
      '# head',
      'common:',
      '    domain: endor.lab',
      '    # still common',
      '',
      '# about services',
      'services: {}',
    ].join('\r\n');
    expect(writeRegisteredServices(input, { dns: ['dns1'] })).toBe(
      [
        '# head',
        'common:',
        '    domain: endor.lab',
        '    # still common',
        'registered_services:',
        '    dns:',
        '    - dns1',
        '',
        '# about services',
        'services: {}',
      ].join('\r\n'),
    );
  });

  it('adds a missing section after the last one when there is no common block', () => {
    expect(writeRegisteredServices('services: {}\n# end\n', { dns: [] })).toBe(
      'services: {}\nregistered_services:\n  dns: []\n# end\n',
    );
    expect(writeRegisteredServices('services:\n  dns: {}', { dns: [] })).toBe(
      'services:\n  dns: {}\nregistered_services:\n  dns: []',
    );
  });

  it('handles a section at the end of the file, before a document end marker, after a BOM', () => {
    expect(writeRegisteredServices('a: 1\nregistered_services: {}', { dns: [] })).toBe(
      'a: 1\nregistered_services:\n  dns: []',
    );
    expect(writeRegisteredServices('a: 1\nregistered_services: {}\n...\n', { dns: [] })).toBe(
      'a: 1\nregistered_services:\n  dns: []\n...\n',
    );
    expect(writeRegisteredServices('\uFEFFa:\n    b: 1\nregistered_services:\n', { dns: [] })).toBe(
      '\uFEFFa:\n    b: 1\nregistered_services:\n    dns: []\n',
    );
  });

  it('tells the sections apart by YAML rules, not by look', () => {
    const input = [
      'common: {domain: endor.lab,',
      '}',
      'notes: |',
      '  registered_services: this is text',
      '"registered_services":',
      '- not a map',
      '# a column-0 comment between its lines',
      '- still the section',
      '# after the section',
      "'services': {}",
    ].join('\n');
    expect(writeRegisteredServices(input, { dns: ['dns1'] })).toBe(
      [
        'common: {domain: endor.lab,',
        '}',
        'notes: |',
        '  registered_services: this is text',
        '"registered_services":',
        '  dns:',
        '  - dns1',
        '# after the section',
        "'services': {}",
      ].join('\n'),
    );
  });

  it('quotes the names YAML would read as numbers, booleans or null, so the file stays valid', () => {
    const input = [
      'common: { dnsServer: 10.0.0.1, domain: endor.lab }',
      'services:',
      '  "123":',
      '    123: { host: h }',
      '    0x1f: { host: h }',
      '    1e3: { host: h }',
      '    0o17: { host: h }',
      '    "null": { host: h }',
      '    "true": { host: h }',
      'order: ["123"]',
      '',
    ].join('\n');
    const names = ['123', '0x1f', '1e3', '0o17', 'null', 'true'];
    const output = writeRegisteredServices(input, { '123': names });
    expect(output).toContain(
      'registered_services:\n  "123":\n  - "0o17"\n  - "0x1f"\n  - "123"\n  - "1e3"\n  - "null"\n  - "true"\n',
    );
    const loaded = loadEnvironment(output);
    expect(loaded.ok ? [] : loaded.problems.map(formatProblem)).toEqual([]);
    expect(loaded.ok && loaded.env.registered_services).toEqual({ '123': [...names].sort() });
    expect(writeRegisteredServices(output, { '123': names })).toBe(output);
  });

  it('refuses names that are not RFC 1123 labels, names listed twice and files it cannot edit', () => {
    const input = 'registered_services: {}\n';
    expect(() => writeRegisteredServices(input, { dns: ['dns 1'] })).toThrow(
      /not an RFC 1123 label/,
    );
    expect(() => writeRegisteredServices(input, { 'dns:': [] })).toThrow(/not an RFC 1123 label/);
    expect(() => writeRegisteredServices(input, { dns: ['a', 'a'] })).toThrow(/listed twice/);
    expect(() => writeRegisteredServices('a: [1\n', {})).toThrow(/^section a: /);
    expect(() => writeRegisteredServices('registered_services: [\n', {})).toThrow(
      /^section registered_services: /,
    );
    const layout = /not a key of a top-level block mapping at column 0/;
    expect(() => writeRegisteredServices('{a: 1}\n', {})).toThrow(layout);
    expect(() => writeRegisteredServices('- a\n', {})).toThrow(layout);
    expect(() => writeRegisteredServices('  a: 1\n  registered_services: {}\n', {})).toThrow(
      layout,
    );
    expect(() => writeRegisteredServices('a: 1\n? b\n: 2\n', {})).toThrow(/^line 2: /);
  });
});
