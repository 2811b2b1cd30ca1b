import { identityToRecipient } from 'age-encryption';

/**
 * An age identity (private key) and its recipient (public key). The identity is kept in memory
 * only and is never printed: messages name the recipient and where the identity came from.
 */
export interface AgeIdentity {
  identity: string;
  recipient: string;
  /** Where it was read: `SOPS_AGE_KEY_FILE (/path)`, `--age-identity-file /path`, ... */
  source: string;
}

/** A place identities are looked for, and what was found there. */
export interface KeySource {
  name: string;
  /** The recipients of the identities found there. */
  recipients: string[];
  /** Why the place gave no identity (no such file, a line that is no identity, ...). */
  problem?: string;
}

/** Every age identity found, and the places looked at, in order. */
export interface AgeKeyring {
  identities: AgeIdentity[];
  sources: KeySource[];
}

export const EMPTY_KEYRING: AgeKeyring = { identities: [], sources: [] };

const IDENTITY = /^AGE-SECRET-KEY-(?:PQ-)?1[0-9A-Z]+$/;

/**
 * The identities in the text of a key file (as age-keygen writes it: one identity a line, `#`
 * comments and blank lines ignored), found at `source`. A line that is not an identity makes the
 * whole source a problem, naming the line only by its number.
 */
export async function readIdentities(
  text: string,
  source: string,
): Promise<{ identities: AgeIdentity[]; source: KeySource }> {
  const identities: AgeIdentity[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    let recipient: string | undefined;
    if (IDENTITY.test(line)) {
      try {
        recipient = await identityToRecipient(line);
      } catch {
        recipient = undefined;
      }
    }
    if (recipient === undefined) {
      return {
        identities: [],
        source: {
          name: source,
          recipients: [],
          problem: `line ${index + 1} is not an age identity (AGE-SECRET-KEY-1...)`,
        },
      };
    }
    identities.push({ identity: line, recipient, source });
  }
  return {
    identities,
    source: {
      name: source,
      recipients: identities.map((i) => i.recipient),
      ...(identities.length === 0 ? { problem: 'holds no age identity' } : {}),
    },
  };
}

/** The keyrings' identities and places together, in order; an identity found twice once. */
export function joinKeyrings(keyrings: readonly AgeKeyring[]): AgeKeyring {
  const seen = new Set<string>();
  const identities: AgeIdentity[] = [];
  for (const keyring of keyrings) {
    for (const identity of keyring.identities) {
      if (seen.has(identity.identity)) continue;
      seen.add(identity.identity);
      identities.push(identity);
    }
  }
  return { identities, sources: keyrings.flatMap((k) => k.sources) };
}

/** `age1abc...xyz (SOPS_AGE_KEY_FILE (/path))`, one per identity, or what was not found where. */
export function describeKeyring(keyring: AgeKeyring): string {
  if (keyring.sources.length === 0) return 'no place was looked at';
  return keyring.sources
    .map((source) =>
      source.problem !== undefined
        ? `${source.name}: ${source.problem}`
        : `${source.name}: ${source.recipients.join(', ')}`,
    )
    .join('; ');
}
