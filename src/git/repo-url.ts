import { GitError } from './git-error.js';
import { redact } from '../util/redact.js';

/** How git reaches the remote; also the only protocol git is allowed to use for it. */
export type RepoProtocol = 'https' | 'http' | 'ssh' | 'file';

export interface RepoUrl {
  url: string;
  protocol: RepoProtocol;
}

const MAX_LENGTH = 4096;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])$/;
const SCP_LIKE = /^(?:([A-Za-z0-9._][A-Za-z0-9._-]*)@)?([^/@:]+):(.+)$/;
const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Checks a repository URL before git sees it: `https://`, `ssh://`, `user@host:path`,
 * `file://` or an absolute path; `http://` only to a loopback address (credentials would cross
 * the network in clear text otherwise). Options (`-...`), whitespace, control characters and
 * transport helpers (`ext::`, `fd::`, ...) are refused.
 */
export function parseRepoUrl(url: string): RepoUrl {
  const shown = JSON.stringify(redact(url));
  const refuse = (why: string): never => {
    throw new GitError('invalid', `repository URL ${shown} refused: ${why}`);
  };
  if (url.length === 0 || url.length > MAX_LENGTH)
    refuse(`it must be 1 to ${MAX_LENGTH} characters`);
  if (url.startsWith('-')) refuse('it starts with "-"');
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(url)) refuse('it contains whitespace or control characters');
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(url))
    refuse('transport helpers (such as ext::) are not allowed');
  if (url.startsWith('/')) return { url, protocol: 'file' };

  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme !== undefined) return { url, protocol: schemeProtocol(url, scheme, refuse) };

  const scp = SCP_LIKE.exec(url);
  if (scp !== null) {
    const host = scp[2] ?? '';
    if (!HOST.test(host)) refuse(`"${host}" is not a host name`);
    return { url, protocol: 'ssh' };
  }
  return refuse('use https://, ssh://, user@host:path, file:// or an absolute path');
}

function schemeProtocol(url: string, scheme: string, refuse: (why: string) => never): RepoProtocol {
  if (scheme !== 'https' && scheme !== 'http' && scheme !== 'ssh' && scheme !== 'file') {
    return refuse(`the protocol ${scheme}:// is not supported`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse('it is not a valid URL');
  }
  if (scheme === 'file') {
    if (parsed.hostname !== '' && parsed.hostname !== 'localhost')
      refuse('file:// must name a local path');
    return 'file';
  }
  if (!HOST.test(parsed.hostname)) refuse('it has no valid host name');
  if (parsed.username.startsWith('-')) refuse('the user name starts with "-"');
  if (scheme === 'http' && !LOOPBACK.test(parsed.hostname)) {
    refuse('http:// is allowed only to a loopback address; use https://');
  }
  return scheme;
}
