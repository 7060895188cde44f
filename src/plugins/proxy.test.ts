// Behind a proxy: X-Forwarded-For and -Proto count only when they come from a TRUST_PROXY address.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test/build-test-app.js';
import { createUser, TEST_PASSWORD } from '../../test/factories.js';
import { Browser } from '../../test/http.js';

async function signInFrom(app: FastifyInstance, username: string, remoteAddress: string, forwarded: Record<string, string>) {
  const browser = new Browser(app, forwarded);
  const token = await browser.csrfToken('/login');
  return app.inject({
    method: 'POST',
    url: '/login',
    remoteAddress,
    headers: { ...forwarded, cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ username, password: TEST_PASSWORD, _csrf: token }).toString(),
  });
}

describe('TRUST_PROXY', () => {
  test('the trusted proxy tells the client address; a direct client cannot', async (t) => {
    const { app, ctx, db } = await buildTestApp(t, { env: { TRUST_PROXY: '10.1.1.1' } });
    const user = await createUser(ctx);
    const forwarded = { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' };

    assert.equal((await signInFrom(app, user.username, '10.1.1.1', forwarded)).statusCode, 303);
    assert.equal((await signInFrom(app, user.username, '198.51.100.9', forwarded)).statusCode, 303);
    const ips = (await db.selectFrom('auditLog').select('ip').where('action', '=', 'auth.sign_in').orderBy('id').execute()).map((r) => r.ip);
    assert.deepEqual(ips, ['203.0.113.7', '198.51.100.9'], 'through the proxy: the real client; directly: the spoofed header is ignored');
  });

  test('only the hop the proxy added counts: a client cannot prepend a fake address', async (t) => {
    const { app, ctx, db } = await buildTestApp(t, { env: { TRUST_PROXY: '10.1.1.1' } });
    const user = await createUser(ctx);
    // nginx appends the address it saw to whatever the client sent.
    assert.equal((await signInFrom(app, user.username, '10.1.1.1', { 'x-forwarded-for': '1.2.3.4, 203.0.113.8' })).statusCode, 303);
    const row = await db.selectFrom('auditLog').select('ip').where('action', '=', 'auth.sign_in').executeTakeFirstOrThrow();
    assert.equal(row.ip, '203.0.113.8');
  });
});
