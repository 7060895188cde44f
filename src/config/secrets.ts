// The policy for the machine secrets an operator sets (SECRET_KEY, METRICS_TOKEN): random, never a
// value anyone has seen in print. Production refuses a weak one (loadConfig), `fms doctor` reports
// it in every mode, and each refusal names the variable and the command that makes a good value.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { fmsVersion } from './fms-version.js';
// eslint-disable-next-line import-x/no-restricted-paths -- a pure estimate (no config, no framework); config/ is where secrets are judged
import { REQUIRED_SECRET_BITS, secretWeakness } from '../lib/secret-strength.js';
// eslint-disable-next-line import-x/no-restricted-paths -- the common-password list the estimate loads on first use
import { commonPasswords } from '../lib/zxcvbn.js';

export type SecretName = 'SECRET_KEY' | 'METRICS_TOKEN';

/** Used when SECRET_KEY is unset outside production; production refuses it. */
export const developmentSecretKey = 'development-only-insecure-secret-key-not-for-production';

/**
 * Secrets printed where anyone can read them: our docs, .env.example and test suites (which are
 * public with the code), the Flask guide and Flask's own docs that FMS's operators know, and the
 * usual placeholders. Compared after trimming and case-folding, and as near copies (see
 * nearCopyOf), since people edit a placeholder a little rather than replace it.
 */
export const publishedSecretValues: readonly string[] = [
  developmentSecretKey,
  // .env.example
  'change-me-to-a-long-random-string-of-at-least-32-characters',
  // The Flask deployment guide that FMS's operators followed before.
  'your_very_long_random_and_ultra_secret_key_goes_here_do_not_share!',
  // Flask's documentation: the configuration example and the old quickstart.
  '192b9bdd22ab9ed4d12e236c78afcb9a393ec15f71bbf5dc987d54727823bcbf',
  'A0Zr98j/3yX R~XHH!jmN]LWX/,?RT',
  // Keys written into FMS's test suites.
  '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  'doctor-test-secret-key-with-enough-entropy-5d2a',
  'a-production-secret-key-with-entropy-8e1f0c',
  'production-secret-key-with-enough-entropy-4f9a2c',
  // Placeholders from tutorials.
  'change-me',
  'changeme',
  'secret',
  'secret-key',
  'secretkey',
  'super-secret-key',
  'supersecretkey',
  'your-secret-key',
  'your-secret-key-here',
  'you-will-never-guess',
  'dev',
  'development',
];

const fold = (value: string) => value.trim().toLowerCase();

/** Every published value, folded: the exact matches production refuses. */
export const documentedSecretKeys: ReadonlySet<string> = new Set(publishedSecretValues.map(fold));

/** The service's own words: an attacker tries them first (they count in the estimate, not as a match). */
const serviceWords = ['fms', 'faculty', 'management', 'system', 'faculty management system', 'secret', 'key', 'token', 'metrics', 'production'];

/** What a good value is, in every message. */
export function secretFix(name: SecretName): string {
  return name === 'SECRET_KEY'
    ? 'set SECRET_KEY to the output of `openssl rand -hex 32`'
    : 'set METRICS_TOKEN to the output of `openssl rand -hex 32` (and give Prometheus the same value)';
}

/**
 * A run of this many characters shared with a published value makes a near copy: the development
 * key minus one character shares 54, while two random keys share 12 characters in a row about once
 * in 10^11 tries (hex) or never (base64).
 */
const NEAR_COPY_RUN = 12;

/** Fewer different characters than this is no generator's output (hex uses 16, base64 64). */
const MIN_DISTINCT_CHARACTERS = 8;

/** The published value this one is a near copy of (a long shared run of characters), if any. */
export function nearCopyOf(value: string): string | null {
  const folded = fold(value).slice(0, 256);
  for (const published of publishedSecretValues) {
    const other = fold(published);
    if (other.length >= NEAR_COPY_RUN && longestCommonRun(folded, other) >= NEAR_COPY_RUN) return published;
  }
  return null;
}

function longestCommonRun(a: string, b: string): number {
  let best = 0;
  let previous = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      if (a[i - 1] === b[j - 1]) {
        current[j] = previous[j - 1]! + 1;
        if (current[j]! > best) best = current[j]!;
      }
    }
    previous = current;
  }
  return best;
}

/**
 * A hex digest of a well-known input looks random to any estimate but is printed all over the web:
 * the MD5, SHA-1, SHA-256 and SHA-512 of the empty string and of the commonest passwords (people
 * "generate" a key with `echo password | sha256sum`, or hash nothing at all).
 */
const COMMON_INPUTS_HASHED = 1000;
let commonDigests: Set<string> | null = null;

