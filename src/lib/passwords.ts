// Password policy and storage: NIST 800-63B style (length, no composition rules; refuse expected,
// dictionary, repetitive, sequential and context-specific values), argon2id hashes (OWASP
// parameters; cheaper in the testing mode only).
import { hash, verify } from '@node-rs/argon2';
import { famousPassphrases, publishedDemoPasswords, serviceWords } from './published-passwords.js';
import { commonPasswords, zxcvbnCheck } from './zxcvbn.js';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;

/**
 * The fewest guesses a new password must need, by zxcvbn's estimate with the user's and the
 * service's words as a dictionary of their own: 10^10, zxcvbn's top score ("strong protection from
 * offline slow-hash scenario"). It is what a stolen database costs: 10^10 argon2id verifications
 * at 19 MiB each. Online guessing is held back by the lockout anyway. The bar refuses every weak
 * password the 2026-12-05 review found accepted (Welcome12345, P@ssw0rd1234, December2026!, …
 * all under 10^8) and keeps what NIST's length rule admits: a random 12 characters (at least
 * 10^10 in 3,000 tries), three uncommon words with spaces, 12 letters of any script.
 */
export const MIN_PASSWORD_GUESSES_LOG10 = 10;

/**
 * zxcvbn runs on the event loop and its cost grows with the square of the length: the first 64
 * characters decide (a few milliseconds; 128 digits would take a fifth of a second).
 */
const ANALYSED_CHARACTERS = 64;

const CHOOSE_BETTER = 'choose a longer passphrase of several unrelated words';

let known: Set<string> | null = null;
/** ~49,000 common and breached passwords shipped with zxcvbn-ts, checked without any network. */
function knownPasswords(): Set<string> {
  known ??= new Set(commonPasswords().map((p) => p.toLowerCase()));
  return known;
}

const folded = (text: string) => text.trim().toLowerCase();
const lettersAndDigits = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

export interface PasswordPolicyOptions {
  /**
   * Let the exact published demo passwords through (and nothing else): only the demo seed, through
   * setPasswordForDemo, may set them. Production refuses to start while a demo account holds one.
   */
  allowPublishedDemoPassword?: boolean;
}

/** Returns what is wrong with a new password, or null when it is acceptable. */
export function passwordProblem(password: string, context: { username?: string } = {}, options: PasswordPolicyOptions = {}): string | null {
  const normalized = password.normalize('NFC');
  const characters = [...normalized];
  if (characters.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (characters.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  const lower = normalized.toLowerCase();
  if (publishedDemoPasswords.some((p) => folded(p) === folded(normalized))) {
    if (options.allowPublishedDemoPassword && publishedDemoPasswords.includes(normalized)) return null;
    return `This is a published demo password, printed in FMS's documentation: ${CHOOSE_BETTER}.`;
  }
  const squeezed = lettersAndDigits(normalized);
  if (famousPassphrases.some((p) => squeezed.includes(p))) return `This is a famous example passphrase that every attacker tries: ${CHOOSE_BETTER}.`;
  if (knownPasswords().has(lower)) return 'This password is on a list of common or breached passwords; choose another.';
  if (new Set(normalized).size < 4) return 'This password repeats too few characters; choose a less predictable one.';
  const username = context.username?.toLowerCase() ?? '';
  if (username.length >= 3 && lower.includes(username)) return 'The password must not contain your username.';

  // The words an attacker tries first against this account: its username and the parts of it
  // ("novak" of "s.novak"), the service's own names, the published passwords.
  const userInputs = [...serviceWords, ...publishedDemoPasswords, ...famousPassphrases];
  if (username) userInputs.push(username, ...username.split(/[^\p{L}\p{N}]+/u).filter((part) => part.length >= 3));
  const result = zxcvbnCheck(characters.slice(0, ANALYSED_CHARACTERS).join(''), userInputs);
  if (result.guessesLog10 >= MIN_PASSWORD_GUESSES_LOG10) return null;
  const ownWords = result.sequence.some((m) => m.pattern === 'dictionary' && m.dictionaryName === 'userInputs');
  return ownWords
    ? `This password is built on this service's name, your username or a published password: ${CHOOSE_BETTER}.`
    : `This password is easy to guess (common words, names, dates, keyboard patterns or repetitions): ${CHOOSE_BETTER}.`;
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

/**
 * Whether a stored hash opens with one of the published demo passwords (skipping one-time hashes,
 * which hold random passwords). The checks run together on libuv's thread pool.
 */
export async function holdsPublishedDemoPassword(hashed: string): Promise<boolean> {
  if (isOneTimeHash(hashed)) return false;
  return (await Promise.all(publishedDemoPasswords.map((p) => verifyPassword(hashed, p)))).includes(true);
}
