// The department a run measures: seeded once per engine and scale (or copied from the cache of an
// earlier run), then made ready to sign in to: an admin, a lecturer who teaches, the busiest
// lecturer and a student in a group get passwords, the admin an API token. Also finds what the
// scenarios need, as the plan test finds them (test/query-pages.ts): a common surname fragment to
// search for, the middle page of the list, a group with students; and the waiting submissions the
// scoring scenario may consume. The seed's files (materials, submissions' attachments) are cached
// beside its database and hard-linked into each run's own uploads folder.
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemActor } from '../../src/access.js';
import type { Config } from '../../src/config/index.js';
import type { ServiceContext } from '../../src/context.js';
import { createDb, type Db } from '../../src/db/index.js';
import { migrateOrThrow } from '../../src/db/migrator.js';
import { actorFromUser, createApiTokenAsOperator, findUserById } from '../../src/features/auth/service.js';
import { systemClock } from '../../src/lib/clock.js';
import { seedDepartmentAtScale } from '../../src/seeds/scale.js';
import { findPageTargets, signInAs, type SignedIn } from '../../test/query-pages.js';
import { findBusyLecturer } from './busy-lecturer.js';
import { undoOnInterrupt } from './cleanup.js';
import { createDatabase, databaseExists, databasesStartingWith, databaseUrl, dropDatabase, renameDatabase } from './postgres.js';
import { readScorePool, type ScorePool } from './score-pool.js';
import type { Scale, Settings } from './settings.js';

export type Engine = 'sqlite' | 'postgres';

export interface Department {
  engine: Engine;
  scale: Scale;
  /** DATABASE_URL of the servers. */
  url: string;
  /** UPLOAD_FOLDER of the servers: this run's copy of the seed's files. */
  uploads: string;
  counts: { students: number; groups: number; lecturers: number; auditEntries: number };
  admin: SignedIn;
  lecturer: SignedIn;
  student: SignedIn & { studentId: number; groupId: number };
  apiToken: string;
  /** A piece of the most common surname, found in many names (the "sarg"); the run may set another. */
  searchFragment: string;
  /** The middle page of the students list (page 1,000 of 2,000 at `large`). */
  deepPage: number;
  /** A subject the lecturer teaches to the student's group. */
  subjectId: number;
  /** An article the signed-in student reads (their group's where there is one). */
  newsId: number;
  /** The lecturer whose Waiting Room holds the most waiting entries, and how many (null: nobody's holds any). */
  busyLecturer: (SignedIn & { waiting: number }) | null;
  /** Waiting entries no other scenario shows, for the scoring scenario to consume. */
  scorePool: ScorePool;
  /** The material the run uploaded for the download scenario, and where its bytes lie (set by the run). */
  material: { id: number; file: string; bytes: number } | null;
  /** Seconds the seed took in this run, or null when it came from the cache. */
  seedSeconds: number | null;
  /** Removes this run's copy of the database and of the files. */
  dispose(): Promise<void>;
}

const root = new URL('../../', import.meta.url).pathname;
const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const cacheDir = join(tmpdir(), 'fms-bench-cache');

/** Changes to the seeds or the schema make a cached department stale. */
function seedKey(scale: Scale, seed: number): string {
  const hash = createHash('sha256').update(`${scale}:${seed}\n`);
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!entry.name.includes('.test.')) hash.update(`${relative(root, path)}\n`).update(readFileSync(path));
    }
  };
  walk(join(root, 'src/seeds'));
  walk(join(root, 'src/db/migrations'));
  return hash.digest('hex').slice(0, 12);
}

/** Where the seed's files are kept beside a cached database (a file, or a PostgreSQL template's remembered JSON). */
function uploadsOf(cached: string): string {
  return `${cached}.uploads`;
}

/**
 * A run's own copy of the cached files, made of hard links: instant for 100,000 files, and safe,
 * because FMS never writes into a stored object (storage/local.ts writes a temporary file and
 * renames it; a delete unlinks this run's name only). A copy where links cannot be made.
 */
