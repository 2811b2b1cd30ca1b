import { pino, type Logger } from 'pino';

import { SECRET_KEYS } from '../environment/schema.js';
import { redact } from '../util/redact.js';

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
        write(redact(line, secrets()));
      },
    },
  );
}
