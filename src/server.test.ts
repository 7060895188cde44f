// Starting the server as operators do: development migrates and seeds once; production refuses
// pending migrations, demo accounts and a missing static build, each naming the fix.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from './config/index.js';
import { createDb } from './db/index.js';
import { migrateOrThrow } from './db/migrator.js';
import { MissingBuildError, readManifest } from './lib/static-build.js';
import { parseBind, startServer, StartupError } from './server.js';

function tempDatabase(t: { after(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'fms-server-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return `sqlite:${join(dir, 'fms.sqlite')}`;
}

const production = (databaseUrl: string) =>
  loadConfig({ FMS_CONFIG: 'production', SECRET_KEY: randomBytes(32).toString('hex'), DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' }, { dotenvDir: false });
const development = (databaseUrl: string) =>
  loadConfig({ FMS_CONFIG: 'development', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' }, { dotenvDir: false });

describe('starting the server', () => {
  test('--bind accepts HOST:PORT, :PORT, PORT and unix sockets, and refuses the rest', () => {
    assert.deepEqual(parseBind('127.0.0.1:8000'), { host: '127.0.0.1', port: 8000 });
    assert.deepEqual(parseBind(':8000'), { host: undefined, port: 8000 });
    assert.deepEqual(parseBind('8000'), { host: undefined, port: 8000 });
    assert.deepEqual(parseBind('[::1]:8000'), { host: '::1', port: 8000 });
    assert.deepEqual(parseBind('unix:/run/fms/fms.sock'), { socket: '/run/fms/fms.sock' });
    for (const bad of ['localhost', '127.0.0.1:99999', 'host:port', '']) assert.throws(() => parseBind(bad), StartupError, bad);
  });

  test('development migrates, seeds the demo department once, prints the logins; a second start keeps the data', async (t) => {
    const url = tempDatabase(t);
    const lines: string[] = [];
    const first = await startServer(development(url), { bind: { host: '127.0.0.1', port: 0 }, say: (l) => lines.push(l) });
    const response = await fetch(`${first.url}/login`);
    assert.equal(response.status, 200);
    const accounts = await first.app.deps.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    await first.app.deps.db.updateTable('groups').set({ description: 'changed by a user' }).where('name', '=', 'CS-101').execute();
    await first.close();
    assert.ok(lines.some((l) => /^FMS is running at http:\/\/127\.0\.0\.1:\d+ \(development mode/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => l.includes('admin / fms-demo-dept-head')));
    assert.ok(lines.some((l) => l.startsWith('Seeded the demo department')));

    const again: string[] = [];
    const second = await startServer(development(url), { bind: { host: '127.0.0.1', port: 0 }, say: (l) => again.push(l) });
    t.after(() => second.close());
    assert.ok(!again.some((l) => l.startsWith('Seeded')), 'no second seed');
    const count = await second.app.deps.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(count.n), Number(accounts.n));
    const group = await second.app.deps.db.selectFrom('groups').select('description').where('name', '=', 'CS-101').executeTakeFirstOrThrow();
    assert.equal(group.description, 'changed by a user');
  });

  test('production refuses pending migrations and names `fms migrate`', async (t) => {
    const url = tempDatabase(t);
    await assert.rejects(startServer(production(url), { bind: { host: '127.0.0.1', port: 0 }, say: () => {} }), (error: Error) => {
      assert.ok(error instanceof StartupError);
      assert.match(error.message, /pending migration.*run `fms migrate`/);
      return true;
    });
  });

  test('production refuses a database with working demo accounts, and starts once they are disabled', async (t) => {
    const url = tempDatabase(t);
    const seeded = await startServer(development(url), { bind: { host: '127.0.0.1', port: 0 }, say: () => {} });
    await seeded.close();
    await assert.rejects(startServer(production(url), { bind: { host: '127.0.0.1', port: 0 }, say: () => {} }), /34 demo account\(s\) with published passwords \(admin, .* and 29 more\).*fms user disable --demo/);
    const db = createDb(production(url).database);
    // Disabling the three printed logins is not enough: every seeded account shares a published password.
    await db.updateTable('users').set({ disabled: true }).where('username', 'in', ['admin', 'l.petrova', 's.novak']).execute();
    await assert.rejects(startServer(production(url), { bind: { host: '127.0.0.1', port: 0 }, say: () => {} }), /31 demo account/);
    await db.updateTable('users').set({ disabled: true }).execute();
    await migrateOrThrow(db);
    await db.destroy();
    const server = await startServer(production(url), { bind: { host: '127.0.0.1', port: 0 }, say: () => {} });
    await server.close();
  });

  test('a missing static build is reported with the command that makes it', () => {
    assert.throws(() => readManifest('/nonexistent/static'), (error: Error) => error instanceof MissingBuildError && /run `npm run build`/.test(error.message));
  });
});
