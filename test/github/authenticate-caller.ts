import { jwtProblem } from './verify-app-jwt.js';

/** A GitHub App as the fake knows it. */
export interface FakeGitHubApp {
  id: number;
  /** PEM of the App's public key: JWTs must be signed with its private key. */
  publicKeyPem: string;
  /** The installation on the fake's repository. */
  installationId: number;
  /** Comments and check runs show `SLUG[bot]` as their author; `dockstack` by default. */
  slug?: string;
}

/** `token`: the configured token; `installation`: a token the fake issued; `app`: a JWT. */
export type CallerKind = 'token' | 'installation' | 'app';

export interface Caller {
  kind: CallerKind;
  login: string;
}

export interface Credentials {
  token?: string;
  /** The login the token belongs to. */
  login: string;
  app?: FakeGitHubApp;
  installationTokens: ReadonlySet<string>;
}

/** Who an `Authorization` header authenticates, or why it does not. */
export function authenticateCaller(
  header: string | undefined,
  credentials: Credentials,
): { caller: Caller } | { refused: string } {
  const match = /^(token|bearer)\s+(\S+)$/i.exec(header ?? '');
  const secret = match?.[2];
  if (secret === undefined) return { refused: 'Requires authentication' };
  if (credentials.token !== undefined && secret === credentials.token) {
    return { caller: { kind: 'token', login: credentials.login } };
  }
  const { app } = credentials;
  if (app === undefined) return { refused: 'Bad credentials' };
  const bot = `${app.slug ?? 'dockstack'}[bot]`;
  if (credentials.installationTokens.has(secret)) {
    return { caller: { kind: 'installation', login: bot } };
  }
  if (match?.[1]?.toLowerCase() !== 'bearer' || secret.split('.').length !== 3) {
    return { refused: 'Bad credentials' };
  }
  const problem = jwtProblem(secret, app);
  return problem === undefined
    ? { caller: { kind: 'app', login: app.slug ?? 'dockstack' } }
    : { refused: `A JSON web token could not be decoded: ${problem}` };
}
