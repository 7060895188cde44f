// Two processes writing one SQLite file (two workers, or the CLI beside the server): a transaction
// that read before the other process wrote still commits, because it held the write lock from its
// BEGIN and the other process waited for it (sqlite-write-transactions.ts).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { createDb } from './index.js';

const betterSqlite = createRequire(import.meta.url).resolve('better-sqlite3');

/** Another process that adds one to the counter, waiting up to 5 s for the write lock as FMS does. */
function otherProcessWrites(file: string) {
  const script = `
    const Database = require(${JSON.stringify(betterSqlite)});
    const db = new Database(${JSON.stringify(file)});
    db.exec('PRAGMA busy_timeout = 5000');
    process.stdout.write('ready\\n');
    db.prepare('update counter set n = n + 1').run();
    db.close();
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const ready = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
  return { ready, exited };
}

test("a transaction that read before another process wrote commits, and the other process's write waits for it", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fms-sqlite-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'fms.sqlite');
  const db = createDb({ kind: 'sqlite', file, url: `sqlite:${file}` });
  t.after(() => db.destroy());
  await sql`create table counter (n integer not null)`.execute(db);
  await sql`insert into counter values (0)`.execute(db);

  let other: ReturnType<typeof otherProcessWrites> | undefined;
  await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ n: number }>`select n from counter`.execute(trx);
    // The other process starts now and tries to write while this transaction still holds its read.
    other = otherProcessWrites(file);
    await other.ready;
    await sleep(300);
    await sql`update counter set n = ${rows[0]!.n + 10}`.execute(trx);
  });
  const { code, stderr } = await other!.exited;
  assert.equal(code, 0, `the other process wrote after the transaction committed: ${stderr}`);
  const { rows } = await sql<{ n: number }>`select n from counter`.execute(db);
  assert.equal(rows[0]!.n, 11, 'both writes are kept: 0 + 10 by the transaction, then + 1 by the other process');
});
