import { describe, expect, it } from 'vitest';

import { redact } from './redact.js';

describe('redact', () => {
  it('masks the user-info of every URL in the text', () => {
    expect(
      redact(
        "fatal: unable to access 'https://x-access-token:ghp_abc123@github.com/o/r.git/': 403",
      ),
    ).toBe("fatal: unable to access 'https://***@github.com/o/r.git/': 403");
    expect(redact('from http://tok3n@127.0.0.1:8080/x and ssh://git:pw@host/y')).toBe(
      'from http://***@127.0.0.1:8080/x and ssh://***@host/y',
    );
  });

  it('leaves text without credentials alone', () => {
    const text = 'fatal: repository https://github.com/o/r.git not found; mail a@b.c';
    expect(redact(text)).toBe(text);
  });

  it('masks given secrets wherever they appear, longest first', () => {
    expect(redact('token s3cr3t-T0KEN and s3cr3t', ['s3cr3t', 's3cr3t-T0KEN'])).toBe(
      'token *** and ***',
    );
    expect(redact('nothing here', [''])).toBe('nothing here');
  });

  it('masks a token that stands alone as the user name, and percent-encoded passwords', () => {
    for (const url of [
      'https://user:s3cr3t@host/env.git',
      'https://ghp_TOKEN1234@host/env.git',
      'https://x-access-token:TOK12345@host/env.git',
      'https://user:p%40ss%3Aword@host/env.git',
      'ssh://git:pw@host/env.git',
    ]) {
      expect(redact(`repo ${url}`)).toMatch(/^repo [a-z]+:\/\/\*\*\*@host\/env\.git$/);
    }
  });

  it('masks credentials in query strings, and nothing else there', () => {
    expect(redact('https://host/env.git?access_token=abc123&ref=main')).toBe(
      'https://host/env.git?access_token=***&ref=main',
    );
    expect(redact('GET /x?password=hunter2;apiKey=k1&sig=zz#frag')).toBe(
      'GET /x?password=***;apiKey=***&sig=***#frag',
    );
  });

  it('masks a secret shorter than 4 characters where it stands alone, not inside words', () => {
    expect(
      redact('login admin/pw1 refused: "pw1" is wrong; pw10 and xpw1 are other words', ['pw1']),
    ).toBe('login admin/*** refused: "***" is wrong; pw10 and xpw1 are other words');
    expect(redact('password=ab, a="a b"', ['ab', 'a b', '$'])).toBe('password=***, a="***"');
    expect(redact('cost $ and $$', ['$'])).toBe('cost *** and ******');
    expect(redact('{"v":"\\\\"} p%40', ['\\', 'p@'])).toBe('{"v":"***"} ***');
    expect(redact('nothing here', ['', 'é'])).toBe('nothing here');
  });

  it('masks a secret in its JSON-escaped and percent-encoded forms', () => {
    expect(redact('{"v":"pa\\"ss"} and p%40ss', ['pa"ss', 'p@ss'])).toBe('{"v":"***"} and ***');
  });
});
