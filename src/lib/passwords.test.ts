import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { TEST_PASSWORD } from '../../test/factories.js';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, passwordProblem, verifyAgainstDummy, verifyPassword } from './passwords.js';
import { demoPasswords } from './published-passwords.js';

/** A password of exactly n characters that is on no list and repeats nothing predictable. */
const randomPassword = (n: number) => randomBytes(n).toString('base64url').slice(0, n);
/** Twelve characters picked at random once (random ones pass too, but one in many thousands reads as a word). */
const TWELVE = 'q7Vm2xL9pR4t';

describe('passwordProblem: length', () => {
  test('the limits are the NIST ones: 12 to 128', () => {
    assert.equal(MIN_PASSWORD_LENGTH, 12);
    assert.equal(MAX_PASSWORD_LENGTH, 128);
  });

  test('11 characters are refused, 12 accepted', () => {
    assert.equal(passwordProblem(randomPassword(11)), 'Use at least 12 characters.');
    assert.equal(passwordProblem(TWELVE.slice(0, 11)), 'Use at least 12 characters.');
    assert.equal(passwordProblem(TWELVE), null);
    assert.equal(passwordProblem(''), 'Use at least 12 characters.');
  });

  test('128 characters are accepted, 129 refused', () => {
    assert.equal(passwordProblem(randomPassword(128)), null);
    assert.equal(passwordProblem(randomPassword(129)), 'Use at most 128 characters.');
  });

  test('spaces count: a passphrase is welcome', () => {
    assert.equal(passwordProblem('purple tiger mountain'), null);
  });
});

describe('passwordProblem: Unicode counts characters, not UTF-16 units', () => {
  const animals = [...'🐱🐶🐭🐹🐰🦊🐻🐼🐨🐯🦁🐮🐷🐸🐵🐔'];

  test('12 emoji are 12 characters', () => {
    const twelve = animals.slice(0, 12).join('');
    assert.equal(twelve.length, 24, 'each emoji is two UTF-16 units');
    assert.equal(passwordProblem(twelve), null);
  });

  test('6 emoji are 6 characters, not 12', () => {
    const six = animals.slice(0, 6).join('');
    assert.equal(six.length, 12);
    assert.equal(passwordProblem(six), 'Use at least 12 characters.');
  });

  test('128 emoji are accepted, 129 refused', () => {
    const emoji = (n: number) => Array.from({ length: n }, (_, i) => animals[i % animals.length]).join('');
    assert.equal(passwordProblem(emoji(128)), null);
    assert.equal(passwordProblem(emoji(129)), 'Use at most 128 characters.');
  });

  test('a Cyrillic passphrase of 12 letters is accepted, 11 refused', () => {
    assert.equal(passwordProblem('секретнаяфра'), null);
    assert.equal(passwordProblem('секретнаяфр'), 'Use at least 12 characters.');
  });

  test('letters typed with combining accents count once', () => {
    const accented = 'àéîõüñåÿèìòù';
    const decomposed = accented.slice(0, 11).normalize('NFD');
    assert.equal([...decomposed].length, 22, 'NFD: letter + combining mark');
    assert.equal(passwordProblem(decomposed), 'Use at least 12 characters.', '11 letters are still 11');
    assert.equal(passwordProblem(accented.normalize('NFD')), null);
  });
});

describe('passwordProblem: known and guessable passwords', () => {
  test('common and breached passwords are refused, whatever their case', () => {
    for (const known of ['qwerty123456', '1q2w3e4r5t6y', '123456789012', 'passwordpassword', 'QWERTY123456', '1Q2W3E4R5T6Y', 'PassWordPassWord']) {
      assert.match(passwordProblem(known) ?? 'accepted', /common or breached/, known);
    }
  });

  test('a password of one or two repeated characters is refused', () => {
    assert.match(passwordProblem('aaaaaaaaaaaaaaaa') ?? 'accepted', /repeats/);
    assert.match(passwordProblem('abababababababab') ?? 'accepted', /repeats/);
  });

  test('a password containing the username is refused, whatever its case', () => {
    assert.equal(passwordProblem('my-alice-password-2024', { username: 'alice' }), 'The password must not contain your username.');
    assert.equal(passwordProblem('my-ALICE-password-2024', { username: 'alice' }), 'The password must not contain your username.');
    assert.equal(passwordProblem('my-alice-password-2024', { username: 'Alice' }), 'The password must not contain your username.');
    assert.equal(passwordProblem('my-alice-password-2024', { username: 'bob' }), null);
    assert.equal(passwordProblem('my-alice-password-2024'), null);
  });
});

