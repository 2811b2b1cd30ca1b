/**
 * `value` as a Puppet single-quoted string literal.
 *
 * Inside single quotes Puppet reads `\\` as one backslash and `\'` as a quote; everything else,
 * `$`, `${...}`, newlines and any other backslash sequence, is literal. Escaping every backslash
 * (not only the ones before a quote or at the end) keeps the rule simple and always exact.
 */
export function puppetString(value: string): string {
  if (/\p{Surrogate}/u.test(value)) {
    throw new Error(`not a valid Unicode string (lone surrogate): ${JSON.stringify(value)}`);
  }
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}
