import { describe, expect, it } from 'vitest';

import { classInputsOf, inputsOf, readClassInputs } from './class-inputs.js';
import { PUPPET_MODULES_DIR, readModuleFiles } from './puppet-modules.js';

const sets = (inputs: ReturnType<typeof readClassInputs>) => ({
  members: inputs.members === 'all' ? 'all' : [...inputs.members].sort(),
  common: inputs.common === 'all' ? 'all' : [...inputs.common].sort(),
  secrets: inputs.secrets === 'all' ? 'all' : [...inputs.secrets].sort(),
});

describe('what a Puppet class reads of the manifest data', () => {
  it('takes the keys read with .get, on the hash or on a parameter bound to it, in code and in strings', () => {
    const source = `
      # $dockstack_members.each is only a comment
      class m::c (
        Hash $common = $dockstack_common,
        Array[String] $gal = $dockstack_members.get('galera', []),
      ) {
        $vip = $common.get('vip', '')
        $text = "domain=\${common.get('domain', '')}"
      }`;
    expect(sets(readClassInputs(source))).toEqual({
      members: ['galera'],
      common: ['domain', 'vip'],
      secrets: [],
    });
  });

  it("takes the secrets read with .get on a parameter bound to Hiera's dockstack::secrets", () => {
    const source = `class m::c (
        Hash $secrets = lookup('dockstack::secrets', Hash, 'first', {}),
      ) {
        $pw = String($secrets.get('galera_password', ''))
        $text = "token=\${secrets.get('api_token')}"
      }`;
    expect(sets(readClassInputs(source)).secrets).toEqual(['api_token', 'galera_password']);
    expect(
      sets(readClassInputs(`class m::c { $x = lookup('dockstack::secrets')['galera_password'] }`))
        .secrets,
    ).toBe('all');
    expect(
      sets(
        readClassInputs(
          `class m::c (Hash $s = lookup('dockstack::secrets')) { $s.each |$k, $v| {} }`,
        ),
      ).secrets,
    ).toBe('all');
  });

  it('counts any other use of the hash or of a bound parameter as reading all of it', () => {
    expect(
      sets(
        readClassInputs(`class m::c (Hash $members = $dockstack_members) {
          $members.each |$service, $fqdns| { notice($fqdns) }
        }`),
      ).members,
    ).toBe('all');
    expect(sets(readClassInputs('class m::c { $x = $dockstack_common.keys }')).common).toBe('all');
    expect(sets(readClassInputs('class m::c { $x = $dockstack_members.get($k) }')).members).toBe(
      'all',
    );
  });

  it('reads the shipped modules, and takes a class it does not know as reading everything', () => {
    const inputs = classInputsOf(readModuleFiles(PUPPET_MODULES_DIR));
    const read = (name: string) => sets(inputsOf(inputs, name));
    expect(read('::mymod::gal')).toEqual({
      members: ['galera'],
      common: [],
      secrets: ['galera_password'],
    });
    expect(read('::mymod::ha')).toEqual({
      members: ['config', 'galera', 'openstack'],
      common: ['haproxy_user'],
      secrets: ['haproxy_password'],
    });
    expect(read('::mymod::ka')).toEqual({
      members: ['haproxy'],
      common: ['vip', 'vip_mask'],
      secrets: [],
    });
    expect(read('mymod::os')).toEqual({
      members: ['galera', 'openstack'],
      common: ['domain', 'keystone_admin_tenant', 'keystone_admin_user', 'vip', 'vip_name'],
      secrets: ['galera_password', 'keystone_admin_password', 'keystone_admin_token'],
    });
    expect(read('::contrail::common')).toEqual({
      members: ['cassandra', 'collector', 'config', 'control'],
      common: ['dnsServer', 'domain'],
      secrets: [],
    });
    expect(read('::contrail::database')).toEqual({
      members: ['cassandra'],
      common: [],
      secrets: [],
    });
    expect(read('::elsewhere::unknown')).toEqual({
      members: 'all',
      common: 'all',
      secrets: 'all',
    });
  });

  it('names the classes of module files by their manifest paths, other files left out', () => {
    const inputs = classInputsOf(
      new Map([
        ['site/manifests/init.pp', "class site { $x = $dockstack_members.get('galera') }"],
        [
          'site/manifests/db/server.pp',
          "class site::db::server { $d = $dockstack_common.get('domain') }",
        ],
        ['site/templates/x.pp', 'not a class'],
        ['site/manifests/notes.txt', 'not a class'],
      ]),
    );
    expect([...inputs.keys()].sort()).toEqual(['::site', '::site::db::server']);
    expect(sets(inputsOf(inputs, '::site')).members).toEqual(['galera']);
    expect(sets(inputsOf(inputs, 'site::db::server')).common).toEqual(['domain']);
  });
});
