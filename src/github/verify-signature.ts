import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * True when `header` (`sha256=<64 hex digits>`, GitHub's X-Hub-Signature-256) is the HMAC-SHA256
 * of the raw bytes of `body` under `secret`, compared in constant time. The bytes are used as
 * received: two bodies that decode to the same text but differ in bytes do not share a signature.
 */
export function signatureMatches(secret: string, body: Uint8Array, header: string): boolean {
  const match = /^sha256=([0-9a-f]{64})$/.exec(header);
  if (match?.[1] === undefined) return false;
  const given = Buffer.from(match[1], 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
