import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { parseClassMap } from './class-map.js';
import { loadRenderer } from './renderer.js';

describe('the shipped class map', () => {
  it('gives every seed service its classes and none to dns and puppet', () => {
    expect(loadRenderer().classes).toEqual({
      cassandra: ['::contrail::common', '::contrail::database'],
      collector: ['::contrail::common', '::contrail::collector'],
      compute: ['::contrail::common', '::contrail::compute'],
      config: ['::contrail::common', '::contrail::config'],
      control: ['::contrail::common', '::contrail::control'],
      dns: [],
      galera: ['::mymod::gal'],
      haproxy: ['::mymod::ha', '::mymod::ka'],
      openstack: ['::mymod::os'],
      puppet: [],
      webui: ['::contrail::common', '::contrail::webui'],
    });
  });

  it('names only classes the project ships in puppet/modules', () => {
    const classes = Object.values(loadRenderer().classes).flat();
    for (const name of new Set(classes)) {
      const [module, ...rest] = name.replace(/^::/, '').split('::');
      const file = new URL(
        `../../puppet/modules/${module ?? ''}/manifests/${rest.join('/')}.pp`,
        import.meta.url,
      );
      expect(readFileSync(file, 'utf8'), name).toContain(`class ${name.replace(/^::/, '')}`);
    }
  });
});

describe('parseClassMap', () => {
  it('reads an empty value as no classes', () => {
    expect(parseClassMap('dns:\ngalera: [gal]\n', 'classes.yaml')).toEqual({
      dns: [],
      galera: ['gal'],
    });
  });

  it('reports every bad entry with its position', () => {
    const text = [
      'galera: ["::mymod::gal"]',
      'haproxy: ["::MyMod::ha", "::mymod::ka"]',
      'webui: [a, b, a]',
      'Bad_Service: []',
      '',
    ].join('\n');
    expect(() => parseClassMap(text, 'classes.yaml')).toThrow(
      [
        'invalid class map:',
        'classes.yaml:2:11: expected a Puppet class name such as ::contrail::common (at haproxy.0)',
        'classes.yaml:3:8: a class is listed twice (Puppet refuses a duplicate declaration) (at webui)',
        "classes.yaml:4:1: a service name must be an RFC 1123 label: a-z, 0-9 and '-', 63 at most, no leading or trailing '-' (at Bad_Service)",
      ].join('\n'),
    );
  });

  it('reports YAML syntax errors with their position', () => {
    expect(() => parseClassMap('galera: [a\n', 'classes.yaml')).toThrow(/^classes\.yaml:\d+:\d+: /);
  });
});
