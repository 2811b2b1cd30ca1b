import { describe, expect, it } from 'vitest';

import {
  checkBranch,
  checkPath,
  checkPerson,
  checkSha,
  checkTrailerKey,
  checkTrailerValue,
} from './git-input.js';

describe('checkBranch', () => {
  it.each(['main', 'release/1.2', 'env/prod-eu_1', 'v1.0'])('accepts %s', (name) => {
    expect(checkBranch(name)).toBe(name);
  });

  it.each([
    ['-x', 'it starts with "-"'],
    ['HEAD', 'it is a reserved name'],
    ['a..b', 'it contains ".." or "@{"'],
    ['a@{1}', 'it contains ".." or "@{"'],
    ['a b', 'it contains a space'],
    ['a/.b', 'a component starts with "." or ends with ".lock"'],
    ['a.lock', 'a component starts with "." or ends with ".lock"'],
    ['a//b', 'it has an empty path component'],
    ['a.', 'it ends with "."'],
    ['x'.repeat(256), 'it must be 1 to 255 characters'],
  ])('refuses %j: %s', (name, why) => {
    expect(() => checkBranch(name)).toThrow(why);
  });
});

describe('checkPath', () => {
  it.each(['environment.yaml', 'manifests/site.pp', 'dnsmasq/dhcp-hosts', 'a/.hidden', 'a:b'])(
    'accepts %s',
    (path) => {
      expect(checkPath(path)).toBe(path);
    },
  );

  it.each([
    ['../etc/passwd', 'it has a "." or ".." component'],
    ['a/./b', 'it has a "." or ".." component'],
    ['/etc/passwd', 'it must be relative to the repository root'],
    ['-x', 'it starts with "-"'],
    ['a//b', 'it has an empty component'],
    ['a/', 'it has an empty component'],
    ['.git/config', 'it names a ".git" component'],
    ['x/.GIT/hooks', 'it names a ".git" component'],
    ['a\0b', 'it contains a control character or "\\"'],
    ['a\\b', 'it contains a control character or "\\"'],
    ['', 'it must be 1 to 4096 characters'],
  ])('refuses %j: %s', (path, why) => {
    expect(() => checkPath(path)).toThrow(`refused: ${why}`);
  });
});

describe('checkSha', () => {
  it('accepts 40 hex digits and returns them in lower case', () => {
    expect(checkSha('ABCDEF0123456789abcdef0123456789ABCDEF01')).toBe(
      'abcdef0123456789abcdef0123456789abcdef01',
    );
  });

  it.each(['HEAD', '--all', 'abc', 'g'.repeat(40), `${'a'.repeat(40)}\n`, 'a'.repeat(64)])(
    'refuses %j',
    (sha) => {
      expect(() => checkSha(sha, 'parent')).toThrow(/^parent .* refused: it must be 40/);
    },
  );
});

describe('trailers', () => {
  it('accepts keys of letters, digits and "-", and one-line values', () => {
    expect(checkTrailerKey('Dockstack-Applied')).toBe('Dockstack-Applied');
    expect(checkTrailerValue('K', '  3 done, 0 failed ')).toBe('3 done, 0 failed');
  });

  it.each(['', '-K', 'Bad Key', 'K:', 'K\n'])('refuses the key %j', (key) => {
    expect(() => checkTrailerKey(key)).toThrow('refused');
  });

  it.each(['', '  ', 'a\nb', 'a\rb', 'x'.repeat(1001)])('refuses the value %j', (value) => {
    expect(() => checkTrailerValue('K', value)).toThrow('trailer K refused');
  });
});

describe('checkPerson', () => {
  it('accepts a name and an address, trimmed', () => {
    expect(checkPerson({ name: ' dockstack ', email: 'bot@example.test' })).toEqual({
      name: 'dockstack',
      email: 'bot@example.test',
    });
  });

  it.each([
    [{ name: 'a\nb', email: 'a@b' }, 'author name'],
    [{ name: 'a <b>', email: 'a@b' }, 'author name'],
    [{ name: '', email: 'a@b' }, 'author name'],
    [{ name: 'a', email: 'a@b>' }, 'author e-mail'],
    [{ name: 'a', email: 'nobody' }, 'author e-mail'],
    [{ name: 'a', email: 'a b@c' }, 'author e-mail'],
  ])('refuses %j', (person, what) => {
    expect(() => checkPerson(person)).toThrow(what);
  });
});
