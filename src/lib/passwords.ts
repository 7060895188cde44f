// Password policy and storage: NIST 800-63B style (length, not composition rules; refuse known
// passwords), argon2id hashes (OWASP parameters; cheaper in the testing mode only).
import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;

let known: Set<string> | null = null;
/** ~49,000 common and breached passwords shipped with zxcvbn-ts, checked without any network. */
function knownPasswords(): Set<string> {
  known ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  return known;
}

/** Returns what is wrong with a new password, or null when it is acceptable. */
export function passwordProblem(password: string, context: { username?: string } = {}): string | null {
  const length = [...password.normalize('NFC')].length;
  if (length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  const lower = password.toLowerCase();
  if (knownPasswords().has(lower)) return 'This password is on a list of common or breached passwords; choose another.';
  if (new Set(password).size < 4) return 'This password repeats too few characters; choose a less predictable one.';
  if (context.username && lower.includes(context.username.toLowerCase()) && context.username.length >= 3)
    return 'The password must not contain your username.';
  return null;
}

export interface HashOptions {
  /** Lower cost for the test suite only; production uses OWASP's argon2id parameters. */
  fast?: boolean;
}

const ALGORITHM_ARGON2ID = 2;

export async function hashPassword(password: string, options: HashOptions = {}): Promise<string> {
  return hash(password.normalize('NFC'), {
    algorithm: ALGORITHM_ARGON2ID,
    ...(options.fast
      ? { memoryCost: 1024, timeCost: 1, parallelism: 1 }
      : { memoryCost: 19456, timeCost: 2, parallelism: 1 }),
  });
}

/**
 * A generated one-time password has ~93 random bits: no dictionary or brute force reaches it, so a
 * slow hash buys nothing. A light argon2id lets a bulk import make 10,000 accounts in seconds; the
 * holder must choose their own password at the first sign-in, which gets the full cost (ADR 0007).
 */
export async function hashOneTimePassword(password: string): Promise<string> {
  return hash(password, { algorithm: ALGORITHM_ARGON2ID, memoryCost: ONE_TIME_MEMORY_KIB, timeCost: 1, parallelism: 1 });
}

const ONE_TIME_MEMORY_KIB = 256;

/**
 * Whether a stored hash has the light one-time parameters. Sign-in then spends the full cost as
 * well, so timing cannot tell an untouched new account from any other.
 */
export function isOneTimeHash(hashed: string): boolean {
  return hashed.startsWith(`$argon2id$v=19$m=${ONE_TIME_MEMORY_KIB},t=1,p=1$`);
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await verify(hashed, password.normalize('NFC'));
  } catch {
    return false;
  }
}

let dummy: Promise<string> | null = null;
/**
 * Spends the same time as a real verification, so an unknown username cannot be told from a wrong
 * password by timing.
 */
export async function verifyAgainstDummy(password: string, options: HashOptions = {}): Promise<void> {
  dummy ??= hashPassword('dummy password for timing only', options);
  await verifyPassword(await dummy, password);
}
