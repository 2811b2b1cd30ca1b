import { describe, expect, it } from 'vitest';

import {
  SEED_SITE_PP,
  seedEnvironment,
  type RawEnvironment,
} from '../../test/fixtures/render/seed-environment.js';
import type { Environment } from '../environment/schema.js';
import { loadRenderer } from './renderer.js';

const withCompute = (raw: RawEnvironment): void => {
  raw.external = { compute: { compute1: {} } };
};

/** The node blocks of a manifest, by node name, each as its exact text. */
function nodeBlocks(manifest: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const match of manifest.matchAll(/^node '([^']+)' \{\n(?: {2}.*\n)*\}\n/gm)) {
    blocks.set(match[1]!, match[0]);
  }
  return blocks;
}

const renderer = loadRenderer();
const renderSitePp = (env: Environment) => renderer.sitePp(env);

describe('the site.pp renderer', () => {
  it('renders the seed environment', () => {
    expect(renderSitePp(seedEnvironment(withCompute))).toBe(`\
# This file is rendered by dockstack from the environment file: edits here are overwritten.
# Change the environment file, or the templates (site.pp.hbs, classes.yaml), instead.

# The environment's \`common\` settings, without passwords, tokens and keys.
$dockstack_common = {
  'dnsServer' => '10.0.0.1',
  'domain' => 'endor.lab',
  'haproxy_user' => 'user',
  'keystone_admin_tenant' => 'admin',
  'keystone_admin_user' => 'admin',
  'puppetServer' => 'puppet1',
  'vip' => '10.0.0.254',
  'vip_mask' => 16,
  'vip_name' => 'vip',
  'parameters' => {
  },
}

# Service (or external role) -> FQDNs of its running members, in tier order.
$dockstack_members = {
  'dns' => ['dns1.endor.lab', 'dns2.endor.lab'],
  'puppet' => ['puppet1.endor.lab', 'puppet2.endor.lab'],
  'haproxy' => ['ha1.endor.lab', 'ha2.endor.lab'],
  'galera' => ['gal1.endor.lab'],
  'openstack' => ['os1.endor.lab'],
  'cassandra' => ['cas1.endor.lab'],
  'config' => ['conf1.endor.lab'],
  'collector' => ['col1.endor.lab'],
  'control' => ['ctrl1.endor.lab'],
  'webui' => ['webui1.endor.lab'],
  'compute' => ['compute1.endor.lab'],
}

node 'ha1.endor.lab' {
  class { '::mymod::ha': }
  class { '::mymod::ka': }
}
node 'ha2.endor.lab' {
  class { '::mymod::ha': }
  class { '::mymod::ka': }
}
node 'gal1.endor.lab' {
  class { '::mymod::gal': }
}
node 'os1.endor.lab' {
  class { '::mymod::os': }
}
node 'cas1.endor.lab' {
  class { '::contrail::common': }
  class { '::contrail::database': }
}
node 'conf1.endor.lab' {
  class { '::contrail::common': }
  class { '::contrail::config': }
}
node 'col1.endor.lab' {
  class { '::contrail::common': }
  class { '::contrail::collector': }
}
node 'ctrl1.endor.lab' {
  class { '::contrail::common': }
  class { '::contrail::control': }
}
node 'webui1.endor.lab' {
  class { '::contrail::common': }
  class { '::contrail::webui': }
}
node 'compute1.endor.lab' {
  class { '::contrail::common': }
  class { '::contrail::compute': }
}
`);
  });

  it("gives the seed's nodes exactly the seed's node blocks", () => {
    const env = seedEnvironment((raw) => {
      withCompute(raw);
      delete raw.services.haproxy?.ha2;
    });
    const seed = nodeBlocks(SEED_SITE_PP);
    const rendered = nodeBlocks(renderSitePp(env));
    expect(seed.size).toBe(9);
    expect(SEED_SITE_PP).toBe([...seed.values()].join(''));
    expect(rendered).toEqual(seed);
  });

  it("gives a second haproxy container ha1's classes and no block to dns and puppet", () => {
    const blocks = nodeBlocks(renderSitePp(seedEnvironment(withCompute)));
    expect(blocks.get('ha2.endor.lab')).toBe(
      blocks.get('ha1.endor.lab')?.replace("'ha1.endor.lab'", "'ha2.endor.lab'"),
    );
    expect([...blocks.keys()].filter((name) => /^(dns|puppet)\d/.test(name))).toEqual([]);
    expect(blocks.size).toBe(10);
  });

  it('lists nodes in tier order, containers by name, external roles last', () => {
    const env = seedEnvironment((raw) => {
      raw.order = ['dns', 'puppet', 'galera', 'haproxy', 'openstack', 'cassandra', 'config'];
      raw.order = [...(raw.order as string[]), 'collector', 'control', 'webui'];
      raw.services.galera = { gal2: { host: 'h' }, gal10: { host: 'h' }, gal1: { host: 'h' } };
      raw.external = { webui: { webui0: {} }, compute: { compute2: {}, compute1: null } };
    });
    expect([...nodeBlocks(renderSitePp(env)).keys()].map((fqdn) => fqdn.split('.')[0])).toEqual([
      'gal1',
      'gal10',
      'gal2',
      'ha1',
      'ha2',
      'os1',
      'cas1',
      'conf1',
      'col1',
      'ctrl1',
      'webui1',
      'compute1',
      'compute2',
      'webui0',
    ]);
  });

  it('keeps a stopped container in the nodes but out of the members', () => {
    const env = seedEnvironment((raw) => {
      raw.services.galera = { gal1: { host: 'h', state: 'stopped' }, gal2: { host: 'h' } };
    });
    const manifest = renderSitePp(env);
    expect([...nodeBlocks(manifest).keys()]).toContain('gal1.endor.lab');
    expect(manifest).toContain("  'galera' => ['gal2.endor.lab'],\n");
  });

  it('lists every service in the members, empty ones too, and adds external nodes to their role', () => {
    const env = seedEnvironment((raw) => {
      raw.services.openstack = null;
      raw.services.webui = {};
      raw.external = { cassandra: { cas0: {} } };
    });
    const manifest = renderSitePp(env);
    expect(manifest).toContain("  'openstack' => [],\n");
    expect(manifest).toContain("  'webui' => [],\n");
    expect(manifest).toContain("  'cassandra' => ['cas1.endor.lab', 'cas0.endor.lab'],\n");
  });

  it('leaves every secret out, in common and in its parameters', () => {
    const env = seedEnvironment((raw) => {
      raw.common.galera_password = 'secret-1';
      raw.common.keystone_admin_token = 'secret-2';
      raw.common.parameters = {
        db_password: 'secret-3',
        api_key: 'secret-4',
        client_secret: 'secret-5',
        Rabbit_Pass: 'secret-6',
        rabbit_user: 'guest',
      };
    });
    const manifest = renderSitePp(env);
    expect(manifest).not.toMatch(/secret-\d|'\w*(password|token|key|Pass)'/);
    expect(manifest).toContain("  'parameters' => {\n    'rabbit_user' => 'guest',\n  },\n");
  });

  it('leaves out every parameter whose name holds pass, pw, secret, token, key, credential, private, cert, cookie, salt or auth', () => {
    const secret = {
      mysql_passwd: 'secret-1',
      admin_pw: 'secret-2',
      api_credentials: 'secret-3',
      private_key_pem: 'secret-4',
      secret_value: 'secret-5',
      token_value: 'secret-6',
      tls_CERT: 'secret-7',
      sshPrivate: 'secret-8',
      PassPhrase: 'secret-9',
      rabbit_cookie: 'secret-10',
      hash_Salt: 'secret-11',
      oauth_client: 'secret-12',
      AuthHeader: 'secret-13',
    };
    const env = seedEnvironment((raw) => {
      raw.common.parameters = { ...secret, mtu: 1450, rabbit_user: 'guest' };
    });
    const manifest = renderSitePp(env);
    expect(manifest).not.toMatch(/secret-\d/);
    for (const name of Object.keys(secret)) expect(manifest).not.toContain(name);
    expect(manifest).toContain(
      "  'parameters' => {\n    'mtu' => 1450,\n    'rabbit_user' => 'guest',\n  },\n",
    );
  });

  it('renders the parameters public_parameters lists, never a secret field of common', () => {
    const env = seedEnvironment((raw) => {
      raw.common.galera_password = 'secret-1';
      raw.common.parameters = {
        keystone_url: 'http://ks:5000',
        ssl_cert_path: '/etc/x.pem',
        admin_pw: 'secret-2',
      };
      raw.common.public_parameters = ['keystone_url', 'ssl_cert_path', 'galera_password'];
    });
    const manifest = renderSitePp(env);
    expect(manifest).not.toMatch(/secret-\d|public_parameters/);
    expect(manifest).toContain(
      "  'parameters' => {\n    'keystone_url' => 'http://ks:5000',\n    'ssl_cert_path' => '/etc/x.pem',\n  },\n",
    );
    expect(manifest).toContain("  'keystone_admin_user' => 'admin',\n");
  });

  it('renders parameters sorted, with their types', () => {
    const env = seedEnvironment((raw) => {
      raw.common.parameters = { zeta: 'last', mtu: 1450, ratio: 0.75, debug: false };
    });
    expect(renderSitePp(env)).toContain(
      "  'parameters' => {\n    'debug' => false,\n    'mtu' => 1450,\n    'ratio' => 0.75,\n    'zeta' => 'last',\n  },\n",
    );
  });

  it('takes its classes from the class map it is given', () => {
    const env = seedEnvironment((raw) => {
      raw.services = { constructor: { c1: { host: 'h' } }, dns: { dns1: { host: 'h' } } };
      raw.order = ['dns', 'constructor'];
    });
    const manifest = loadRenderer({ classes: { dns: ['::site::dns', 'base'] } }).sitePp(env);
    expect([...nodeBlocks(manifest).values()]).toEqual([
      "node 'dns1.endor.lab' {\n  class { '::site::dns': }\n  class { 'base': }\n}\n",
    ]);
  });
});
