// The policy for SECRET_KEY and METRICS_TOKEN: printed values and near copies of them, length, and
// the strength estimate, each refusal naming the variable and `openssl rand -hex 32`.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { developmentSecretKey, documentedSecretKeys, nearCopyOf, publishedSecretValues, secretProblem } from './secrets.js';

describe('secretProblem', () => {
  test('a random value passes for both variables', () => {
    assert.equal(secretProblem('SECRET_KEY', randomBytes(32).toString('hex'), 32), null);
    assert.equal(secretProblem('METRICS_TOKEN', randomBytes(32).toString('hex'), 16), null);
  });

  test('each refusal names the variable and the command that makes a good value', () => {
    for (const name of ['SECRET_KEY', 'METRICS_TOKEN'] as const) {
      for (const value of ['', '   ', 'changeme', developmentSecretKey.slice(0, -1), randomBytes(8).toString('hex'), 'a'.repeat(40)]) {
        const problem = secretProblem(name, value, 32);
        assert.ok(problem, `${name}=${value} accepted`);
        assert.ok(problem.startsWith(`${name} is `), problem);
        assert.match(problem, new RegExp(`set ${name} to the output of \`openssl rand -hex 32\``));
        assert.doesNotMatch(problem, /\n/);
      }
    }
  });

  test('the well-known hash of an empty or common text is refused, however random it looks', () => {
    for (const algorithm of ['md5', 'sha1', 'sha256', 'sha512'])
      for (const input of ['', 'password', 'password\n', '123456', 'fms'])
        assert.match(String(secretProblem('SECRET_KEY', createHash(algorithm).update(input).digest('hex'), 32)), /well-known hash of an empty or common text/, `${algorithm}(${JSON.stringify(input)})`);
    assert.equal(secretProblem('SECRET_KEY', createHash('sha256').update(randomBytes(32)).digest('hex'), 32), null, 'the hash of random bytes is random');
  });

  test('a shell command pasted into a .env file is named as one', () => {
    for (const value of ['$(openssl rand -hex 32)', '`openssl rand -hex 32`'])
      assert.match(String(secretProblem('SECRET_KEY', value, 32)), /^SECRET_KEY holds a shell command, not its output .*run `openssl rand -hex 32` and paste what it prints/);
  });

  test('the most useful reason comes first', () => {
    assert.match(secretProblem('SECRET_KEY', '', 32)!, /is missing/);
    assert.match(secretProblem('SECRET_KEY', 'changeme', 32)!, /is a value from the documentation/);
    assert.match(secretProblem('SECRET_KEY', `x${developmentSecretKey}`, 32)!, /is a near copy/);
    assert.match(secretProblem('SECRET_KEY', randomBytes(8).toString('hex'), 32)!, /is shorter than 32 characters/);
    assert.match(secretProblem('SECRET_KEY', 'a'.repeat(40), 32)!, /is too repetitive to be random/);
    assert.match(secretProblem('SECRET_KEY', 'ab'.repeat(10) + 'cdefgh'.repeat(4), 32)!, /is not random enough/);
  });

  test('a key drawn from fewer than 8 different characters is refused, however random its order', () => {
    const letters = 'abcdefg';
    const key = Array.from(randomBytes(64), (b) => letters[b % letters.length]).join('');
    assert.match(secretProblem('SECRET_KEY', key, 32)!, /too repetitive to be random \(fewer than 8 different characters\).*openssl rand -hex 32/);
  });

  test('the message never repeats the secret', () => {
    const weak = 'Passw0rd!Passw0rd!Passw0rd!Passw0rd!';
    assert.ok(!secretProblem('SECRET_KEY', weak, 32)!.includes('Passw0rd'));
  });
});

describe('published values', () => {
  test('every published value is refused exactly, in any case', () => {
    for (const value of publishedSecretValues) {
      assert.ok(documentedSecretKeys.has(value.toLowerCase()));
      assert.match(secretProblem('SECRET_KEY', value.toUpperCase(), 32)!, /documentation/);
    }
  });

  test('near copies share a long run of characters with a published value', () => {
    assert.equal(nearCopyOf(developmentSecretKey.slice(0, -1)), developmentSecretKey);
    assert.equal(nearCopyOf(`MY-${developmentSecretKey.toUpperCase()}-2`), developmentSecretKey);
    assert.equal(nearCopyOf('your_very_long_random_and_ultra_secret_key_goes_here'), 'your_very_long_random_and_ultra_secret_key_goes_here_do_not_share!');
  });

  test('random values are no near copy of anything', () => {
    for (let i = 0; i < 500; i++) {
      for (const value of [randomBytes(32).toString('hex'), randomBytes(32).toString('base64')]) assert.equal(nearCopyOf(value), null, value);
    }
  });
});