function linkFiles(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  if (!existsSync(from)) {
    mkdirSync(to, { recursive: true, mode: 0o700 });
    return;
  }
  try {
    execFileSync('cp', ['-al', from, to], { stdio: 'pipe' });
  } catch {
    rmSync(to, { recursive: true, force: true });
    execFileSync('cp', ['-a', from, to], { stdio: 'pipe' });
  }
}

function contextOf(db: Db, config: Config): ServiceContext {
  return { db, actor: systemActor, clock: systemClock, config, log: quiet };
}

interface Seeded {
  adminUsername: string;
  adminPassword: string;
}

async function seedInto(db: Db, config: Config, scale: Scale, seed: number, say: (line: string) => void): Promise<{ seconds: number; seeded: Seeded }> {
  const start = performance.now();
  await migrateOrThrow(db);
  let last = 0;
  const { adminUsername, adminPassword } = await seedDepartmentAtScale(contextOf(db, config), {
    scale,
    seed,
    onProgress: ({ step, done, total }) => {
      const now = performance.now();
      if (now - last < 10_000) return;
      last = now;
      say(`  seeding ${scale}: ${step}, ${done.toLocaleString('en')} of ${total.toLocaleString('en')}`);
    },
  });
  return { seconds: (performance.now() - start) / 1000, seeded: { adminUsername, adminPassword } };
}

/** What a cached seed remembers beside the database: the admin's sign-in. */
function seededFile(path: string) {
  return `${path}.json`;
}

interface Prepared {
  url: string;
  uploads: string;
  seedSeconds: number | null;
  seeded: Seeded;
  dispose: () => Promise<void>;
}

/** Runs `work` with `undo` registered for an interrupt, and runs `undo` itself if `work` fails. */
async function undoneOnFailure<T>(undo: () => Promise<void> | void, work: () => Promise<T>): Promise<T> {
  const registered = undoOnInterrupt(undo);
  try {
    return await work();
  } catch (error) {
    await undo();
    throw error;
  } finally {
    registered();
  }
}

const removeSqlite = (file: string) => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
};

type ConfigFor = (databaseUrl: string, uploads: string) => Config;

async function sqliteDepartment(settings: Settings, config: ConfigFor, scale: Scale, workDir: string, say: (line: string) => void): Promise<Prepared> {
  const work = join(workDir, `${scale}.sqlite`);
  const workUploads = join(workDir, `uploads-sqlite-${scale}`);
  const dispose = async () => {
    removeSqlite(work);
    rmSync(workUploads, { recursive: true, force: true });
  };
  const seedFresh = (file: string, uploads: string) =>
    undoneOnFailure(
      () => {
        removeSqlite(file);
        rmSync(uploads, { recursive: true, force: true });
      },
      async () => {
        say(`Seeding the ${scale} department on SQLite…`);
        mkdirSync(uploads, { recursive: true, mode: 0o700 });
        const db = createDb({ kind: 'sqlite', file, url: `sqlite:${file}` });
        try {
          return await seedInto(db, config(`sqlite:${file}`, uploads), scale, settings.seed, say);
        } finally {
          await db.destroy();
        }
      },
    );
  if (!settings.cache) {
    undoOnInterrupt(dispose);
    const { seconds, seeded } = await seedFresh(work, workUploads);
    return { url: `sqlite:${work}`, uploads: workUploads, seedSeconds: seconds, seeded, dispose };
  }
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  const cached = join(cacheDir, `sqlite-${scale}-${seedKey(scale, settings.seed)}.sqlite`);
  let seedSeconds: number | null = null;
  if (!existsSync(cached) || !existsSync(seededFile(cached)) || !existsSync(uploadsOf(cached))) {
    const partial = `${cached}.partial-${process.pid}`;
    const { seconds, seeded } = await seedFresh(partial, uploadsOf(partial));
    seedSeconds = seconds;
    // Closed above, so the WAL is folded into the file: one file to copy.
    rmSync(uploadsOf(cached), { recursive: true, force: true });
    renameSync(uploadsOf(partial), uploadsOf(cached));
    renameSync(partial, cached);
    writeJson(seededFile(cached), seeded);
    // Older seeds of this scale (other code) are of no further use, nor their files.
    for (const name of readdirSync(cacheDir)) {
      const path = join(cacheDir, name);
      if (name.startsWith(`sqlite-${scale}-`) && !path.startsWith(cached)) rmSync(path, { recursive: true, force: true });
    }
  } else say(`The ${scale} SQLite department comes from the cache (${cached}, ${(statSync(cached).size / 1e6).toFixed(0)} MB, and its files).`);
  undoOnInterrupt(dispose);
  copyFileSync(cached, work);
  linkFiles(uploadsOf(cached), workUploads);
  return { url: `sqlite:${work}`, uploads: workUploads, seedSeconds, seeded: readJson(seededFile(cached)), dispose };
}

