import { describe, expect, it } from 'vitest';

import { createLogger } from './create-logger.js';

describe('createLogger', () => {
  it('writes JSON lines with the message and the metadata', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) });
    log.info({ host: 'h1' }, 'docker host unreachable');
    const entry = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(entry).toMatchObject({
      level: 30,
      msg: 'docker host unreachable',
      host: 'h1',
      name: 'dockstack',
    });
  });

  it('masks secrets wherever they appear: fields, messages, URLs, error texts', () => {
    const lines: string[] = [];
    const log = createLogger({
      write: (l) => lines.push(l),
      secrets: () => ['hunter2-token', 'p"w\\d'],
    });
    log.warn(
      {
        password: 'x',
        common: { galera_password: 'y' },
        url: 'https://bot:ghp_abc123@github.example/o/r.git',
      },
      'push failed',
    );
    log.error(
      { err: new Error('auth failed for hunter2-token') },
      'fetch with hunter2-token failed',
    );
    log.info({ value: 'p"w\\d' }, 'odd');
    const text = lines.join('');
    for (const secret of ['hunter2-token', 'ghp_abc123', '"x"', '"y"', 'p\\"w'])
      expect(text).not.toContain(secret);
    expect(text).toContain('https://***@github.example/o/r.git');
  });

  it('masks a short secret where it stands alone in a line', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l), secrets: () => ['x9'] });
    log.warn({ reason: 'password x9 refused' }, 'agent said "x9"');
    const entry = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(entry).toMatchObject({ reason: 'password *** refused', msg: 'agent said "***"' });
  });
});
