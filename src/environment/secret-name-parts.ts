/**
 * What a name holds, in any case, when its value is a secret (`pass` covers `passphrase`; `auth`
 * covers `oauth` and `author` alike: list a name that only looks secret in public_parameters).
 */
export const SECRET_NAME_PARTS: readonly string[] = [
  'pass',
  'pw',
  'secret',
  'token',
  'key',
  'credential',
  'private',
  'cert',
  'cookie',
  'salt',
  'auth',
];

/** SECRET_NAME_PARTS as the list of a sentence: `pass, pw, ... or auth`. */
export function secretNameList(last: 'and' | 'or'): string {
  return `${SECRET_NAME_PARTS.slice(0, -1).join(', ')} ${last} ${SECRET_NAME_PARTS.at(-1) ?? ''}`;
}
