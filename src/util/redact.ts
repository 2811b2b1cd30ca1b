const USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"<>]+@/gi;
/** Query parameters whose value is a credential, by name. */
const SECRET_PARAM =
  /([?&;](?:[a-z0-9_.-]*(?:token|secret|passw(?:or)?d|pwd|key|sig(?:nature)?|auth|credential)s?[a-z0-9_.-]*)=)[^&#;\s'"<>]*/gi;
const MASK = '***';
/** Secrets shorter than this are masked where they stand alone, not inside longer words. */
const SHORT = 4;

/**
 * Hides credentials in text that may quote a URL or a secret: the user-info of every
 * `scheme://user[:password]@` (a token may stand alone as the user name), the values of query
 * parameters named like credentials (`access_token`, `password`, `sig`, ...), and each given secret
 * wherever it appears, as written, JSON-escaped or percent-encoded. A secret shorter than 4
 * characters is masked where it stands alone (not touching a letter, digit or `_`): inside longer
 * words it would mask ordinary text, and tell where the secret is not.
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text.replace(USER_INFO, `$1${MASK}@`).replace(SECRET_PARAM, `$1${MASK}`);
  const forms = new Set<string>();
  const short = new Set<string>();
  for (const secret of secrets) {
    if (secret === '') continue;
    for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]) {
      (secret.length < SHORT ? short : forms).add(form);
    }
  }
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    out = out.split(form).join(MASK);
  }
  if (short.size > 0) {
    const alternatives = [...short]
      .sort((a, b) => b.length - a.length)
      .map((form) => form.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'))
      .join('|');
    out = out.replace(
      new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives})(?![\\p{L}\\p{N}_])`, 'gu'),
      MASK,
    );
  }
  return out;
}
