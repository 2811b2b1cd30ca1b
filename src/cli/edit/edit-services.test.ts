import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import type { ContainerEdit } from './container-edit.js';
import { editServices, type EditResult } from './edit-services.js';

const SEED = readFileSync(
  new URL('../../../test/fixtures/seed-environment.yaml', import.meta.url),
  'utf8',
);

/** Hand-formatted: four-space indent, comments, quotes, blank lines, unsorted settings, flow. */
const HAND = `# The lab.
common:
    dnsServer: 10.0.0.1      # the dns service
    domain: endor.lab
order: [dns, haproxy, webui]

services:
    # name resolution first
    dns:
        dns1:
            host: 192.168.99.2   # the lab host
            ipaddress: "10.0.0.1/16"
            macAddress: 'de:ad:be:ef:ba:11'
            # the lab router
            gateway: 10.0.0.100

    webui:   # the UI
        webui1: { host: 192.168.99.2 }
# end
`;

function text(result: EditResult): string {
  if (!result.ok) throw new Error(`refused: ${result.message} ${JSON.stringify(result.problems)}`);
  return result.text;
}

const create = (name: string, service: string, host = '192.168.99.2'): ContainerEdit => ({
  action: 'create',
  name,
  service,
  container: { host },
});

describe('editServices', () => {
  describe('create', () => {
    it("adds the seed's webui2 under webui on 192.168.99.2, nothing else", () => {
      const result = editServices(SEED, create('webui2', 'webui'));
      expect(text(result)).toBe(`${SEED}    webui2:\n      host: 192.168.99.2\n`);
      expect(result).toMatchObject({
        changed: true,
        service: 'webui',
        container: { host: '192.168.99.2' },
      });
    });

    it('writes every setting in a fixed order, quoting what YAML would read otherwise', () => {
      const edit: ContainerEdit = {
        action: 'create',
        name: 'dns3',
        service: 'dns',
        container: {
          host: '192.168.99.2',
          ipaddress: '10.0.0.3/16',
          gateway: '10.0.0.100',
          macAddress: 'de:ad:be:ef:ba:13',
          tag: '2.1',
        },
      };
      expect(text(editServices(SEED, edit))).toBe(
        SEED.replace(
          '      macAddress: de:ad:be:ef:ba:12\n',
          `      macAddress: de:ad:be:ef:ba:12
    dns3:
      host: 192.168.99.2
      ipaddress: 10.0.0.3/16
      gateway: 10.0.0.100
      macAddress: de:ad:be:ef:ba:13
      tag: "2.1"
`,
        ),
      );
    });

    it('puts a container where it sorts when the containers are sorted', () => {
      expect(text(editServices(SEED, create('cas0', 'cassandra')))).toBe(
        SEED.replace('  cassandra:\n', '  cassandra:\n    cas0:\n      host: 192.168.99.2\n'),
      );
    });

    it("keeps a hand-formatted file's indentation, comments, quotes and blank lines", () => {
      const edit: ContainerEdit = {
        action: 'create',
        name: 'dns2',
        service: 'dns',
        container: { host: '192.168.99.2', ipaddress: '10.0.0.2/16' },
      };
      expect(text(editServices(HAND, edit))).toBe(
        HAND.replace(
          '            gateway: 10.0.0.100\n',
          `            gateway: 10.0.0.100
        dns2:
            host: 192.168.99.2
            ipaddress: 10.0.0.2/16
`,
        ),
      );
      expect(text(editServices(HAND, create('webui2', 'webui')))).toBe(
        HAND.replace(
          '        webui1: { host: 192.168.99.2 }\n',
          `        webui1: { host: 192.168.99.2 }
        webui2:
            host: 192.168.99.2
`,
        ),
      );
    });

    it('adds a missing service where it sorts, indented like the others', () => {
      expect(text(editServices(HAND, create('ha1', 'haproxy')))).toBe(
        HAND.replace(
          '            gateway: 10.0.0.100\n',
          `            gateway: 10.0.0.100
    haproxy:
        ha1:
            host: 192.168.99.2
`,
        ),
      );
    });

    it('fills an empty service or services section, keeping the comment on its line', () => {
      const empty = HAND.replace(/ {4}webui: {3}# the UI\n.*\n/, '    webui: {}   # the UI\n');
      expect(text(editServices(empty, create('webui2', 'webui')))).toBe(
        HAND.replace(
          '        webui1: { host: 192.168.99.2 }\n',
          '        webui2:\n            host: 192.168.99.2\n',
        ),
      );
      const none = 'common:\n  dnsServer: 10.0.0.1\n  domain: lab\nservices: {}\n';
      expect(text(editServices(none, create('dns1', 'dns')))).toBe(
        'common:\n  dnsServer: 10.0.0.1\n  domain: lab\nservices:\n  dns:\n    dns1:\n      host: 192.168.99.2\n',
      );
    });

    it('keeps CRLF line breaks and a missing final line break', () => {
      const crlf = SEED.replaceAll('\n', '\r\n');
      expect(text(editServices(crlf, create('webui2', 'webui')))).toBe(
        `${crlf}    webui2:\r\n      host: 192.168.99.2\r\n`,
      );
      const unterminated = SEED.trimEnd();
      expect(text(editServices(unterminated, create('webui2', 'webui')))).toBe(
        `${unterminated}\n    webui2:\n      host: 192.168.99.2`,
      );
    });

    it('refuses a name in use, a bad name and a result that is not valid', () => {
      expect(editServices(SEED, create('dns1', 'webui'))).toEqual({
        ok: false,
        message: 'container dns1 exists already, in services.dns',
        problems: [],
      });
      for (const name of ['-x', '..', 'Webui2', 'web_ui', 'a'.repeat(64), '']) {
        const result = editServices(SEED, create(name, 'webui'));
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.message).toMatch(/^container name .* refused: it must be/);
      }
      expect(editServices(SEED, create('x1', '../etc'))).toMatchObject({
        ok: false,
        message: expect.stringMatching(/^service name "..\/etc" refused/) as string,
      });
      expect(editServices(SEED, create('x1', 'webui', '1.2.3.4\nservices: {}'))).toMatchObject({
        ok: false,
        message: expect.stringMatching(/^host .* refused: one line of text/) as string,
      });
      const clash: ContainerEdit = {
        action: 'create',
        name: 'webui2',
        service: 'webui',
        container: { host: '192.168.99.2', ipaddress: '10.0.0.2/16' },
      };
      expect(editServices(SEED, clash, { file: 'env/environment.yaml' })).toEqual({
        ok: false,
        message: 'the edited env/environment.yaml would be invalid',
        problems: [
          {
            file: 'env/environment.yaml',
            line: 71,
            col: 18,
            message: 'IP address 10.0.0.2 is already given to services.dns.dns2',
          },
        ],
      });
    });

    it('refuses to edit a file that is invalid already', () => {
      const result = editServices(SEED.replace('domain:', 'domian:'), create('webui2', 'webui'));
      expect(result).toMatchObject({
        ok: false,
        message: 'environment.yaml is invalid already: fix it first',
      });
      expect(result.ok ? [] : result.problems).toHaveLength(2);
    });
  });

  describe('remove', () => {
    it("removes the container's lines and nothing else", () => {
      expect(text(editServices(SEED, { action: 'remove', name: 'dns1' }))).toBe(
        SEED.replace(
          '    dns1:\n      gateway: 10.0.0.100\n      host: 192.168.99.2\n      ipaddress: 10.0.0.1/16\n      macAddress: de:ad:be:ef:ba:11\n',
          '',
        ),
      );
      const result = editServices(HAND, { action: 'remove', name: 'dns1' });
      expect(text(result)).toBe(
        HAND.replace(/ {4}dns:\n[^]*?gateway: 10\.0\.0\.100\n/, '    dns: {}\n'),
      );
      expect(result).toMatchObject({ service: 'dns', container: { host: '192.168.99.2' } });
    });

    it("leaves the last container's service as {}, keeping its comment", () => {
      expect(text(editServices(HAND, { action: 'remove', name: 'webui1' }))).toBe(
        HAND.replace(
          '    webui:   # the UI\n        webui1: { host: 192.168.99.2 }\n',
          '    webui: {}   # the UI\n',
        ),
      );
      expect(text(editServices(SEED, { action: 'remove', name: 'webui1' }))).toBe(
        `${SEED.slice(0, SEED.lastIndexOf('  webui:'))}  webui: {}\n`,
      );
    });

    it('removes the last line of a file without a final line break', () => {
      const unterminated = `${SEED}    webui2:\n      host: 192.168.99.2`;
      expect(text(editServices(unterminated, { action: 'remove', name: 'webui2' }))).toBe(
        SEED.trimEnd(),
      );
    });

    it('refuses an unknown container, suggesting a close name', () => {
      expect(editServices(SEED, { action: 'remove', name: 'webui9' })).toEqual({
        ok: false,
        message: 'there is no container webui9 in environment.yaml (did you mean webui1?)',
        problems: [],
      });
    });
  });

  describe('stop and start', () => {
    it('stop adds state: stopped where it sorts; start removes it again, byte for byte', () => {
      const stopped = text(editServices(SEED, { action: 'stop', name: 'dns1' }));
      expect(stopped).toBe(
        SEED.replace(
          '      macAddress: de:ad:be:ef:ba:11\n',
          '      macAddress: de:ad:be:ef:ba:11\n      state: stopped\n',
        ),
      );
      expect(text(editServices(stopped, { action: 'start', name: 'dns1' }))).toBe(SEED);
    });

    it('appends the key to unsorted settings and replaces a state already written', () => {
      const stopped = text(
        editServices(
          HAND.replace('webui1: { host: 192.168.99.2 }', 'webui1:\n            host: 192.168.99.2'),
          { action: 'stop', name: 'webui1' },
        ),
      );
      expect(stopped).toContain(
        '        webui1:\n            host: 192.168.99.2\n            state: stopped\n# end\n',
      );
      const running = SEED.replace(
        '      macAddress: de:ad:be:ef:ba:12\n',
        '      macAddress: de:ad:be:ef:ba:12\n      state: "running"  # for now\n',
      );
      expect(text(editServices(running, { action: 'stop', name: 'dns2' }))).toBe(
        running.replace('"running"', 'stopped'),
      );
    });

    it('changes nothing when the container is in that state already', () => {
      for (const action of ['start'] as const) {
        expect(editServices(SEED, { action, name: 'dns1' })).toMatchObject({
          ok: true,
          changed: false,
          text: SEED,
        });
      }
      const stopped = text(editServices(SEED, { action: 'stop', name: 'dns1' }));
      expect(editServices(stopped, { action: 'stop', name: 'dns1' })).toMatchObject({
        changed: false,
        text: stopped,
      });
    });

    it('refuses a container written in flow style', () => {
      expect(editServices(HAND, { action: 'stop', name: 'webui1' })).toEqual({
        ok: false,
        message:
          'cannot edit environment.yaml: services.webui.webui1 is written in flow style ({...}); write it as a block mapping',
        problems: [],
      });
    });
  });
});
