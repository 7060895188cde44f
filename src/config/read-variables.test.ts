// The environment read against envSchema without env-schema: the defaults, the whole numbers and the
// refusals loadConfig builds its messages from (config.test.ts checks those messages).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readVariables } from './read-variables.js';
import { envSchema } from './schema.js';

test('every variable the schema names gets its default when unset, and nothing else is kept', () => {
  const { values, problems } = readVariables({ PATH: '/usr/bin', HOME: '/root' });
  assert.deepEqual(problems, []);
  const defaults = Object.fromEntries(Object.entries(envSchema.properties as Record<string, { default?: unknown }>).filter(([, p]) => p.default !== undefined).map(([name, p]) => [name, p.default]));
  assert.deepEqual(values, defaults);
  assert.equal(values.PORT, 3000);
  assert.equal('PATH' in values, false);
});

test('an integer variable is read from its text; a string variable stays text', () => {
  const { values, problems } = readVariables({ PORT: '8080', WEB_CONCURRENCY: ' 4 ', MAX_CONTENT_LENGTH: '1048576', SECRET_KEY: '12345' });
  assert.deepEqual(problems, []);
  assert.equal(values.PORT, 8080);
  assert.equal(values.WEB_CONCURRENCY, 4);
  assert.equal(values.MAX_CONTENT_LENGTH, '1048576');
  assert.equal(values.SECRET_KEY, '12345');
});

test('what the schema refuses is named by variable, in JSON Schema words', () => {
  const { problems } = readVariables({ PORT: '70000', LOG_LEVEL: 'loud', WEB_CONCURRENCY: '2.5', METRICS_PORT: 'eighty', LOG_FILE_KEEP: '0', FMS_CONFIG: 'staging' });
  const byName = Object.fromEntries(problems.map((p) => [p.name, p.message]));
  assert.deepEqual(Object.keys(byName).sort(), ['FMS_CONFIG', 'LOG_FILE_KEEP', 'LOG_LEVEL', 'METRICS_PORT', 'PORT', 'WEB_CONCURRENCY']);
  assert.equal(byName.PORT, 'must be <= 65535');
  assert.equal(byName.LOG_FILE_KEEP, 'must be >= 1');
  assert.equal(byName.WEB_CONCURRENCY, 'must be integer');
  assert.equal(byName.METRICS_PORT, 'must be integer');
  assert.equal(byName.LOG_LEVEL, 'must be equal to one of the allowed values');
});

test('an empty or blank integer variable is refused, not read as 0', () => {
  assert.deepEqual(readVariables({ WEB_CONCURRENCY: '' }).problems, [{ name: 'WEB_CONCURRENCY', message: 'must be integer' }]);
  assert.deepEqual(readVariables({ PORT: '  ' }).problems, [{ name: 'PORT', message: 'must be integer' }]);
});

test('each variable is named once, with its first problem, however many are wrong', () => {
  const wrong = { PORT: '0.5', WEB_CONCURRENCY: '0.5', LOG_FILE_KEEP: '-2.5', METRICS_PORT: '99999', LOG_LEVEL: 'loud', FMS_CONFIG: 'staging', SESSION_COOKIE_SECURE: 'maybe', SESSION_COOKIE_SAMESITE: 'None', DEMO_DEPARTMENT: 'yes', S3_FORCE_PATH_STYLE: 'no' };
  const { problems } = readVariables(wrong);
  assert.deepEqual(problems.map((p) => p.name).sort(), Object.keys(wrong).sort(), 'all ten, past TypeBox\'s eight');
  assert.deepEqual(problems.find((p) => p.name === 'WEB_CONCURRENCY'), { name: 'WEB_CONCURRENCY', message: 'must be integer' });
});
