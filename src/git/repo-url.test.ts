import { describe, expect, it } from 'vitest';

import { GitError } from './git-error.js';
import { parseRepoUrl } from './repo-url.js';

describe('parseRepoUrl', () => {
  it.each([
    ['https://github.com/o/env.git', 'https'],
    ['https://x-access-token:tok@github.com/o/env.git', 'https'],
    ['http://127.0.0.1:8080/env.git', 'http'],
    ['http://localhost/env.git', 'http'],
    ['http://[::1]:9/env.git', 'http'],
    ['ssh://git@github.com:22/o/env.git', 'ssh'],
    ['git@github.com:o/env.git', 'ssh'],
    ['gitea.lan:env.git', 'ssh'],
    ['file:///srv/git/env.git', 'file'],
    ['/srv/git/env.git', 'file'],
  ])('accepts %s as %s', (url, protocol) => {
    expect(parseRepoUrl(url)).toEqual({ url, protocol });
  });

  it.each([
    ['', 'it must be 1 to 4096 characters'],
    ['--upload-pack=touch /tmp/x', 'it starts with "-"'],
    ['https://h/x.git --upload-pack=y', 'it contains whitespace or control characters'],
    ['https://h/x\u0007.git', 'it contains whitespace or control characters'],
    ['ext::sh -c touch', 'it contains whitespace or control characters'],
    ['ext::sh', 'transport helpers (such as ext::) are not allowed'],
    ['fd::3', 'transport helpers (such as ext::) are not allowed'],
    ['git://h/x.git', 'the protocol git:// is not supported'],
    ['http://example.com/x.git', 'http:// is allowed only to a loopback address; use https://'],
    ['http://128.0.0.1/x.git', 'http:// is allowed only to a loopback address; use https://'],
    ['ssh://-oProxyCommand=x/y', 'it has no valid host name'],
    ['file://remote.host/x.git', 'file:// must name a local path'],
    ['-x@h:p', 'it starts with "-"'],
    ['env.git', 'use https://, ssh://, user@host:path, file:// or an absolute path'],
  ])('refuses %j: %s', (url, why) => {
    expect(() => parseRepoUrl(url)).toThrow(GitError);
    expect(() => parseRepoUrl(url)).toThrow(`refused: ${why}`);
  });

  it('never repeats a credential in its refusal', () => {
    expect(() => parseRepoUrl('git://user:secret@h/x.git')).toThrow(
      'repository URL "git://***@h/x.git" refused: the protocol git:// is not supported',
    );
  });
});
