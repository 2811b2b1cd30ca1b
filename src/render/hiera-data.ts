import { stringify } from 'yaml';

/**
 * `data` as a Hiera YAML file, every key and string double-quoted. Puppet reads Hiera data with
 * Ruby's YAML 1.1 parser, which takes plain `yes`, `on`, `1:20` or `1_000` for a boolean or a
 * number, and refuses a plain date outright; in double quotes each stays the text it is. Lines are
 * never folded.
 */
export function hieraData(data: Readonly<Record<string, unknown>>): string {
  return stringify(data, {
    defaultKeyType: 'QUOTE_DOUBLE',
    defaultStringType: 'QUOTE_DOUBLE',
    lineWidth: 0,
  });
}
