// The strength estimate for machine secrets: what operators generate passes every time, and what
// the 2026-12-05 review found accepted in production does not.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { alphabetSize, estimateSecretStrength, REQUIRED_SECRET_BITS, secretWeakness } from './secret-strength.js';

/** The commands the docs give, and the Python one Flask-era operators know. */
const generators: Record<string, () => string> = {
  'openssl rand -hex 32': () => randomBytes(32).toString('hex'),
  'openssl rand -hex 16': () => randomBytes(16).toString('hex'),
  'openssl rand -base64 32': () => randomBytes(32).toString('base64'),
  'openssl rand -base64 48': () => randomBytes(48).toString('base64'),
  'python -c "import secrets; print(secrets.token_urlsafe(32))"': () => randomBytes(32).toString('base64url'),
};

const SAMPLES = 200;

describe('random secrets pass', () => {
  for (const [command, generate] of Object.entries(generators)) {
    test(`${SAMPLES} outputs of ${command} all pass`, () => {
      let lowest = Infinity;
      for (let i = 0; i < SAMPLES; i++) {
        const secret = generate();
        const strength = estimateSecretStrength(secret);
        lowest = Math.min(lowest, strength.bits);
        assert.equal(secretWeakness(secret), null, `${secret}: ${JSON.stringify(strength)}`);
      }
      assert.ok(lowest >= REQUIRED_SECRET_BITS, `lowest estimate ${lowest}`);
    });
  }

  test('the unluckiest random key seen (CI, 2026-12-07: "0000", "2000" as a date) passes', () => {
    const strength = estimateSecretStrength('6420000233224de51ef90009065766d5');
    assert.ok(strength.bits > 90 && strength.bits < 96, `estimated ${strength.bits} bits`);
    assert.equal(secretWeakness('6420000233224de51ef90009065766d5'), null);
  });

  test('a 128-bit key is estimated near 128 bits, a 256-bit key near 256', () => {
    const median = (generate: () => string) => {
      const bits = Array.from({ length: 41 }, () => estimateSecretStrength(generate()).bits).sort((a, b) => a - b);
      return bits[20]!;
    };
    const short = median(generators['openssl rand -hex 16']!);
    const long = median(generators['openssl rand -hex 32']!);
    assert.ok(short > 110 && short <= 140, `hex 16 median ${short}`);
    assert.ok(long > 220 && long <= 270, `hex 32 median ${long}`);
  });
});

describe('weak secrets are refused, however long', () => {
  const weak: Record<string, string> = {
    'the Flask guide placeholder': 'your_very_long_random_and_ultra_secret_key_goes_here_do_not_share!',
    'the alphabet and digits': 'abcdefghijklmnopqrstuvwxyz123456',
    'hex digits in order, twice': '0123456789abcdef0123456789abcdef',
    'digits in order': '12345678901234567890123456789012',
    'one letter and a few more': `${'a'.repeat(57)}bcdefgh`,
    'repeated runs with 8 distinct characters': 'ababababcdefghijcdefghijcdefghijcdefghij',
    'a password word, repeated': 'Passw0rd!Passw0rd!Passw0rd!Passw0rd!',
    'the development key minus one character': 'development-only-insecure-secret-key-not-for-productio',
    'the .env.example placeholder': 'change-me-to-a-long-random-string-of-at-least-32-characters',
    'a keyboard row': 'qwertyuiopasdfghjklzxcvbnm1234567890',
    'a sentence with l33t': 'Th1s_1s_my_s3cr3t_k3y_f0r_FMS_pr0duct10n',
    'the service name with a year': 'FacultyManagementSystemSecretKey2026!',
    'sixteen of one letter': 'aaaaaaaaaaaaaaaa',
    'sixteen zeros': '0000000000000000',
  };
  for (const [what, secret] of Object.entries(weak)) {
    test(what, () => {
      const problem = secretWeakness(secret);
      assert.ok(problem, `accepted: ${JSON.stringify(estimateSecretStrength(secret))}`);
      assert.match(problem, /^is (not random enough: about \d+ bits of guessing where \d+ are needed|made of words, not random characters)/);
    });
  }

  test('sequences and repetitions are named in the reason', () => {
    assert.match(secretWeakness('12345678901234567890123456789012')!, /repetition/);
    assert.match(secretWeakness('abcdefghijklmnopqrstuvwxyz123456')!, /sequence/);
    assert.match(secretWeakness('0123456789abcdef0123456789abcdef')!, /about \d+ bits/);
  });

  test('surrounding spaces do not make a weak secret strong', () => {
    assert.ok(secretWeakness('   aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa   '));
  });

  test('a random key with a long repetition in front of it counts only what is random', () => {
    // 64 random bits behind 40 a's: long, but an attacker guesses the a's at once.
    assert.ok(secretWeakness(`${'a'.repeat(40)}${randomBytes(8).toString('hex')}`));
  });
});

describe('known values are tried first', () => {
  test('a near copy of a known value is cheap when the value is given', () => {
    const known = 'every-word-of-this-printed-placeholder-is-known';
    const nearCopy = 'every-word-of-this-printed-placeholder-is-know';
    assert.ok(estimateSecretStrength(nearCopy, [known]).bits < estimateSecretStrength(nearCopy).bits);
    assert.ok(secretWeakness(nearCopy, [known]));
  });
});

describe('alphabetSize counts the alphabet a secret uses', () => {
  test('hex, base64, base64url, letters and punctuation', () => {
    assert.equal(alphabetSize('0123456789'), 10);
    assert.equal(alphabetSize('0123456789abcdef'), 16);
    assert.equal(alphabetSize('0123456789ABCDEF'), 16);
    assert.equal(alphabetSize('aZ09+/'), 64);
    assert.equal(alphabetSize('aZ09-_'), 64);
    assert.equal(alphabetSize('abcxyz'), 26);
    assert.equal(alphabetSize('abc!xyz'), 59);
    assert.equal(alphabetSize('aé'), 126);
  });

  test("base64's trailing = is padding and adds nothing", () => {
    const key = randomBytes(32).toString('base64');
    assert.match(key, /=$/);
    assert.equal(estimateSecretStrength(key).bits, estimateSecretStrength(key.replace(/=+$/, '')).bits);
  });
});