function isDigestOfCommonInput(value: string): boolean {
  const hex = value.toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex) || ![32, 40, 64, 128].includes(hex.length)) return false;
  if (!commonDigests) {
    const inputs = ['', ...commonPasswords().slice(0, COMMON_INPUTS_HASHED), ...publishedSecretValues, ...serviceWords];
    // `echo word | sha256sum` hashes the newline too.
    const variants = inputs.flatMap((input) => [input, `${input}\n`]);
    commonDigests = new Set(variants.flatMap((input) => ['md5', 'sha1', 'sha256', 'sha512'].map((algorithm) => createHash(algorithm).update(input).digest('hex'))));
  }
  return commonDigests.has(hex);
}

/**
 * What is wrong with a secret, as one line naming the variable and the fix, or null when it is
 * random enough. The checks run from the plainest mistake to the subtlest, so the message says the
 * most useful thing: a printed value, a near copy of one, too short, too few different characters,
 * then not random (by estimate).
 */
export function secretProblem(name: SecretName, value: string, minLength: number, options: { estimate?: boolean } = {}): string | null {
  const fix = secretFix(name);
  const trimmed = value.trim();
  if (!trimmed) return `${name} is missing: ${fix}`;
  // A .env file is not run by a shell: `$(openssl rand -hex 32)` arrives as those very characters.
  if (/\$\(|`/.test(trimmed)) return `${name} holds a shell command, not its output (.env files and systemd's EnvironmentFile do not run commands): run \`openssl rand -hex 32\` and paste what it prints; ${fix}`;
  if (documentedSecretKeys.has(fold(trimmed))) return `${name} is a value from the documentation: ${fix}`;
  if (nearCopyOf(trimmed)) return `${name} is a near copy of a value from the documentation or an example: ${fix}`;
  if (isDigestOfCommonInput(trimmed)) return `${name} is the well-known hash of an empty or common text (such as MD5 or SHA-256 of "password"), not a random value: ${fix}`;
  if ([...trimmed].length < minLength) return `${name} is shorter than ${minLength} characters: ${fix}`;
  // The estimate counts the alphabet by character classes; a key drawn from a handful of letters
  // would be credited with all 26. Real generators use 16 or 64 symbols.
  if (new Set(trimmed).size < MIN_DISTINCT_CHARACTERS) return `${name} is too repetitive to be random (fewer than ${MIN_DISTINCT_CHARACTERS} different characters): ${fix}`;
  return options.estimate === false ? null : secretEstimateProblem(name, trimmed);
}

/**
 * The last and slowest check of secretProblem alone: the estimate of how guessable the value is
 * (zxcvbn, 0.3–0.7 s the first time as it builds its dictionaries). `fms serve`'s primary runs
 * it while its workers start (cluster.ts); everything else runs it through secretProblem.
 */
export function secretEstimateProblem(name: SecretName, value: string): string | null {
  const weakness = secretWeakness(value.trim(), [...publishedSecretValues, ...serviceWords]);
  return weakness ? `${name} ${weakness}: ${secretFix(name)}` : null;
}

/**
 * The variable through which `fms serve`'s primary tells the workers it forks that it judges their
 * secrets (the estimate while they start; each waits for its word before listening, cluster.ts):
 * the estimate loads zxcvbn's dictionaries (0.3–0.7 s and 70 MB per process), and a worker
 * started with the same SECRET_KEY and METRICS_TOKEN would only judge them again. A worker that reads
 * other values (a reload after SECRET_KEY_FILE changed), or runs another version of FMS or another
 * policy (a reload onto an upgrade), judges its own; only a cluster worker reads it at all.
 */
export const SECRETS_JUDGED_VARIABLE = 'FMS_SECRETS_JUDGED';

/**
 * A keyed digest of the judged values and of the policy that judged them (FMS's version, the bar,
 * the values refused as printed): only a process holding the same SECRET_KEY, on the same policy,
 * can match it.
 */
export function judgedSecretsDigest(secretKey: string, metricsToken: string): string {
  const policy = JSON.stringify([fmsVersion(), REQUIRED_SECRET_BITS, publishedSecretValues, serviceWords]);
  return createHmac('sha256', secretKey).update(`fms: secrets judged\0${policy}\0${metricsToken}`).digest('hex');
}

/** Whether the primary judged exactly these values (see SECRETS_JUDGED_VARIABLE). */
export function judgedByPrimary(digest: string | undefined, secretKey: string, metricsToken: string): boolean {
  if (!digest || !secretKey) return false;
  const expected = Buffer.from(judgedSecretsDigest(secretKey, metricsToken));
  const given = Buffer.from(digest);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
