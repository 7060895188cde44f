// Shared by the backup, restore and db copy tests: a department on a fresh test database, with
// every kind of value the engines disagree about (booleans, instants, calendar dates, NULLs,
// bigints, text beyond ASCII), and a way to read a whole database back for comparison. It takes
// the database the test opened (test/build-test-app.ts's openTestDatabase) rather than importing
// test/, so the build of src/ never reaches outside src/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { loadConfig, type Config } from '../../config/index.js';
import type { ServiceContext } from '../../context.js';
import type { Db } from '../../db/index.js';
import { migrateOrThrow } from '../../db/migrator.js';
import { ManualClock } from '../../lib/clock.js';
import { seedDemoDepartment } from '../../seeds/demo.js';
import { openDatabaseUrl } from './database-url.js';
import { readBatches } from './rows.js';
import { listTables } from './tables.js';

const quietLog = { info() {}, warn() {}, error() {}, debug() {} };

export interface OpsTestSite {
  db: Db;
  url: string;
  config: Config;
  ctx: ServiceContext;
  clock: ManualClock;
  uploads: string;
  /** A private scratch folder, removed after the test. */
  dir: string;
}

/** A test's fresh database (migrated unless told otherwise) with its own uploads folder and config. */
export async function openSite(t: TestContext, opened: { db: Db; url: string }, options: { migrate?: boolean } = {}): Promise<OpsTestSite> {
  const { db, url } = opened;
  if (options.migrate !== false) await migrateOrThrow(db);
  const dir = mkdtempSync(join(tmpdir(), 'fms-ops-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const uploads = join(dir, 'uploads');
  const config = loadConfig({ FMS_CONFIG: 'testing', LOG_LEVEL: 'silent', DATABASE_URL: url, UPLOAD_FOLDER: uploads }, { dotenvDir: false });
  const clock = new ManualClock('2026-11-28T18:30:00.000Z');
  return { db, url, config, clock, uploads, dir, ctx: { db, actor: null, clock, config, log: quietLog, ip: null } };
}

/**
 * The demo department (made through the services) plus rows that exercise every awkward value,
 * written in one transaction. Those rows are raw on purpose, not made with test/factories.ts: a
 * backup must bring back exact values, including ones the services would refuse or never write
 * (a Cyrillic student number, a record without an account, fixed instants, a 5 GB file).
 */
export async function seedDepartment(site: Pick<OpsTestSite, 'db' | 'ctx'>): Promise<void> {
  await site.db.transaction().execute(async (trx) => {
    const ctx = { ...site.ctx, db: trx };
    await seedDemoDepartment(ctx);
    const at = new Date('2026-03-01T08:15:30.123Z');
    const admin = await trx.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
    const file = await trx
      .insertInto('files')
      .values({ storageKey: 'ab/cd/ключ-Šarić.pdf', originalName: 'Übung 1 – «Lösung» 📄.pdf', contentType: 'application/pdf', size: 5_000_000_000, sha256: 'f'.repeat(64), uploadedBy: admin.id, createdAt: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    const group = await trx
      .insertInto('groups')
      .values({ name: 'Группа Ж-1 «Šarić»', description: 'line one\nline two\ttab "quotes" \\ back\u2028sep 🎓', archived: true, createdAt: at, updatedAt: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    const student = await trx
      .insertInto('students')
      .values({ studentNumber: 'Ж-0001', groupId: null, firstName: 'Đurđa', lastName: 'Ščepanović', patronymic: 'Јовановна', birthDate: null, email: null, phone: null, address: null, photoFileId: file.id, archived: true, createdAt: at, updatedAt: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    const other = await trx
      .insertInto('students')
      .values({ studentNumber: 'Ж-0002', groupId: group.id, firstName: 'Zoë', lastName: "O'Brien", patronymic: '', birthDate: '2004-02-29', email: 'zoe@example.org', phone: '+385 1 234 5678', address: 'Ulica 1, 10000 Zagreb', photoFileId: null, createdAt: at, updatedAt: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    const subject = await trx.selectFrom('subjects').select('id').orderBy('id').executeTakeFirstOrThrow();
    const exercise = await trx
      .insertInto('exercises')
      .values({ subjectId: subject.id, title: 'Задача 1', text: '', dueAt: new Date('2026-12-24T23:59:59.999Z'), attachmentFileId: file.id, createdBy: admin.id, createdAt: at, updatedAt: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.insertInto('exerciseGroups').values({ exerciseId: exercise.id, groupId: group.id }).execute();
    await trx
      .insertInto('submissions')
      .values([
        { exerciseId: exercise.id, studentId: student.id, note: 'späte Abgabe', attachmentFileId: null, submittedAt: at, late: true, status: 'graded', score: 6, gradedBy: admin.id, gradedAt: at, version: 3 },
        // One submission per student and exercise (migration 0007).
        { exerciseId: exercise.id, studentId: other.id, note: '', attachmentFileId: file.id, submittedAt: at, late: false, status: 'waiting', score: null, gradedBy: null, gradedAt: null, version: 1 },
      ])
      .execute();
    await trx.insertInto('subjectMaterials').values({ subjectId: subject.id, fileId: file.id, title: 'Skripta', createdBy: null, createdAt: at }).execute();
    await trx.insertInto('news').values({ category: 'general', title: 'Vijesti', body: '', coverFileId: null, audioFileId: file.id, audience: 'everyone', authorId: admin.id, publishedAt: null, createdAt: at }).execute();
    await trx.insertInto('theses').values({ studentId: student.id, title: 'Über Graphen', supervisorId: null, createdAt: at }).execute();
    await trx.insertInto('auditLog').values({ actorId: null, action: 'test.seed', entity: 'group', entityId: null, before: null, after: '{"name":"Ж"}', at, ip: '::1' }).execute();
    await trx.insertInto('sessions').values({ idHash: 'a'.repeat(64), userId: admin.id, createdAt: at, lastSeenAt: at, expiresAt: new Date(at.getTime() + 3_600_000), ip: null, userAgent: 'Mozilla/5.0 (ünïcödé)' }).execute();
    await trx.insertInto('apiTokens').values({ userId: admin.id, name: 'ключ', tokenHash: 'b'.repeat(64), prefix: 'fms_ab', createdAt: at, lastUsedAt: null, expiresAt: at, revokedAt: null }).execute();
    await trx.updateTable('users').set({ lockedUntil: at, failedLogins: 3, mustChangePassword: true, lastLoginAt: at }).where('id', '=', admin.id).execute();
  });
}

/** Every row of every table, keyed by table, in primary-key order: for comparing two databases. */
export async function readEverything(db: Db): Promise<Record<string, unknown[][]>> {
  const out: Record<string, unknown[][]> = {};
  for (const table of await listTables(db)) {
    out[table.name] = [];
    for await (const batch of readBatches(db, table)) out[table.name]!.push(...batch);
  }
  return out;
}

/**
 * Keeps inserting audit rows through a second connection (as a running app would) and records the
 * id of each insert once it is acknowledged, until stopped.
 */
export function startWriter(url: string) {
  const { db } = openDatabaseUrl(url);
  const acked: number[] = [];
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const row = await db
        .insertInto('auditLog')
        .values({ actorId: null, action: 'test.write', entity: 'probe', entityId: null, before: null, after: null, at: new Date(), ip: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      acked.push(row.id);
      // better-sqlite3 answers synchronously: let the backup's own I/O have its turn.
      await nextTurn();
    }
  })();
  return {
    acked,
    async stop() {
      stopped = true;
      await done;
      await db.destroy();
    },
  };
}
