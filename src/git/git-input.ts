import { GitError } from './git-error.js';

/** A person git records as author or committer. */
export interface Person {
  name: string;
  email: string;
}

const invalid = (message: string): GitError => new GitError('invalid', message);
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * A branch name git accepts (`git check-ref-format --branch` rules) that cannot be read as an
 * option: no leading "-", no "HEAD".
 */
export function checkBranch(name: string): string {
  const problem = branchProblem(name);
  if (problem !== undefined) throw invalid(`branch ${JSON.stringify(name)} refused: ${problem}`);
  return name;
}

function branchProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 255) return 'it must be 1 to 255 characters';
  if (name.startsWith('-')) return 'it starts with "-"';
  if (name === 'HEAD' || name === '@') return 'it is a reserved name';
  if (CONTROL.test(name) || /[ ~^:?*[\\]/.test(name)) {
    return 'it contains a space, a control character or one of ~ ^ : ? * [ \\';
  }
  if (name.includes('..') || name.includes('@{')) return 'it contains ".." or "@{"';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) {
    return 'it has an empty path component';
  }
  if (name.endsWith('.')) return 'it ends with "."';
  for (const part of name.split('/')) {
    if (part.startsWith('.') || part.endsWith('.lock')) {
      return 'a component starts with "." or ends with ".lock"';
    }
  }
  return undefined;
}

/**
 * A file path inside the repository: relative, "/"-separated, without "." or ".." components,
 * without a ".git" component, a leading "-", a backslash or control characters.
 */
export function checkPath(path: string): string {
  const refuse = (why: string): never => {
    throw invalid(`path ${JSON.stringify(path)} refused: ${why}`);
  };
  if (path.length === 0 || path.length > 4096) refuse('it must be 1 to 4096 characters');
  if (path.startsWith('-')) refuse('it starts with "-"');
  if (path.startsWith('/')) refuse('it must be relative to the repository root');
  if (CONTROL.test(path) || path.includes('\\')) refuse('it contains a control character or "\\"');
  for (const part of path.split('/')) {
    if (part === '') refuse('it has an empty component');
    if (part === '.' || part === '..') refuse('it has a "." or ".." component');
    if (part.toLowerCase() === '.git') refuse('it names a ".git" component');
  }
  return path;
}

/** A full commit id: 40 hexadecimal digits, returned in lower case. */
export function checkSha(sha: string, what = 'commit'): string {
  if (!/^[0-9a-f]{40}$/i.test(sha)) {
    throw invalid(`${what} ${JSON.stringify(sha)} refused: it must be 40 hexadecimal digits`);
  }
  return sha.toLowerCase();
}

/** A trailer key as git recognises one: letters, digits and "-", starting with a letter or digit. */
export function checkTrailerKey(key: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,99}$/.test(key)) {
    throw invalid(`trailer key ${JSON.stringify(key)} refused: use letters, digits and "-"`);
  }
  return key;
}

/** A trailer value: one line, no control characters, not empty. */
export function checkTrailerValue(key: string, value: string): string {
  if (value.trim().length === 0 || value.length > 1000 || CONTROL.test(value)) {
    throw invalid(
      `trailer ${key} refused: its value must be one line of 1 to 1000 characters without control characters`,
    );
  }
  return value.trim();
}

/** Author or committer: one line each, no "<" or ">", an e-mail address with "@". */
export function checkPerson(person: Person): Person {
  const name = person.name.trim();
  const email = person.email.trim();
  const bad = (text: string) =>
    text.length === 0 || text.length > 200 || CONTROL.test(text) || /[<>]/.test(text);
  if (bad(name))
    throw invalid(`author name ${JSON.stringify(person.name)} refused: one line, no "<" or ">"`);
  if (bad(email) || !/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw invalid(`author e-mail ${JSON.stringify(person.email)} refused: expected name@domain`);
  }
  return { name, email };
}
