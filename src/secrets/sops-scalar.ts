import { isScalar, type Node } from 'yaml';

import type { SopsScalar } from './sops-value.js';

/** An integer as YAML 1.2's core schema writes one. */
const INTEGER = /^[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;

/**
 * A YAML leaf as sops stores it: strings as `str`, integers as `int`, other numbers as `float`
 * (in decimal, without exponent), booleans as `bool` (`True`/`False`). Undefined for null, which
 * sops neither encrypts nor hashes, and for anything that is not a scalar.
 */
export function sopsScalarOf(node: Node | null | undefined): SopsScalar | undefined {
  if (!isScalar(node)) return undefined;
  const value: unknown = node.value;
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return { type: 'str', text: value };
  if (typeof value === 'boolean') return { type: 'bool', text: value ? 'True' : 'False' };
  if (typeof value === 'bigint') return { type: 'int', text: value.toString() };
  if (typeof value === 'number') {
    const source = node.source?.trim() ?? '';
    if (Number.isInteger(value) && INTEGER.test(source)) {
      return { type: 'int', text: BigInt(source.replace(/^\+/, '')).toString() };
    }
    return { type: 'float', text: goFloat(value) };
  }
  return { type: 'str', text: node.source ?? '' };
}

/** The value a decrypted leaf takes in YAML: text, a number or a boolean. */
export function yamlValueOf(scalar: SopsScalar): string | number | bigint | boolean {
  switch (scalar.type) {
    case 'int':
    case 'int64': {
      const n = Number(scalar.text);
      return Number.isSafeInteger(n) ? n : BigInt(scalar.text);
    }
    case 'float':
      return scalar.text === '+Inf'
        ? Infinity
        : scalar.text === '-Inf'
          ? -Infinity
          : Number(scalar.text);
    case 'bool':
      return /^(true|t|1)$/i.test(scalar.text);
    default:
      return scalar.text;
  }
}

/**
 * A number as Go's strconv.FormatFloat(x, 'f', -1, 64) writes it, the form sops encrypts and
 * hashes: the shortest decimal that reads back as the same number, never with an exponent.
 */
export function goFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const text = String(x);
  const exp = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (exp === null) return text;
  const [, sign = '', lead = '', rest = '', power = '0'] = exp;
  const digits = lead + rest;
  const point = 1 + Number(power);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