async function postgresDepartment(settings: Settings, config: ConfigFor, scale: Scale, workDir: string, say: (line: string) => void): Promise<Prepared> {
  const server = settings.postgresUrl;
  const work = `fms_bench_${scale}_${process.pid}`;
  const workUploads = join(workDir, `uploads-postgres-${scale}`);
  const dispose = async () => {
    await dropDatabase(server, work);
    rmSync(workUploads, { recursive: true, force: true });
  };
  const seedFresh = (name: string, uploads: string) =>
    undoneOnFailure(
      async () => {
        await dropDatabase(server, name);
        rmSync(uploads, { recursive: true, force: true });
      },
      async () => {
        say(`Seeding the ${scale} department on PostgreSQL…`);
        await createDatabase(server, name);
        mkdirSync(uploads, { recursive: true, mode: 0o700 });
        const url = databaseUrl(server, name);
        const db = createDb({ kind: 'postgres', url }, { poolSize: 4 });
        try {
          return await seedInto(db, config(url, uploads), scale, settings.seed, say);
        } finally {
          await db.destroy();
        }
      },
    );
  if (!settings.cache) {
    const { seconds, seeded } = await seedFresh(work, workUploads);
    undoOnInterrupt(dispose);
    return { url: databaseUrl(server, work), uploads: workUploads, seedSeconds: seconds, seeded, dispose };
  }
  const prefix = `fms_bench_seed_${scale}_`;
  const template = `${prefix}${seedKey(scale, settings.seed)}`;
  let seedSeconds: number | null = null;
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  const remembered = join(cacheDir, `${template}.json`);
  if (!(await databaseExists(server, template)) || !existsSync(remembered) || !existsSync(uploadsOf(remembered))) {
    const partial = `fms_bench_seeding_${scale}_${process.pid}`;
    const partialUploads = join(cacheDir, `${partial}.uploads`);
    const { seconds, seeded } = await seedFresh(partial, partialUploads);
    seedSeconds = seconds;
    await undoneOnFailure(
      async () => {
        await dropDatabase(server, partial);
        rmSync(partialUploads, { recursive: true, force: true });
      },
      async () => {
        await dropDatabase(server, template);
        await renameDatabase(server, partial, template);
      },
    );
    rmSync(uploadsOf(remembered), { recursive: true, force: true });
    renameSync(partialUploads, uploadsOf(remembered));
    writeJson(remembered, seeded);
    // Older seeds of this scale (other code) are of no further use, nor what they remembered, nor their files.
    for (const old of await databasesStartingWith(server, prefix)) if (old !== template) await dropDatabase(server, old);
    for (const name of readdirSync(cacheDir)) if (name.startsWith(prefix) && !name.startsWith(`${template}.json`)) rmSync(join(cacheDir, name), { recursive: true, force: true });
  } else say(`The ${scale} PostgreSQL department comes from the cache (database ${template}, and its files).`);
  undoOnInterrupt(dispose);
  await createDatabase(server, work, template);
  linkFiles(uploadsOf(remembered), workUploads);
  return { url: databaseUrl(server, work), uploads: workUploads, seedSeconds, seeded: readJson(remembered), dispose };
}

