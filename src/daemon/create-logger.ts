import { pino, type Logger } from 'pino';

import { SECRET_KEYS } from '../environment/schema.js';

export interface LoggerOptions {
  level?: string;
  /** Where the JSON lines go; stderr unless given. */
  write?: (line: string) => void;
  /** Values that must never be written: tokens, passwords. Asked for at every line. */
  secrets?: () => Iterable<string>;
}

/** Keys whose values are masked wherever they appear in a logged object. */
const REDACT_PATHS = [
  'password',
  'token',
  'secret',
  'authorization',
  '*.password',
  '*.token',
  '*.secret',
  '*.authorization',
  'headers.authorization',
  ...[...SECRET_KEYS].map((key) => `common.${key}`),
];

/**
 * The daemon's structured logger: JSON lines, fixed messages with a metadata object. Known secret
 * values are masked in every line as it is written, whatever field or message they hide in, and
 * `user:password@` in URLs is masked too.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const secrets = options.secrets ?? (() => []);
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '***' },
      base: { name: 'dockstack' },
    },
    {
      write: (line: string) => {
        write(maskSecrets(line, secrets()));
      },
    },
  );
}

/** The text with every secret value, and every URL password, replaced by `***`. */
export function maskSecrets(text: string, secrets: Iterable<string>): string {
  let masked = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@"]*:)[^@\s"/]+@/gi, '$1***@');
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    masked = masked.split(secret).join('***');
    const json = JSON.stringify(secret).slice(1, -1);
    if (json !== secret) masked = masked.split(json).join('***');
  }
  return masked;
}
