/**
 * One rule for every value of the environment file: a file that validates renders every output
 * the pass writes or serves (site.pp, registered_services, the dnsmasq files, the Hiera secrets,
 * the images' settings), and every value in them is inert in its target syntax: read back by that
 * syntax's rules, each output holds exactly the values it was given and nothing else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import {
  environmentFile,
  type GeneratedFile,
} from '../../test/fixtures/environment/environment-file-arbitrary.js';
import { parseSitePp } from '../../test/fixtures/render/parse-site-pp.js';
import { puppetCode, SECRETS_FILE } from '../configure/puppet-code.js';
import { loadEnvironment } from '../environment/load-environment.js';
import { DNS_NAME, IPV4, MAC_ADDRESS, RFC1123_LABEL } from '../environment/patterns.js';
import { isSecretKey, PUBLIC_COMMON_KEYS, type Environment } from '../environment/schema.js';
import { SECRETS_KEY, secretValues } from '../environment/secret-values.js';
import { addressEnvironment } from '../network/address-environment.js';
import { registeredServices, writeRegisteredServices } from '../render/registered-services.js';
import { loadRenderer, RENDERED_PATHS } from '../render/renderer.js';
import { sitePpView, type PuppetEntry } from '../render/site-pp-view.js';

const renderer = loadRenderer();
const encoder = new TextEncoder();

/** Cases, and the seed that makes them the same at every run. */
const RUNS = 3000;
const SEED = 25;

/** The entries as a record; Puppet has no negative zero, so -0 is the 0 it reads. */
function record(entries: readonly PuppetEntry[]): Record<string, PuppetEntry['value']> {
  return Object.fromEntries(entries.map((e) => [e.key, e.value === 0 ? 0 : e.value]));
}

/** site.pp read back holds exactly the view it was rendered from, secrets left out. */
function checkSitePp(env: Environment, text: string): void {
  const view = sitePpView(env, renderer.classes);
  const parsed = parseSitePp(text);
  expect(parsed.common).toEqual(record(view.common));
  expect(parsed.parameters).toEqual(record(view.parameters));
  expect(parsed.members).toEqual(view.members.map((m) => [m.service, m.fqdns]));
  expect(parsed.nodes).toEqual(view.nodes.map((n) => ({ fqdn: n.fqdn, classes: n.classes })));
  const publicParameters = new Set(env.common.public_parameters ?? []);
  for (const key of Object.keys(parsed.common)) {
    expect(isSecretKey(key, PUBLIC_COMMON_KEYS)).toBe(false);
  }
  for (const key of Object.keys(parsed.parameters)) {
    expect(isSecretKey(key, publicParameters)).toBe(false);
  }
}

/** Each line of a dnsmasq file has its fields and no more, each as `format` says; its lines. */
function checkDnsmasq(text: string, separator: string, format: RegExp[]): string[] {
  const [header, ...lines] = text.split('\n');
  expect(header?.startsWith('# ')).toBe(true);
  expect(lines.pop()).toBe('');
  for (const line of lines) {
    const fields = line.split(separator);
    expect(fields).toHaveLength(format.length);
    fields.forEach((field, i) => {
      expect(field).toMatch(format[i] ?? /^$/);
    });
  }
  return lines;
}

/** Every output of one file that validated, each read back by the rules of its syntax. */
function checkOutputs(file: GeneratedFile, env: Environment): void {
  const addressed = addressEnvironment(env, { now: 0 });
  const files = renderer.files('environment.yaml', env, addressed.specs, addressed.leases);
  for (const line of (files[RENDERED_PATHS.leases] ?? '').split('\n')) {
    if (line !== '' && !line.startsWith('# ')) expect(line.split(',')).toHaveLength(4);
  }
  const sitePp = files[RENDERED_PATHS.sitePp] ?? '';
  checkSitePp(env, sitePp);

  const withAddress = addressed.specs.filter((s) => s.ipaddress !== undefined);
  const vipNamed =
    env.common.vip !== undefined &&
    env.common.vip_name !== undefined &&
    RFC1123_LABEL.test(env.common.vip_name) &&
    !withAddress.some((s) => s.name === env.common.vip_name);
  const hosts = checkDnsmasq(files[RENDERED_PATHS.addnHosts] ?? '', ' ', [
    IPV4,
    DNS_NAME,
    RFC1123_LABEL,
  ]);
  expect(hosts).toHaveLength(withAddress.length + (vipNamed ? 1 : 0));
  const dhcp = checkDnsmasq(files[RENDERED_PATHS.dhcpHosts] ?? '', ',', [
    MAC_ADDRESS,
    RFC1123_LABEL,
    IPV4,
  ]);
  expect(dhcp.length).toBeLessThanOrEqual(hosts.length);
  for (const line of hosts) expect(line.split(' ')[1]?.length).toBeLessThanOrEqual(253);

  // registered_services goes back into the file itself, which then reads as before, plus it.
  const registered = registeredServices(addressed.specs, Object.keys(env.services));
  const written = writeRegisteredServices(file.text, registered);
  const reread = loadEnvironment(encoder.encode(written));
  expect(reread.ok).toBe(true);
  if (reread.ok) {
    expect(reread.env.registered_services).toEqual(registered);
    expect({ ...reread.env, registered_services: null }).toEqual({
      ...env,
      registered_services: null,
    });
  }

  // The Hiera data reads back the same by YAML 1.1 (Puppet's Ruby) and 1.2.
  const code = puppetCode(sitePp, renderer.modules, secretValues(env));
  const data = code.files.find((f) => f.path === SECRETS_FILE)?.content;
  expect(typeof data).toBe('string');
  for (const version of ['1.1', '1.2'] as const) {
    expect(parse(data as string, { version })).toEqual({ [SECRETS_KEY]: secretValues(env) });
  }

  // What the images read at start: names for DOCKSTACK_DOMAIN and DOCKSTACK_PUPPET_SERVER, and
  // printable settings without line breaks for the rest.
  for (const spec of addressed.specs) {
    for (const [key, value] of Object.entries(spec.env ?? {})) {
      expect([key, value]).toEqual([
        key,
        expect.stringMatching(/^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/),
      ]);
      if (key === 'DOCKSTACK_DOMAIN' || key === 'DOCKSTACK_PUPPET_SERVER') {
        expect(value).toMatch(DNS_NAME);
      }
    }
  }
}

describe('every environment file that validates', () => {
  it(`renders every output, each value inert in its syntax (${String(RUNS)} generated files)`, () => {
    const seen = { valid: 0, invalid: 0, refusedLayouts: 0 };
    fc.assert(
      fc.property(environmentFile, (file) => {
        const loaded = loadEnvironment(encoder.encode(file.text));
        if (!loaded.ok) {
          seen.invalid++;
          if (file.layout === 'flow' || file.layout === 'json') seen.refusedLayouts++;
          for (const problem of loaded.problems) {
            expect(problem.line).toBeGreaterThan(0);
            expect(problem.message).not.toBe('');
          }
          return;
        }
        seen.valid++;
        checkOutputs(file, loaded.env);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // Not a vacuous property: plenty of files validate, and plenty are refused.
    expect(seen.valid).toBeGreaterThan(RUNS / 4);
    expect(seen.invalid).toBeGreaterThan(RUNS / 4);
    expect(seen.refusedLayouts).toBeGreaterThan(0);
  }, 120_000);
});
