/**
 * The secrets a repository URL carries: its user-info (a token may stand alone as the user name
 * or follow it as the password), as written and percent-decoded. A password counts at any length
 * (redact masks a short one where it stands alone); a user name alone counts from 4 characters,
 * as a token would be: `ssh://git@host` names a user, not a secret.
 */
export function urlSecrets(url: string): string[] {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/@]+)@/i.exec(url);
  const userInfo = match?.[1];
  if (userInfo === undefined) return [];
  const colon = userInfo.indexOf(':');
  const user = colon === -1 ? userInfo : userInfo.slice(0, colon);
  const password = colon === -1 ? '' : userInfo.slice(colon + 1);
  const parts = [
    ...[userInfo, user].filter((part) => part.length >= 4),
    ...(password === '' ? [] : [password]),
  ];
  const secrets = new Set<string>();
  for (const part of parts) {
    secrets.add(part);
    secrets.add(safeDecode(part));
  }
  return [...secrets];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
