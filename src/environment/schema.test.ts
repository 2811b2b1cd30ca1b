import { describe, expect, it } from 'vitest';

import { isSecretKey, PUBLIC_COMMON_KEYS } from './schema.js';

describe('isSecretKey', () => {
  it.each([
    'mysql_passwd',
    'admin_pw',
    'api_credentials',
    'private_key_pem',
    'secret_value',
    'token_value',
    'ssl_cert',
    'Rabbit_Pass',
    'APIKEY',
    'db_password',
    'rabbit_cookie',
    'ErlangCookie',
    'db_passphrase',
    'password_salt',
    'SALT',
    'auth_secret',
    'oauth_client',
    'basic_auth',
  ])('takes %s for a secret', (name) => {
    expect(isSecretKey(name)).toBe(true);
  });

  it.each(['mtu', 'debug', 'rabbit_user', 'domain', 'region_name'])(
    'takes %s for a plain setting',
    (name) => {
      expect(isSecretKey(name)).toBe(false);
    },
  );

  it('lets a list of public names through, but never a secret field of common', () => {
    const publicNames = new Set(['ssl_cert_path', 'galera_password']);
    expect(isSecretKey('ssl_cert_path', publicNames)).toBe(false);
    expect(isSecretKey('ssl_key_path', publicNames)).toBe(true);
    expect(isSecretKey('galera_password', publicNames)).toBe(true);
  });

  it("renders common's user names, which the Puppet modules read, and hides its passwords", () => {
    const fields = ['haproxy_user', 'keystone_admin_user', 'keystone_admin_tenant', 'vip_name'];
    for (const field of fields) expect(isSecretKey(field, PUBLIC_COMMON_KEYS)).toBe(false);
    for (const field of ['galera_password', 'haproxy_password', 'keystone_admin_token']) {
      expect(isSecretKey(field, PUBLIC_COMMON_KEYS)).toBe(true);
    }
  });
});
