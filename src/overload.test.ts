// Overload: past the thresholds FMS refuses requests at once with 503 and Retry-After, while
// /healthz keeps saying the process is alive.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp } from './app.js';
import { createDb } from './db/index.js';
import { migrateOrThrow } from './db/migrator.js';
import { testConfig } from '../test/build-test-app.js';

test('an overloaded server answers 503 with Retry-After, as a page and as JSON; /healthz stays up', async (t) => {
  const db = createDb({ kind: 'sqlite', file: ':memory:', url: 'sqlite::memory:' });
  await migrateOrThrow(db);
  // Any heap at all is "too much": the server is overloaded from the first sample on.
  const app = await buildApp({ config: testConfig(), db, logger: false, pressure: { maxHeapUsedBytes: 1, sampleInterval: 50 } });
  t.after(async () => {
    await app.close();
    await db.destroy();
  });
  await app.ready();
  await sleep(150);
  const page = await app.inject({ url: '/login' });
  assert.equal(page.statusCode, 503);
  assert.equal(page.headers['retry-after'], '10');
  assert.match(page.body, /FMS is very busy right now/);
  const api = await app.inject({ url: '/api/v1/me' });
  assert.equal(api.statusCode, 503);
  assert.equal(api.json().error.code, 'overloaded');
  assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
});
