// `fms seed-demo --scale small|medium|large`: a generated department of realistic size, the same for
// the same seed, for trying FMS out at scale and for the benchmarks. Groups are made through the
// groups service; lecturers and students arrive through stored imports (imports/), so their
// accounts, audit entries and the import history are what real imports write; people who left are
// archived through their services. Subjects and teaching are written directly, as the demo seed
// does, until the subjects feature brings its service.
//
// Unlike the demo department it publishes no password: every account but the admin's gets a random
// one-time password (kept sealed in its import for one download by the admin), and the admin's is
// a random one-time password returned once. So it may run in production, into an empty database.
import { performance } from 'node:perf_hooks';
import type { Insertable } from 'kysely';
import { actorFromUser, findUserById } from '../features/auth/service.js';
import { databaseSessionStore } from '../features/auth/session-store.js';
import { createAccount } from '../features/accounts/service.js';
import { createGroup } from '../features/groups/service.js';
import { archiveLecturer, findLecturersForImport } from '../features/lecturers/service.js';
import { archiveStudent, findStudentsForImport } from '../features/students/service.js';
import { systemActor } from '../access.js';
import type { AuthContext, ServiceContext } from '../context.js';
import type { Db } from '../db/index.js';
import type { SubmissionsTable } from '../db/schema.js';
import { uniqueNameKey } from '../lib/text-rules.js';
import { Conflict, Invalid } from '../lib/errors.js';
import { ignoreProgress, type OnProgress } from '../ops/data/progress.js';
import { createStorage, type Storage } from '../storage/index.js';
import { planDepartment, type DepartmentPlan } from './scale-department.js';
import { importLecturers, importStudents, type InTransaction } from './scale-imports.js';

export type DemoScale = 'small' | 'medium' | 'large';

export const demoScales: Record<DemoScale, { students: number; groups: number; lecturers: number }> = {
  small: { students: 500, groups: 20, lecturers: 30 },
  medium: { students: 10_000, groups: 200, lecturers: 300 },
  large: { students: 100_000, groups: 2_000, lecturers: 3_000 },
};

export const DEFAULT_DEMO_SEED = 1;
/** The largest seed: seeds are 31-bit so that every tool and language reads them the same. */
export const MAX_DEMO_SEED = 2_147_483_647;

export function isDemoScale(value: unknown): value is DemoScale {
  return typeof value === 'string' && Object.hasOwn(demoScales, value);
}

export function isDemoSeed(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_DEMO_SEED;
}

const scaleNames = Object.keys(demoScales);
export const SCALE_MESSAGE = `Choose ${scaleNames.slice(0, -1).join(', ')} or ${scaleNames.at(-1)}.`;
export const SEED_MESSAGE = `Give the seed as a whole number from 0 to ${MAX_DEMO_SEED.toLocaleString('en')}, e.g. --seed 7.`;

interface SeededAtScale {
  adminUsername: string;
  /** The admin's one-time password: shown once, changed at the first sign-in. */
  adminPassword: string;
  students: number;
  groups: number;
  lecturers: number;
  milliseconds: number;
}

const ADMIN_USERNAME = 'admin';
/** Rows per INSERT for subjects and teaching: well under both engines' parameter limits. */
const INSERT_CHUNK = 500;

/** People archived per transaction. */
const ARCHIVE_BATCH = 250;

/**
 * Seeds a generated department into a database with no accounts. Refuses (Conflict, nothing
 * changed) a database that already has accounts. Given a transaction, it works in it; otherwise it
 * commits step by step (the groups, each imported file, each batch of archiving, the teaching), as
 * an office would enter a department, so no transaction holds 300,000 rows' worth of locks and
 * undo. A seed that fails after its first step leaves part of a department, and says so.
 */
