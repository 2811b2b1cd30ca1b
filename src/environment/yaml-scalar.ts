import { parse, stringify } from 'yaml';

/**
 * `value` written as a YAML scalar: plain when both YAML 1.1 and 1.2 read it back as this
 * string, quoted otherwise (`"2.1"`, `"yes"`, `"null"`, `"0o17"`). Throws on a value with a line
 * break or control character: dockstack writes one-line values only.
 */
export function yamlScalar(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new Error(`${JSON.stringify(value)} holds a line break or control character`);
  }
  const text = written(value, 'PLAIN');
  return parse(text, { version: '1.2' }) === value ? text : written(value, 'QUOTE_DOUBLE');
}

function written(value: string, type: 'PLAIN' | 'QUOTE_DOUBLE'): string {
  return stringify(value, { version: '1.1', lineWidth: 0, defaultStringType: type }).replace(
    /\n$/,
    '',
  );
}
