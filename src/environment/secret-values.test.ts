import { describe, expect, it } from 'vitest';

import { Environment } from './schema.js';
import { secretEntries, secretValues } from './secret-values.js';

const env = Environment.parse({
  common: {
    domain: 'endor.lab',
    dnsServer: '10.0.0.1',
    galera_password: 'from-common',
    keystone_admin_token: 'token',
    haproxy_user: 'user',
    parameters: { galera_password: 'from-parameters', api_token: 42, region: 'one' },
  },
  services: {},
});

describe('the secrets of an environment', () => {
  it('lists the secret fields of common, then those of its parameters', () => {
    expect(secretEntries(env)).toEqual([
      ['galera_password', 'from-common'],
      ['keystone_admin_token', 'token'],
      ['galera_password', 'from-parameters'],
      ['api_token', '42'],
    ]);
  });

  it('gives the puppet servers one value per key, a parameter winning over common', () => {
    expect(secretValues(env)).toEqual({
      galera_password: 'from-parameters',
      keystone_admin_token: 'token',
      api_token: '42',
    });
  });
});
