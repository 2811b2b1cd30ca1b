import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';

import { isEncryptedPath } from './encryption-rules.js';
import { secretKeyPath } from './secret-key-path.js';
import { sopsMac } from './sops-mac.js';
import { goFloat, sopsScalarOf } from './sops-scalar.js';
import { macAdditionalData } from './sops-time.js';
import { decryptValue, encryptValue } from './sops-value.js';

const KEY = Buffer.alloc(32, 7);

describe('the SOPS format', () => {
  it('binds a value to its path: another path does not decrypt it', () => {
    const text = encryptValue({ type: 'str', text: 'v' }, KEY, 'common:galera_password:');
    expect(text).toMatch(/^ENC\[AES256_GCM,data:[^,]+,iv:[^,]{44},tag:[^,]{24},type:str\]$/);
    expect(decryptValue(text, KEY, 'common:galera_password:')).toEqual({ type: 'str', text: 'v' });
    expect(decryptValue(text, KEY, 'common:haproxy_password:')).toEqual({
      reason: 'authentication',
    });
    expect(encryptValue({ type: 'str', text: '' }, KEY, 'a:')).toBe('');
  });

  it('writes leaves as sops stores them: True/False, integers, floats without exponent', () => {
    const doc = parseDocument('a: true\nb: 0x1f\nc: 1.0\nd: 1e-7\ne: x\nf: null\n');
    const values = ['a', 'b', 'c', 'd', 'e', 'f'].map((k) =>
      sopsScalarOf(doc.get(k, true) as never),
    );
    expect(values).toEqual([
      { type: 'bool', text: 'True' },
      { type: 'int', text: '31' },
      { type: 'float', text: '1' },
      { type: 'float', text: '0.0000001' },
      { type: 'str', text: 'x' },
      undefined,
    ]);
    expect(goFloat(1e21)).toBe('1000000000000000000000');
    expect(goFloat(-2.5e-8)).toBe('-0.000000025');
  });

  it('encrypts by the rules: the unencrypted suffix, or only what the encrypted regex matches', () => {
    expect(isEncryptedPath(['a', 'b'], { unencryptedSuffix: '_unencrypted' })).toBe(true);
    expect(isEncryptedPath(['a_unencrypted', 'b'], { unencryptedSuffix: '_unencrypted' })).toBe(
      false,
    );
    expect(isEncryptedPath(['data', 'x'], { encryptedRegex: '^data$' })).toBe(true);
    expect(isEncryptedPath(['meta', 'x'], { encryptedRegex: '^data$' })).toBe(false);
  });

  it('hashes the values in order into the MAC, and binds it to the time as Go formats it', () => {
    const one = sopsMac(
      [
        { path: ['a'], value: { type: 'str', text: 'x' } },
        { path: ['b'], value: { type: 'str', text: 'y' } },
      ],
      {},
    );
    const swapped = sopsMac(
      [
        { path: ['a'], value: { type: 'str', text: 'y' } },
        { path: ['b'], value: { type: 'str', text: 'x' } },
      ],
      {},
    );
    expect(one).toMatch(/^[0-9A-F]{128}$/);
    expect(one).not.toBe(swapped);
    expect(macAdditionalData('2020-07-18T03:16:47.123+00:00')).toBe('2020-07-18T03:16:47Z');
    expect(macAdditionalData('2020-07-18T03:16:47-07:00')).toBe('2020-07-18T03:16:47-07:00');
  });

  it('takes key paths dotted or as sops writes them', () => {
    expect(secretKeyPath('common.galera_password')).toEqual(['common', 'galera_password']);
    expect(secretKeyPath('["common"]["a.b"]')).toEqual(['common', 'a.b']);
    expect(secretKeyPath('common..x')).toBeUndefined();
    expect(secretKeyPath('["common"]x')).toBeUndefined();
  });
});
