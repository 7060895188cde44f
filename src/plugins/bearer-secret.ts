// Comparing a bearer token with a configured secret (METRICS_TOKEN) without leaking, through the
// time the comparison takes, how much of a guess was right.
import { timingSafeEqual } from 'node:crypto';

/** The token of an `Authorization: Bearer <token>` header, or null for anything else. */
export function bearerToken(authorization: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match ? match[1]! : null;
}

/** Whether two secrets are equal, in a time that depends on their length only. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether the Authorization header carries `secret` as its bearer token. */
export function bearerIs(authorization: string | undefined, secret: string): boolean {
  const token = bearerToken(authorization);
  return token !== null && sameSecret(token, secret);
}
