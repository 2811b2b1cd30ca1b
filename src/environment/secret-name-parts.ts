/** What a name holds, in any case, when its value is a secret. */
export const SECRET_NAME_PARTS: readonly string[] = [
  'pass',
  'pw',
  'secret',
  'token',
  'key',
  'credential',
  'private',
  'cert',
];

/** SECRET_NAME_PARTS as the list of a sentence: `pass, pw, ... or cert`. */
export function secretNameList(last: 'and' | 'or'): string {
  return `${SECRET_NAME_PARTS.slice(0, -1).join(', ')} ${last} ${SECRET_NAME_PARTS.at(-1) ?? ''}`;
}
