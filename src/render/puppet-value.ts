import { puppetString } from './puppet-string.js';

/**
 * A string, number or boolean as a Puppet literal. Integers Puppet can hold (64-bit) stay
 * integers; other numbers become floats in a form Puppet parses (`1e21`, not `1e+21`).
 */
export function puppetValue(value: string | number | boolean): string {
  if (typeof value === 'string') return puppetString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (!Number.isFinite(value)) throw new Error(`Puppet has no literal for the number ${value}`);
  if (Number.isSafeInteger(value)) return String(value);
  const text = Number.isInteger(value) ? value.toExponential() : String(value);
  return text.replace('e+', 'e');
}