export async function seedDepartmentAtScale(ctx: ServiceContext, options: { scale: DemoScale; seed?: number; onProgress?: OnProgress }): Promise<SeededAtScale> {
  const { scale, seed = DEFAULT_DEMO_SEED } = options;
  if (!isDemoScale(scale)) throw new Invalid(`There is no scale "${String(scale)}".`, { scale: SCALE_MESSAGE });
  if (!isDemoSeed(seed)) throw new Invalid(`The seed ${String(seed)} cannot be used.`, { seed: SEED_MESSAGE });
  const started = performance.now();
  const onProgress = options.onProgress ?? ignoreProgress;
  const plan = planDepartment(demoScales[scale], seed);
  // The uploads of the stored imports go where the app keeps them; the CLI and the app pass theirs.
  const storage = ctx.storage ?? createStorage(ctx.config);
  try {
    const admin = await seedPlan({ ...ctx, storage }, plan, onProgress);
    return { adminUsername: admin.username, adminPassword: admin.password, ...demoScales[scale], milliseconds: Math.round(performance.now() - started) };
  } finally {
    if (!ctx.storage) await storage.close();
  }
}

/** A step after the first failed: what was committed stays, so the operator is told to start afresh. */
class SeedInterrupted extends Error {
  constructor(step: string, cause: unknown) {
    super(
      `The seed stopped while ${step}: ${cause instanceof Error ? cause.message : String(cause)} The database now holds part of a department; seed into a new, empty database instead (run \`fms migrate\` there first).`,
      { cause },
    );
  }
}

async function seedPlan(base: ServiceContext & { storage: Storage }, plan: DepartmentPlan, onProgress: OnProgress) {
  const inTransaction = <T>(work: (db: Db) => Promise<T>): Promise<T> => (base.db.isTransaction ? work(base.db) : base.db.transaction().execute(work));
  const system: ServiceContext = { ...base, actor: systemActor };

  // The admin runs the rest, as in a department that starts from nothing: its history and the
  // imports name the admin, and the imports' credentials are the admin's to download.
  const { admin, password, groupIds } = await inTransaction(async (db) => {
    const anyUser = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
    if (anyUser)
      throw new Conflict('The database already has accounts; a generated department is only seeded into an empty database. Point DATABASE_URL at a new database (run `fms migrate` there first).');
    const created = await createAccount({ ...system, db }, { username: ADMIN_USERNAME, role: 'admin', displayName: 'Department Administrator' });
    const user = (await findUserById({ db }, created.user.id))!;
    const ctx: ServiceContext = { ...base, db, actor: actorFromUser(user) };
    const ids: number[] = [];
    for (const [i, group] of plan.groups.entries()) {
      if (i % 50 === 0) onProgress({ step: 'creating groups', done: i, total: plan.groups.length, unit: 'rows' });
      ids.push((await createGroup(ctx, group)).id);
    }
    onProgress({ step: 'creating groups', done: plan.groups.length, total: plan.groups.length, unit: 'rows' });
    return { admin: user, password: created.oneTimePassword!, groupIds: ids };
  });

  // Archiving ends the person's sessions: the new accounts have none anywhere, so the table's store
  // in the step's transaction is enough (a caller's store may hold the one connection SQLite has).
  const as = (db: Db): AuthContext => ({ ...base, db, actor: actorFromUser(admin), sessions: databaseSessionStore(db) });
  const inStep = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw base.db.isTransaction ? error : new SeedInterrupted(step, error);
    }
  };
  const asAdmin: InTransaction = (work) => inTransaction((db) => work(as(db)));

  await inStep('importing lecturers', () => importLecturers(asAdmin, plan.lecturers, onProgress));
  await inStep('importing students', () => importStudents(asAdmin, plan.students, plan.groups.map((g) => g.name), onProgress));

  const reader = as(base.db);
  const lecturerIds = await inStep('looking up the imported records', () => idsByKey(plan.lecturers.map((l) => l.email), (emails) => findLecturersForImport(reader, { emails }).then((rows) => rows.map((r) => [String((r as Record<string, unknown>).email), r.id] as const))));
  const leaving = plan.students.filter((s) => s.archived).map((s) => s.studentNumber);
  const studentIds = await inStep('looking up the imported records', () =>
    idsByKey(leaving, (numbers) => findStudentsForImport(reader, { studentNumbers: numbers, emails: [] }).then((rows) => rows.map((r) => [r.studentNumber, r.id] as const))),
  );
  const archiving = [...plan.lecturers.filter((l) => l.archived).map((l) => ({ lecturer: lecturerIds.get(l.email)! })), ...leaving.map((n) => ({ student: studentIds.get(n)! }))];
  const step = 'archiving people who left';
  await inStep(step, async () => {
    for (let i = 0; i < archiving.length; i += ARCHIVE_BATCH) {
      onProgress({ step, done: i, total: archiving.length, unit: 'rows' });
      await inTransaction(async (db) => {
        const ctx = as(db);
        for (const who of archiving.slice(i, i + ARCHIVE_BATCH)) {
          if ('lecturer' in who) await archiveLecturer(ctx, who.lecturer);
          else await archiveStudent(ctx, who.student);
        }
      });
    }
    onProgress({ step, done: archiving.length, total: archiving.length, unit: 'rows' });
  });

  const subjects = await inStep('assigning subjects and teaching', () =>
    inTransaction((db) =>
      writeTeaching(
        as(db),
        plan,
        groupIds,
        plan.lecturers.map((l) => lecturerIds.get(l.email)!),
        onProgress,
      ),
    ),
  );
  await inStep('setting exercises and submissions', () => writeWork((work) => inTransaction((db) => work(as(db))), subjects, onProgress));
  return { username: admin.username, password };
}