describe('passwordProblem: published, context-specific and guessable passwords (F5)', () => {
  const advice = /choose a longer passphrase of several unrelated words\.$/;

  test('the published demo passwords are refused, in any case, saying what to do', () => {
    for (const published of Object.values(demoPasswords)) {
      for (const variant of [published, published.toUpperCase(), ` ${published} `]) {
        const problem = passwordProblem(variant) ?? 'accepted';
        assert.match(problem, /published demo password/, variant);
        assert.match(problem, advice);
      }
    }
  });

  test('the demo seed may set exactly the published demo passwords, and nothing else weak', () => {
    for (const published of Object.values(demoPasswords)) assert.equal(passwordProblem(published, { username: 's.novak' }, { allowPublishedDemoPassword: true }), null);
    const allowed = { allowPublishedDemoPassword: true };
    assert.match(passwordProblem(demoPasswords.student.toUpperCase(), {}, allowed) ?? 'accepted', /published demo password/);
    assert.match(passwordProblem('Welcome12345', {}, allowed) ?? 'accepted', advice);
    assert.match(passwordProblem(`${demoPasswords.admin}-2`, {}, allowed) ?? 'accepted', advice);
  });

  test("the service's own words are refused", () => {
    for (const password of ['FacultyManagementSystem', 'faculty-fms-2026', 'fmsfmsfmsfms', 'Faculty Management System', 'fms-demo-student-2']) {
      const problem = passwordProblem(password) ?? 'accepted';
      assert.match(problem, /this service's name, your username or a published password|easy to guess|repeats/, password);
    }
  });

  test('the weak passwords the review saw accepted are refused', () => {
    for (const password of ['correcthorsebatterystaple', 'P@ssw0rd1234', 'Welcome12345', 'December2026!', 'changeme1234', 'abcdabcdabcd', 'Summer2026!!', 'iloveyou2026', 'lecturer2026']) {
      assert.match(passwordProblem(password) ?? 'accepted', advice, password);
    }
  });

  test('the famous xkcd passphrase is refused in any spacing, with anything added', () => {
    for (const password of ['correct horse battery staple', 'Correct-Horse-Battery-Staple', 'correct horse battery staple 42', 'my correcthorsebatterystaple!']) {
      assert.match(passwordProblem(password) ?? 'accepted', /famous example passphrase/, password);
    }
  });

  test('parts of the username count as guessable', () => {
    assert.match(passwordProblem('l-petrova-88-q', { username: 'l.petrova' }) ?? 'accepted', /your username/);
    assert.equal(passwordProblem('l-petrova-88-q', { username: 's.novak' }), null, 'another user may pick it');
  });

  test('passphrases of unrelated words and random characters pass', () => {
    for (const password of [TEST_PASSWORD, 'purple tiger mountain', 'quiet lantern orbit 7 velvet harbor', 'Tangerine ferry mosaic 1986 drizzle', 'Brand New Phrase Here 99', TWELVE]) {
      assert.equal(passwordProblem(password, { username: 's.novak' }), null, password);
    }
    for (let i = 0; i < 200; i++) {
      const password = randomPassword(16);
      assert.equal(passwordProblem(password), null, password);
    }
  });
});

describe('hashPassword and verifyPassword', () => {
  test('hashes are argon2id with OWASP parameters, salted', async () => {
    const password = 'correct horse battery staple';
    const first = await hashPassword(password);
    assert.match(first, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const second = await hashPassword(password);
    assert.notEqual(first, second, 'a fresh salt every time');
    assert.ok(!first.includes(password));
    assert.equal(await verifyPassword(first, password), true);
    assert.equal(await verifyPassword(second, password), true);
  });

  test('the fast test setting is still argon2id', async () => {
    const hashed = await hashPassword('correct horse battery staple', { fast: true });
    assert.match(hashed, /^\$argon2id\$/);
    assert.equal(await verifyPassword(hashed, 'correct horse battery staple'), true);
  });

  test('a wrong password does not verify', async () => {
    const hashed = await hashPassword('correct horse battery staple', { fast: true });
    assert.equal(await verifyPassword(hashed, 'correct horse battery stapler'), false);
    assert.equal(await verifyPassword(hashed, 'Correct horse battery staple'), false);
    assert.equal(await verifyPassword(hashed, ''), false);
  });

  test('a malformed or foreign hash answers false instead of throwing', async () => {
    for (const bad of [
      '',
      'not a hash',
      '$argon2id$v=19$m=1024,t=1,p=1$garbage',
      '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW',
      'pbkdf2:sha256:600000$salt$abcdef',
    ]) {
      assert.equal(await verifyPassword(bad, 'correct horse battery staple'), false, bad);
    }
  });

  test('the same password typed as NFC or NFD verifies either way', async () => {
    const nfc = 'Crème brûlée à la française'.normalize('NFC');
    const nfd = nfc.normalize('NFD');
    assert.notEqual(nfc, nfd);
    const fromNfc = await hashPassword(nfc, { fast: true });
    const fromNfd = await hashPassword(nfd, { fast: true });
    assert.equal(await verifyPassword(fromNfc, nfd), true);
    assert.equal(await verifyPassword(fromNfd, nfc), true);
    assert.equal(await verifyPassword(fromNfc, 'Creme brulee a la francaise'), false, 'accents still matter');
  });

  test('the dummy verification for unknown usernames completes without error', async () => {
    await assert.doesNotReject(verifyAgainstDummy('any password at all', { fast: true }));
  });
});

test('one-time password hashes are recognised as light, chosen ones are not', async () => {
  const { hashOneTimePassword, isOneTimeHash, hashPassword, verifyPassword } = await import('./passwords.js');
  const light = await hashOneTimePassword('abcd-efgh-jkmn-pqrs');
  assert.ok(isOneTimeHash(light));
  assert.ok(await verifyPassword(light, 'abcd-efgh-jkmn-pqrs'));
  assert.ok(!isOneTimeHash(await hashPassword('a chosen passphrase 2026', { fast: true })));
  assert.ok(!isOneTimeHash(await hashPassword('a chosen passphrase 2026')));
});
