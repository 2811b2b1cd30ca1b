import { randomBytes } from 'node:crypto';

/** How long a session opened by the sign-in form lasts. */
export const SESSION_MS = 12 * 60 * 60 * 1000;
/** Sessions kept at once; opening one more forgets the oldest. */
const MAX_SESSIONS = 1_000;

/**
 * The dashboard's sessions, kept on the server: a random id per sign-in, valid until it expires.
 * The cookie carries the id, never the read token.
 */
export class Sessions {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  /** A new session's id (256 random bits, base64url). */
  open(): string {
    const id = randomBytes(32).toString('base64url');
    this.expiries.set(id, this.now() + SESSION_MS);
    if (this.expiries.size > MAX_SESSIONS) {
      const oldest = this.expiries.keys().next().value;
      if (oldest !== undefined) this.expiries.delete(oldest);
    }
    return id;
  }

  /** True while `id` names a session that has not expired. */
  valid(id: string): boolean {
    const expiry = this.expiries.get(id);
    if (expiry === undefined) return false;
    if (expiry > this.now()) return true;
    this.expiries.delete(id);
    return false;
  }
}
