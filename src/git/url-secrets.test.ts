import { describe, expect, it } from 'vitest';

import { urlSecrets } from './url-secrets.js';

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

  it('finds a short password, but not a short user name alone', () => {
    expect(urlSecrets('https://me:p%40@host/r.git')).toEqual(['me:p%40', 'me:p@', 'p%40', 'p@']);
    expect(urlSecrets('https://me:pw@host/r.git')).toEqual(['me:pw', 'pw']);
    expect(urlSecrets('ssh://git@host/r.git')).toEqual([]);
  });

  it('finds nothing in URLs without user-info, or in scp-like addresses', () => {
    expect(urlSecrets('https://host/r.git')).toEqual([]);
    expect(urlSecrets('git@host:o/r.git')).toEqual([]);
    expect(urlSecrets('/srv/git/env.git')).toEqual([]);
  });
});