function writeJson(path: string, value: unknown) {
  // Holds a generated admin password of a throwaway database: the owner's alone all the same.
  rmSync(path, { force: true });
  writeFileSync(path, JSON.stringify(value), { mode: 0o600 });
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** A password no published list holds: each run's own. */
function benchPassword(): string {
  return `bench ${randomBytes(18).toString('base64url')}`;
}

/** The admin the seed reported. */
async function findAdmin(db: Db, adminUsername: string): Promise<number> {
  const admin = await db.selectFrom('users').select('id').where('username', '=', adminUsername).executeTakeFirst();
  if (!admin) throw new Error(`the seed reported the admin "${adminUsername}", but no such account exists`);
  return admin.id;
}

async function countsOf(db: Db) {
  const count = async (table: 'groups' | 'lecturers' | 'auditLog') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { groups: await count('groups'), lecturers: await count('lecturers'), auditEntries: await count('auditLog') };
}

/**
 * The department of this engine and scale, seeded or copied from the cache, with sign-ins for
 * the three roles and an API token for the admin.
 */
export async function prepareDepartment(
  engine: Engine,
  scale: Scale,
  settings: Settings,
  configFor: ConfigFor,
  workDir: string,
  say: (line: string) => void,
): Promise<Department> {
  const prepared = engine === 'sqlite' ? await sqliteDepartment(settings, configFor, scale, workDir, say) : await postgresDepartment(settings, configFor, scale, workDir, say);
  try {
    const config = configFor(prepared.url, prepared.uploads);
    const db = createDb(config.database, { poolSize: 2 });
    try {
      const ctx = contextOf(db, config);
      // The seed's files must have come along (a cache from before they were kept would lack them).
      const firstFile = await db.selectFrom('files').select('storageKey').orderBy('id').limit(1).executeTakeFirst();
      if (firstFile && !existsSync(join(prepared.uploads, ...firstFile.storageKey.split('/'))))
        say(`Warning: the seed's file ${firstFile.storageKey} is missing from ${prepared.uploads}: its downloads would answer 404. Run with BENCH_CACHE=0 once, or delete ${cacheDir}.`);
      const adminId = await findAdmin(db, prepared.seeded.adminUsername);
      const targets = await findPageTargets(db);
      const admin = await signInAs(ctx, adminId, benchPassword());
      const lecturer = await signInAs(ctx, targets.lecturerUserId, benchPassword());
      const student = await signInAs(ctx, targets.studentUserId, benchPassword());
      const busy = await findBusyLecturer(db);
      // One password per account: the plan test's lecturer may be the busiest too.
      const busyLecturer = !busy ? null : { ...(busy.userId === lecturer.userId ? lecturer : await signInAs(ctx, busy.userId, benchPassword())), waiting: busy.waiting };
      const lecturerIds = await db.selectFrom('users').select('lecturerId').where('id', 'in', [lecturer.userId, ...(busy ? [busy.userId] : [])]).execute();
      const scorePool = await readScorePool(db, { lecturerIds: lecturerIds.flatMap((l) => (l.lecturerId === null ? [] : [l.lecturerId])), groupId: targets.groupId });
      const adminUser = (await findUserById(ctx, admin.userId))!;
      const { token } = await db.transaction().execute((trx) =>
        createApiTokenAsOperator({ ...ctx, db: trx, actor: actorFromUser(adminUser) }, { name: 'npm run bench' }),
      );
      return {
        engine,
        scale,
        url: prepared.url,
        uploads: prepared.uploads,
        counts: { students: targets.students, ...(await countsOf(db)) },
        admin,
        lecturer,
        student: { ...student, studentId: targets.studentId, groupId: targets.groupId },
        apiToken: token,
        searchFragment: targets.searched,
        deepPage: targets.pageNumber,
        subjectId: targets.subjectId,
        newsId: targets.newsId,
        busyLecturer,
        scorePool,
        material: null,
        seedSeconds: prepared.seedSeconds,
        dispose: prepared.dispose,
      };
    } finally {
      await db.destroy();
    }
  } catch (error) {
    await prepared.dispose();
    throw error;
  }
}
