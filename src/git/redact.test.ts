import { describe, expect, it } from 'vitest';

import { redact, urlSecrets } from './redact.js';

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
});

describe('urlSecrets', () => {
  it('finds the user-info, its parts and their decoded forms', () => {
    expect(urlSecrets('https://x-access-token:p%40ss%3Aword@host/r.git')).toEqual([
      'x-access-token:p%40ss%3Aword',
      'x-access-token:p@ss:word',
      'x-access-token',
      'p%40ss%3Aword',
      'p@ss:word',
    ]);
    expect(urlSecrets('https://ghp_tokenonly@host/r.git')).toEqual(['ghp_tokenonly']);
  });

  it('finds nothing in URLs without user-info, or in scp-like addresses', () => {
    expect(urlSecrets('https://host/r.git')).toEqual([]);
    expect(urlSecrets('git@host:o/r.git')).toEqual([]);
    expect(urlSecrets('/srv/git/env.git')).toEqual([]);
  });
});
