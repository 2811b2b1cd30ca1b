import { createPublicKey, verify } from 'node:crypto';

/**
 * What is wrong with a GitHub App's JWT, as GitHub checks it: RS256, signed by the App's key,
 * `iss` the App's id, issued no later than a minute from now, expiring in the future and at most
 * ten minutes after it was issued. Undefined when it is good.
 */
export function jwtProblem(
  jwt: string,
  app: { id: number; publicKeyPem: string },
  now = Math.floor(Date.now() / 1000),
): string | undefined {
  const [header, payload, signature, ...rest] = jwt.split('.');
  if (header === undefined || payload === undefined || signature === undefined || rest.length > 0) {
    return 'not a JWT';
  }
  let claims: { alg?: unknown; iss?: unknown; iat?: unknown; exp?: unknown };
  try {
    const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown };
    if (head.alg !== 'RS256') return `JWT algorithm ${String(head.alg)} is not RS256`;
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return 'JWT could not be decoded';
  }
  const signed = verify(
    'RSA-SHA256',
    Buffer.from(`${header}.${payload}`),
    createPublicKey(app.publicKeyPem),
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) return "JWT signature does not match the App's public key";
  if (String(claims.iss) !== String(app.id)) return `JWT iss ${String(claims.iss)} is not the App`;
  if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') {
    return 'JWT lacks iat or exp';
  }
  if (claims.iat > now + 60) return 'JWT issued in the future';
  if (claims.exp <= now) return 'JWT expired';
  if (claims.exp - claims.iat > 600) return 'JWT lives longer than ten minutes';
  return undefined;
}
