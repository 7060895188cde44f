// Random identifiers and their hashes: session ids, API tokens, one-time passwords, error ids.
import { createHash, randomBytes, randomInt } from 'node:crypto';

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** sha256 hex: what we store for high-entropy secrets (session ids, API tokens). */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

// No 0/O, 1/l/I: one-time passwords are read off a screen or a sheet of paper and typed.
const readable = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A one-time password: 16 readable characters in groups of four (about 93 bits). */
export function oneTimePassword(): string {
  let out = '';
  for (let i = 0; i < 16; i++) {
    if (i > 0 && i % 4 === 0) out += '-';
    out += readable[randomInt(readable.length)];
  }
  return out;
}

/** A short id shown on error pages and written to the log beside the error. */
export function errorId(): string {
  return randomBytes(6).toString('hex');
}
