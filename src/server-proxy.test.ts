// Behind nginx on a unix socket: TRUST_PROXY=unix believes the proxy's forwarded client address.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TEST_PASSWORD } from '../test/factories.js';

describe('TRUST_PROXY=unix', () => {
  test('behind a proxy on our unix socket, the forwarded client address is believed; without it, not', async (t) => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { request } = await import('node:http');
    const { loadConfig } = await import('./config/index.js');
    const { startServer } = await import('./server.js');
    const { createUser } = await import('../test/factories.js');

    const call = (socketPath: string, method: string, path: string, headers: Record<string, string>, body?: string) =>
      new Promise<{ status: number; body: string; cookies: string[] }>((resolve, reject) => {
        const req = request({ socketPath, method, path, headers }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, cookies: (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!) }));
        });
        req.on('error', reject);
        req.end(body);
      });

    for (const [trust, expected] of [
      ['unix', '203.0.113.9'],
      ['', null],
    ] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'fms-unix-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const socket = join(dir, 'fms.sock');
      const config = loadConfig({ FMS_CONFIG: 'testing', LOG_LEVEL: 'silent', DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`, UPLOAD_FOLDER: join(dir, 'uploads'), TRUST_PROXY: trust }, { dotenvDir: false });
      const server = await startServer(config, { bind: { socket }, say: () => {} });
      t.after(() => server.close());
      const db = server.app.deps.db;
      const user = await createUser({ db, actor: null, clock: { now: () => new Date() }, config, log: console });
      const forwarded = { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' };
      const page = await call(socket, 'GET', '/login', forwarded);
      const token = /name="csrf-token" content="([^"]+)"/.exec(page.body)![1]!;
      const signIn = await call(socket, 'POST', '/login', { ...forwarded, cookie: page.cookies.join('; '), 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams({ username: user.username, password: TEST_PASSWORD, _csrf: token }).toString());
      assert.equal(signIn.status, 303, signIn.body.slice(0, 300));
      const row = await db.selectFrom('auditLog').select('ip').where('action', '=', 'auth.sign_in').executeTakeFirstOrThrow();
      assert.equal(row.ip, expected, `TRUST_PROXY=${trust || '(empty)'}`);
    }
  });
});