/** Looks records up by a key in batches (the services' look-ups take a few thousand keys at a time). */
async function idsByKey(keys: readonly string[], find: (batch: string[]) => Promise<(readonly [string, number])[]>): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (let i = 0; i < keys.length; i += 5_000) for (const [key, id] of await find(keys.slice(i, i + 5_000))) ids.set(key, id);
  const missing = keys.find((k) => !ids.has(k));
  if (missing !== undefined) throw new Error(`the record imported as ${missing} was not found afterwards`);
  return ids;
}

/**
 * Subjects, the groups taking them and who teaches them, written in bulk (the subjects service
 * writes one at a time, with its audit entries: too slow for 480 subjects and 4,000 assignments).
 */
async function writeTeaching(ctx: ServiceContext, plan: DepartmentPlan, groupIds: readonly number[], lecturerIds: readonly number[], onProgress: OnProgress) {
  const now = ctx.clock.now();
  const step = 'assigning subjects and teaching';
  const total = plan.subjects.length + plan.teaching.length;
  const subjectIds = new Map<string, number>();
  for (let i = 0; i < plan.subjects.length; i += INSERT_CHUNK) {
    onProgress({ step, done: i, total, unit: 'rows' });
    const rows = plan.subjects.slice(i, i + INSERT_CHUNK).map((s) => ({ name: s.name, nameKey: uniqueNameKey(s.name), description: s.description, createdAt: now, updatedAt: now }));
    for (const row of await ctx.db.insertInto('subjects').values(rows).returning(['id', 'name']).execute()) subjectIds.set(row.name, row.id);
  }
  const subjectId = (index: number) => subjectIds.get(plan.subjects[index]!.name)!;
  const subjectGroups = plan.subjects.flatMap((s, index) => s.groups.map((g) => ({ subjectId: subjectId(index), groupId: groupIds[g]! })));
  for (let i = 0; i < subjectGroups.length; i += INSERT_CHUNK) await ctx.db.insertInto('subjectGroups').values(subjectGroups.slice(i, i + INSERT_CHUNK)).execute();
  const teaching = plan.teaching.map((t) => ({ subjectId: subjectId(t.subject), lecturerId: lecturerIds[t.lecturer]!, groupId: groupIds[t.group]! }));
  for (let i = 0; i < teaching.length; i += INSERT_CHUNK) {
    onProgress({ step, done: plan.subjects.length + i, total, unit: 'rows' });
    await ctx.db.insertInto('teaching').values(teaching.slice(i, i + INSERT_CHUNK)).execute();
  }
  onProgress({ step, done: total, total, unit: 'rows' });
  return plan.subjects.map((s, index) => ({ id: subjectId(index), groupIds: s.groups.map((g) => groupIds[g]!) }));
}

/** Exercises per subject: two past their due time (scored), two still open (waiting). */
const EXERCISES_PER_SUBJECT = 4;

/** One student in this many sends a given exercise: about 3 submissions a student (300,000 at `large`). */
const SENDERS_ONE_IN = 8;

/**
 * The teaching's work, written in bulk as writeTeaching is: each subject's exercises for all its
 * groups (one transaction), then the submissions of some of each group's active students,
 * deterministic by ids, a transaction per INSERT_CHUNK rows (no transaction grows with the
 * department): those of past exercises scored 1–6, those of open ones waiting in the Waiting Room,
 * sent in the three days before the seed.
 */
