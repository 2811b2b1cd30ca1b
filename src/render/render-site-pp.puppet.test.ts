/**
 * The rendered manifest as Puppet itself reads it: `puppet parser validate`, `puppet apply` reading
 * every value back, and the project's modules compiling against it. Needs `puppet` on PATH (Debian:
 * `apt-get install puppet`); without it these tests fail. Puppet starts slowly, so each test runs it
 * once (or a few times at once) on manifests holding many cases.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import { parseSitePp } from '../../test/fixtures/render/parse-site-pp.js';
import { seedEnvironment } from '../../test/fixtures/render/seed-environment.js';
import { puppetCode } from '../configure/puppet-code.js';
import { FreeText, isSecretKey, type Environment } from '../environment/schema.js';
import { loadRenderer } from './renderer.js';
import { testTempDir } from '../../test/testbed/temp-dirs.js';

const renderer = loadRenderer();

const work = testTempDir('puppet');
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs puppet with its directories inside the test's temporary folder, never the machine's. */
function puppet(args: readonly string[]): Promise<Run> {
  const dirs = ['confdir', 'vardir', 'codedir', 'logdir', 'rundir'].map(
    (dir) => `--${dir}=${join(work, dir)}`,
  );
  return new Promise((resolve, reject) => {
    const child = spawn('puppet', [...args, ...dirs, '--color=false'], { stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', (error) => {
      reject(new Error(`cannot run puppet (install it: apt-get install puppet): ${error.message}`));
    });
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

/** Errors puppet reported, apart from Facter failing to read facts in a sandbox. */
function errors(run: Run): string[] {
  return `${run.stdout}\n${run.stderr}`
    .split('\n')
    .filter((line) => /\bError\b/.test(line) && !line.includes('Facter:'));
}

function write(name: string, text: string): string {
  const file = join(work, name);
  writeFileSync(file, text);
  return file;
}

/** Strings that break naive quoting in Puppet, YAML or a shell. */
const HOSTILE = [
  "it's",
  'say "hi"',
  '$x',
  '${x} %{hiera} ${facts["os"]} $::domain',
  'C:\\path\\',
  "\\'",
  "\\\\'",
  'one\ntwo\r\nthree\n',
  'end\\',
  "'",
  "'; notice('injected'); '",
  'é ☃ 𝄞 \u00a0 \u2028',
  'nul\u0000 tab\t esc\u001b',
  '',
];

const parameters: Record<string, string | number | boolean> = {
  mtu: 1450,
  negative: -5,
  ratio: 0.75,
  tiny: 1.5e-7,
  huge: 1e21,
  largest_safe: Number.MAX_SAFE_INTEGER,
  debug: false,
  enabled: true,
  "name with 'quote' and \\": 'key text is escaped too',
  'ünïcödé ☃': 'ok',
  db_password: 'must not appear',
};
HOSTILE.forEach((value, i) => (parameters[`hostile_${i}`] = value));
// Any text validation accepts, as value and as name: Puppet must read each back as it is.
const generated = fc.sample(
  fc.string({ unit: 'binary', maxLength: 24 }).filter((s) => FreeText.safeParse(s).success),
  { seed: 25, numRuns: 300 },
);
generated.forEach((value, i) => {
  parameters[`generated_${i}`] = value;
  if (value !== '' && !isSecretKey(value) && !Object.hasOwn(parameters, value)) {
    parameters[value] = i;
  }
});

/**
 * The seed with hostile values wherever site.pp quotes one. They are set after validation, which
 * refuses some of them (control characters, names that are not DNS names): the quoting does not
 * rely on it.
 */
const seed = seedEnvironment((raw) => {
  raw.external = { compute: { compute1: {} } };
});
const hostileEnv: Environment = {
  ...seed,
  common: {
    ...seed.common,
    vip_name: HOSTILE[0],
    puppetServer: HOSTILE[3],
    haproxy_user: HOSTILE[7],
    keystone_admin_user: HOSTILE[10],
    keystone_admin_tenant: HOSTILE[4],
    parameters,
  },
};

/** What `$dockstack_common` and `$dockstack_members` must hold for `hostileEnv`. */
const expected = {
  common: {
    dnsServer: '10.0.0.1',
    domain: 'endor.lab',
    haproxy_user: HOSTILE[7],
    keystone_admin_tenant: HOSTILE[4],
    keystone_admin_user: HOSTILE[10],
    puppetServer: HOSTILE[3],
    vip: '10.0.0.254',
    vip_mask: 16,
    vip_name: HOSTILE[0],
    parameters: Object.fromEntries(
      Object.entries(parameters).filter(([key]) => key !== 'db_password'),
    ),
  },
  members: {
    dns: ['dns1.endor.lab', 'dns2.endor.lab'],
    puppet: ['puppet1.endor.lab', 'puppet2.endor.lab'],
    haproxy: ['ha1.endor.lab', 'ha2.endor.lab'],
    galera: ['gal1.endor.lab'],
    openstack: ['os1.endor.lab'],
    cassandra: ['cas1.endor.lab'],
    config: ['conf1.endor.lab'],
    collector: ['col1.endor.lab'],
    control: ['ctrl1.endor.lab'],
    webui: ['webui1.endor.lab'],
    compute: ['compute1.endor.lab'],
  },
};

/**
 * A node block for the machine running the test that prints every entry of both hashes as
 * `readback KIND PATH VALUE`, path steps and value base64-encoded so no byte is lost in the log.
 */
const READ_BACK = `
node default {
  { 'common' => $dockstack_common, 'members' => $dockstack_members }.tree_each |$path, $value| {
    $where = $path.map |$step| { String(Binary.new(String($step), '%s')) }.join('.')
    $kind = $value ? {
      Hash => 'hash', Array => 'array', Boolean => 'boolean', Integer => 'integer',
      Float => 'float', String => 'string', default => 'other',
    }
    $text = $value ? {
      Hash => '', Array => '', Float => String(Binary.new(String($value, '%p'), '%s')),
      default => String(Binary.new(String($value), '%s')),
    }
    notice("readback \${kind} \${where} \${text}")
  }
}
`;

interface ReadBack {
  data: unknown;
  kinds: Map<string, string>;
}

function readBack(output: string): ReadBack {
  const decode = (text: string): string => Buffer.from(text, 'base64').toString('utf8');
  const kinds = new Map<string, string>();
  let data: unknown;
  for (const [, kind = '', where = '', text = ''] of output.matchAll(
    /readback (\w+) (\S*) ?(\S*)$/gm,
  )) {
    const path = where === '' ? [] : where.split('.').map(decode);
    const value =
      kind === 'hash'
        ? {}
        : kind === 'array'
          ? []
          : kind === 'string'
            ? decode(text)
            : kind === 'boolean'
              ? decode(text) === 'true'
              : Number(decode(text));
    kinds.set(path.join('/'), kind);
    const last = path.pop();
    if (last === undefined) data = value;
    else {
      const parent = path.reduce<unknown>(
        (node, step) => (node as Record<string, unknown>)[step],
        data,
      );
      (parent as Record<string, unknown>)[last] = value;
    }
  }
  return { data, kinds };
}

/** Text validation accepts in a free string, each piece of it hostile somewhere. */
const PRINTABLE_HOSTILE = `p'a"s$(touch /tmp/pwned)\`id\`;|&\\ #-w=%40 é 𝄞 \${x} %{hiera}`;

/** The seed with hostile text validation accepts in every free string. */
const validHostileEnv = seedEnvironment((raw) => {
  raw.external = { compute: { compute1: {} } };
  for (const key of ['keystone_admin_user', 'keystone_admin_tenant']) {
    raw.common[key] = `${key}:${PRINTABLE_HOSTILE}`;
  }
  // HAProxy's statistics read USER:PASSWORD: validation takes no ':' in the user.
  raw.common.haproxy_user = `haproxy_user-${PRINTABLE_HOSTILE}`;
  raw.common.parameters = { motd: PRINTABLE_HOSTILE, rabbit_cookie: PRINTABLE_HOSTILE };
});

/** The secrets of validHostileEnv, as hostile. */
const validHostileSecrets: Record<string, string> = Object.fromEntries(
  ['galera_password', 'haproxy_password', 'keystone_admin_password', 'keystone_admin_token'].map(
    (key) => [key, `${key}:${PRINTABLE_HOSTILE}`],
  ),
);

/** A default node block declaring `classes`. */
function everyClassNode(classes: readonly string[]): string {
  return `node default {\n${classes.map((name) => `  class { '${name}': }\n`).join('')}}\n`;
}

/**
 * `puppet apply --noop` of `manifest` with the project's modules and `secrets` as the Hiera data
 * dockstack uploads, as `certname` (the machine's own name unless given).
 */
function compileModules(
  name: string,
  manifest: string,
  secrets: Record<string, string>,
  certname?: string,
): Promise<Run> {
  const modules = fileURLToPath(new URL('../../puppet/modules', import.meta.url));
  const hiera = join(work, `hiera-${name}`);
  for (const file of puppetCode('', new Map(), secrets).files) {
    if (file.path.startsWith('manifests/')) continue;
    mkdirSync(dirname(join(hiera, file.path)), { recursive: true });
    writeFileSync(join(hiera, file.path), file.content);
  }
  return puppet([
    'apply',
    '--noop',
    `--modulepath=${modules}`,
    `--hiera_config=${join(hiera, 'hiera.yaml')}`,
    ...(certname === undefined ? [] : [`--certname=${certname}`]),
    write(`${name}.pp`, manifest),
  ]);
}

describe('the rendered site.pp, read by Puppet', () => {
  it('passes puppet parser validate, hostile values and all, where naive quoting fails', async () => {
    const seed = write('seed.pp', renderer.sitePp(seedEnvironment()));
    const hostile = write('hostile.pp', renderer.sitePp(hostileEnv));
    const naive = write(
      'naive.pp',
      HOSTILE.map((value, i) => `$naive_${i} = '${value}'\n`).join(''),
    );

    const valid = await puppet(['parser', 'validate', seed, hostile]);
    expect(errors(valid)).toEqual([]);
    expect(valid.code).toBe(0);

    const invalid = await puppet(['parser', 'validate', naive]);
    expect(invalid.code).not.toBe(0);
    expect(errors(invalid).join('\n')).toMatch(/Syntax error|Could not parse/);
  });

  it('gives Puppet exactly the values of the environment', async () => {
    const manifest = write('read-back.pp', renderer.sitePp(hostileEnv) + READ_BACK);
    const run = await puppet(['apply', manifest]);
    expect(errors(run)).toEqual([]);
    expect(run.code).toBe(0);

    const { data, kinds } = readBack(run.stdout);
    expect(data).toEqual(expected);
    // The strict reader the property tests use reads what Puppet reads.
    const ours = parseSitePp(renderer.sitePp(hostileEnv));
    expect({
      common: { ...ours.common, parameters: ours.parameters },
      members: Object.fromEntries(ours.members),
    }).toEqual(data);
    expect(kinds.get('common/vip_mask')).toBe('integer');
    expect(kinds.get('common/parameters/mtu')).toBe('integer');
    expect(kinds.get('common/parameters/largest_safe')).toBe('integer');
    expect(kinds.get('common/parameters/ratio')).toBe('float');
    expect(kinds.get('common/parameters/huge')).toBe('float');
    expect(kinds.get('common/parameters/debug')).toBe('boolean');
    expect(kinds.get('members/compute')).toBe('array');
  });

  it("compiles against the project's Puppet modules, for a node and for every class", async () => {
    const manifest = renderer.sitePp(validHostileEnv);
    const classes = [...new Set(Object.values(renderer.classes).flat())];
    const [node, every] = await Promise.all([
      compileModules('node', manifest, validHostileSecrets, 'ha1.endor.lab'),
      compileModules('every', `${manifest}${everyClassNode(classes)}`, validHostileSecrets),
    ]);
    expect(classes).toHaveLength(11);
    for (const run of [node, every]) {
      expect(errors(run)).toEqual([]);
      expect(run.stdout).toContain('Compiled catalog for');
      expect(run.code).toBe(0);
    }
    expect(node.stdout).toMatch(/Stage\[main\]\/Mymod::Ka\/File/);
    expect(every.stdout).toMatch(/Stage\[main\]\/Contrail::Database\/File/);
    expect(every.stdout).toMatch(
      /Stage\[main\]\/Mymod::Os\/File\[\/etc\/dockstack\/keystone\/bootstrap\]/,
    );
  });

  it('fails to compile what validation refuses, naming the setting and never a secret', async () => {
    const refused = (common: Partial<Environment['common']>) =>
      renderer.sitePp({ ...validHostileEnv, common: { ...validHostileEnv.common, ...common } });
    const [vipName, password] = await Promise.all([
      compileModules(
        'vip-name',
        refused({ vip_name: 'vip$(touch /tmp/pwned)' }) + everyClassNode(['::mymod::os']),
        validHostileSecrets,
      ),
      compileModules(
        'password',
        refused({}) + everyClassNode(['::mymod::gal']),
        { ...validHostileSecrets, galera_password: 'pass\nword-sekrit' },
        'gal1.endor.lab',
      ),
    ]);
    expect(errors(vipName).join('\n')).toContain(
      "the VIP's name is not a DNS name: 'vip$(touch /tmp/pwned).endor.lab'",
    );
    expect(errors(password).join('\n')).toContain(
      'galera_password holds a control character (a line break, NUL, ESC, ...): it cannot be written into a file',
    );
    expect(`${password.stdout}${password.stderr}`).not.toContain('sekrit');
    for (const run of [vipName, password]) expect(run.code).not.toBe(0);
  });
});
