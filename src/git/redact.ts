/**
 * The secrets a repository URL carries: its user-info (a token may stand alone as the user name
 * or follow it as the password), as written and percent-decoded.
 */
export function urlSecrets(url: string): string[] {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/@]+)@/i.exec(url);
  const userInfo = match?.[1];
  if (userInfo === undefined) return [];
  const parts = [userInfo, ...userInfo.split(':')].filter((part) => part.length >= 4);
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