async function writeWork(inStepTransaction: <T>(work: (ctx: ServiceContext) => Promise<T>) => Promise<T>, subjects: readonly { id: number; groupIds: number[] }[], onProgress: OnProgress) {
  const step = 'setting exercises and submissions';
  const { now, exercises, studentsOf } = await inStepTransaction((ctx) => writeExercises(ctx, subjects, onProgress));
  let pending: Insertable<SubmissionsTable>[] = [];
  let written = 0;
  const flush = async () => {
    const rows = pending;
    pending = [];
    if (rows.length) await inStepTransaction((ctx) => ctx.db.insertInto('submissions').values(rows).execute());
    written += rows.length;
  };
  for (const [index, e] of exercises.entries()) {
    if (index % 50 === 0) onProgress({ step, done: index, total: exercises.length, unit: 'steps' });
    const past = e.dueAt < now;
    for (const groupId of e.groupIds)
      for (const studentId of studentsOf.get(groupId) ?? []) {
        if ((studentId * 31 + e.id * 17) % SENDERS_ONE_IN !== 0) continue;
        // Before the due time when it has passed; for an open exercise, in the hours before now.
        const hours = ((studentId + e.id) % 72) + 1;
        const sentAt = new Date((past ? e.dueAt : now) - hours * 3_600_000);
        pending.push({
          exerciseId: e.id,
          studentId,
          note: '',
          attachmentFileId: null,
          submittedAt: sentAt,
          late: false,
          status: past ? 'graded' : 'waiting',
          score: past ? 1 + ((studentId + e.id) % 6) : null,
          gradedBy: null,
          gradedAt: past ? new Date(e.dueAt + 86_400_000) : null,
          version: past ? 2 : 1,
          dismissReason: null,
          updatedAt: sentAt,
        });
        if (pending.length >= INSERT_CHUNK) await flush();
      }
  }
  await flush();
  onProgress({ step, done: exercises.length, total: exercises.length, unit: 'steps' });
  return written;
}

/** Each subject's exercises for all its groups, and who is in each group (the senders to come). */
async function writeExercises(ctx: ServiceContext, subjects: readonly { id: number; groupIds: number[] }[], onProgress: OnProgress) {
  const now = ctx.clock.now().getTime();
  const week = 7 * 86_400_000;
  const step = 'setting exercises and submissions';
  const exercises: { id: number; dueAt: number; groupIds: number[] }[] = [];
  for (let i = 0; i < subjects.length; i += INSERT_CHUNK / EXERCISES_PER_SUBJECT) {
    onProgress({ step, done: i, total: subjects.length, unit: 'steps' });
    const batch = subjects.slice(i, i + INSERT_CHUNK / EXERCISES_PER_SUBJECT);
    const rows = batch.flatMap((s) =>
      Array.from({ length: EXERCISES_PER_SUBJECT }, (_, k) => ({
        subjectId: s.id,
        title: `Exercise ${k + 1}`,
        text: 'Solve the tasks of the sheet and send your answers.',
        dueAt: new Date(now + (k - 1.5) * week),
        createdAt: new Date(now - 4 * week),
        updatedAt: new Date(now - 4 * week),
      })),
    );
    const made = await ctx.db.insertInto('exercises').values(rows).returning(['id', 'subjectId', 'dueAt']).execute();
    for (const row of made) exercises.push({ id: row.id, dueAt: new Date(row.dueAt!).getTime(), groupIds: batch.find((s) => s.id === row.subjectId)!.groupIds });
  }
  const exerciseGroups = exercises.flatMap((e) => e.groupIds.map((groupId) => ({ exerciseId: e.id, groupId })));
  for (let i = 0; i < exerciseGroups.length; i += INSERT_CHUNK) await ctx.db.insertInto('exerciseGroups').values(exerciseGroups.slice(i, i + INSERT_CHUNK)).execute();

  const studentsOf = new Map<number, number[]>();
  for (const row of await ctx.db.selectFrom('students').select(['id', 'groupId']).where('archived', '=', false).execute())
    if (row.groupId !== null) studentsOf.set(row.groupId, [...(studentsOf.get(row.groupId) ?? []), row.id]);
  return { now, exercises, studentsOf };
}
