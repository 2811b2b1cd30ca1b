import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { GitError } from './git-error.js';

/** The SSH key the bot's commits are signed with, as git signs and verifies with it. */
export interface SigningKey {
  /** The private key file git signs with; absent when only the public half was given. */
  privateKeyFile?: string;
  /** One line: `ssh-ed25519 AAAA...`, without a comment. */
  publicKey: string;
  /** As git prints a signature's key (`%GF`): `SHA256:` and the unpadded base64 digest. */
  fingerprint: string;
}

const PUBLIC_KEY = /^((?:ssh|ecdsa|sk)-[A-Za-z0-9@.-]+) ([A-Za-z0-9+/]+={0,3})(?:\s.*)?$/;

/**
 * Reads an SSH key for signing: a private key file (its public half worked out by ssh-keygen,
 * which refuses a key with a passphrase or one other users may read) or, to verify only, a public
 * key file. Throws an invalid GitError that says what to give instead.
 */
export function readSigningKey(file: string): SigningKey {
  const path = resolve(file);
  const refuse = (why: string): never => {
    throw new GitError(
      'invalid',
      `signing key ${path} refused: ${why}; give an SSH private key without a passphrase that ` +
        'only this user can read (ssh-keygen -t ed25519 -N "" -f FILE), or its .pub to verify only',
    );
  };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return refuse(`it cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const given = publicKeyOf(text.trim());
  if (given !== undefined) return { publicKey: given, fingerprint: fingerprintOf(given) };
  let derived: string;
  try {
    derived = execFileSync('ssh-keygen', ['-y', '-f', path], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 10_000,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
    });
  } catch (error) {
    const output = (error as { stderr?: unknown }).stderr;
    const stderr = typeof output === 'string' ? output.trim() : '';
    return refuse(`ssh-keygen cannot read it (${stderr.split('\n')[0] || 'no SSH key'})`);
  }
  const publicKey = publicKeyOf(derived.trim()) ?? refuse('ssh-keygen gave no public key for it');
  return { privateKeyFile: path, publicKey, fingerprint: fingerprintOf(publicKey) };
}

/** `TYPE BASE64` of a public key line, without its comment; undefined for anything else. */
function publicKeyOf(line: string): string | undefined {
  const match = PUBLIC_KEY.exec(line);
  return match === null ? undefined : `${match[1] ?? ''} ${match[2] ?? ''}`;
}

function fingerprintOf(publicKey: string): string {
  const blob = Buffer.from(publicKey.split(' ')[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The line of git's allowed signers file (`gpg.ssh.allowedSignersFile`) for the bot's key. */
export function allowedSignersLine(email: string, key: SigningKey): string {
  return `${email} namespaces="git" ${key.publicKey}\n`;
}
