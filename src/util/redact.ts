const USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"<>]+@/gi;
/** Query parameters whose value is a credential, by name. */
const SECRET_PARAM =
  /([?&;](?:[a-z0-9_.-]*(?:token|secret|passw(?:or)?d|pwd|key|sig(?:nature)?|auth|credential)s?[a-z0-9_.-]*)=)[^&#;\s'"<>]*/gi;
const MASK = '***';

/**
 * Hides credentials in text that may quote a URL or a secret: the user-info of every
 * `scheme://user[:password]@` (a token may stand alone as the user name), the values of query
 * parameters named like credentials (`access_token`, `password`, `sig`, ...), and each given secret
 * wherever it appears, as written, JSON-escaped or percent-encoded. Secrets shorter than 4
 * characters are not searched for: they would mask ordinary words.
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text.replace(USER_INFO, `$1${MASK}@`).replace(SECRET_PARAM, `$1${MASK}`);
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
  }
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    out = out.split(form).join(MASK);
  }
  return out;
}
