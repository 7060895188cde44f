// `fms seed-demo --scale small|medium|large`: a generated department of realistic size, the same for
// the same seed, for trying FMS out at scale and for the benchmarks. Groups are made through the
// groups service; lecturers and students arrive through stored imports (imports/), so their
// accounts, audit entries and the import history are what real imports write; people who left are
// archived through their services. Subjects, teaching, exercises, materials and submissions are
// written directly in bulk (their services write one at a time, with audit entries: far too slow
// for a million submissions), with small generated PDFs stored as uploads are, and so are three years
// of news (scale-news.ts), without audit entries, as for the teaching.
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
import { newsSummary } from '../features/news/service.js';
import { uniqueNameKey } from '../lib/text-rules.js';
import { Conflict, Invalid } from '../lib/errors.js';
import { ignoreProgress, type OnProgress } from '../ops/data/progress.js';
import { createStorage, type Storage } from '../storage/index.js';
import { recordGeneratedFiles, storeGeneratedFiles, type GeneratedFile } from './generated-files.js';
import { planDepartment, type DepartmentPlan } from './scale-department.js';
import { importLecturers, importStudents, type InTransaction } from './scale-imports.js';
import { planNews, type PlannedArticle } from './scale-news.js';
import { writeSignIns } from './scale-sign-ins.js';
import { writeTheses } from './scale-theses.js';

export type DemoScale = 'small' | 'medium' | 'large';

/** Exercises each subject sets in the term: six already past their due time, four still open. */
export const EXERCISES_PER_SUBJECT = 10;

/**
 * The sizes of each scale; `submissions` is aimed at (about that many are sent), the rest are exact.
 * News grows with the students: one article for every five (20,000 at `large`, issue 13).
 */
export const demoScales: Record<DemoScale, { students: number; groups: number; lecturers: number; subjects: number; submissions: number; news: number }> = {
  small: { students: 500, groups: 20, lecturers: 30, subjects: 120, submissions: 5_000, news: 100 },
  medium: { students: 10_000, groups: 200, lecturers: 300, subjects: 1_000, submissions: 100_000, news: 2_000 },
  large: { students: 100_000, groups: 2_000, lecturers: 3_000, subjects: 5_000, submissions: 1_000_000, news: 20_000 },
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
  subjects: number;
  exercises: number;
  /** As sent: about the scale's aim. */
  submissions: number;
  /** Generated files stored: the subjects' materials and the files sent with submissions. */
  files: number;
  /** News articles published. */
  news: number;
  /** Sign-ins written into the audit trail, the last 90 days (scale-sign-ins.ts). */
  signIns: number;
  /** Theses, one for every other active student (scale-theses.ts). */
  theses: number;
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
 * commits step by step (the groups, each imported file, each batch of archiving, the teaching, the
 * exercises, the materials by 250 subjects, the submissions by 500, the news by 500), as an office would enter a
 * department, so no transaction holds a million rows' worth of locks and undo. A seed that fails after its first step leaves part of a department, and says so.
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
    const { students, groups, lecturers, subjects, submissions: aim, news } = demoScales[scale];
    const seeded = await seedPlan({ ...ctx, storage }, plan, aim, planNews(plan, news, seed), seed, onProgress);
    return {
      adminUsername: seeded.username,
      adminPassword: seeded.password,
      students,
      groups,
      lecturers,
      subjects,
      exercises: subjects * EXERCISES_PER_SUBJECT,
      submissions: seeded.work.submissions,
      files: seeded.work.files,
      news,
      signIns: seeded.signIns,
      theses: seeded.theses,
      milliseconds: Math.round(performance.now() - started),
    };
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

async function seedPlan(base: ServiceContext & { storage: Storage }, plan: DepartmentPlan, submissionsAim: number, news: readonly PlannedArticle[], seed: number, onProgress: OnProgress) {
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
  const work = await inStep('setting exercises and submissions', () => writeWork((step) => inTransaction((db) => step(as(db))), base.storage, subjects, submissionsAim, onProgress));
  const lecturerIdOf = plan.lecturers.map((l) => lecturerIds.get(l.email)!);
  await inStep('publishing news', () => writeNews(base, inTransaction, news, { adminUserId: admin.id, groupIds, lecturerIds: lecturerIdOf }, onProgress));
  const theses = await inStep('recording theses', () => writeTheses(base, inTransaction, { seed }, onProgress));
  const signIns = await inStep('recording sign-ins', () => writeSignIns(base, inTransaction, { perWeekday: plan.students.length / 20, seed }, onProgress));
  return { username: admin.username, password, work, signIns, theses };
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
 * writes one at a time, with its audit entries: too slow for 5,000 subjects and 25,000 assignments).
 */
async function writeTeaching(ctx: ServiceContext, plan: DepartmentPlan, groupIds: readonly number[], lecturerIds: readonly number[], onProgress: OnProgress): Promise<SeededSubject[]> {
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
  const firstTeacher = new Map<number, number>();
  for (const t of plan.teaching) if (!firstTeacher.has(t.subject)) firstTeacher.set(t.subject, lecturerIds[t.lecturer]!);
  return plan.subjects.map((s, index) => ({ id: subjectId(index), name: s.name, groupIds: s.groups.map((g) => groupIds[g]!), lecturerId: firstTeacher.get(index) ?? null }));
}

interface SeededSubject {
  id: number;
  name: string;
  groupIds: number[];
  /** The lecturer who put up its materials: the first who teaches it (null when no one does). */
  lecturerId: number | null;
}

/** A week, in milliseconds: exercises fall due weekly. */
const WEEK = 7 * 86_400_000;

/** Of the sent submissions: one in this many carries a generated file (50,000 at `large`). */
const FILE_ONE_IN = 20;
/** Of those sent for past exercises: one in this many came in after the due time (marked late)… */
const LATE_ONE_IN = 15;
/** …and one in this many the lecturer removed from the Waiting Room with a reason. */
const DISMISSED_ONE_IN = 50;

const notes = ['', '', '', 'Part 3 is not finished yet.', 'I used the second method from the lecture.', 'The plots are on the last page.'];
/** What a student writes when sending after the due time. */
const LATE_NOTE = 'Sorry for the late answer.';

/**
 * A number from a pair of ids, spread evenly: which students send which exercise, and how. The same
 * for the same ids, so a seed into a new database sends the same work.
 */
function pairHash(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The teaching's work, written in bulk as writeTeaching is: each subject's exercises for all its
 * groups and two materials (one transaction), then the submissions of some of each group's active
 * students, as many as `aim` asks, a transaction per INSERT_CHUNK rows (no transaction grows with the
 * department): those of past exercises scored 1–6 (a few late, a few removed with a reason), those of
 * open ones waiting in the Waiting Room, sent in the three days before the seed; one in twenty with a
 * generated PDF.
 */
async function writeWork(
  inStepTransaction: <T>(work: (ctx: ServiceContext) => Promise<T>) => Promise<T>,
  storage: Storage,
  subjects: readonly SeededSubject[],
  aim: number,
  onProgress: OnProgress,
): Promise<{ submissions: number; files: number }> {
  const step = 'setting exercises and submissions';
  const { now, exercises, studentsOf, userOf } = await inStepTransaction((ctx) => writeExercises(ctx, subjects, onProgress));
  const seedTime = new Date(now);
  const materials = await writeMaterials(inStepTransaction, storage, subjects, userOf, seedTime, onProgress);
  const possible = exercises.reduce((sum, e) => sum + e.groupIds.reduce((n, g) => n + (studentsOf.get(g)?.length ?? 0), 0), 0);
  const oneIn = Math.max(1, Math.round(possible / aim));
  let pending: { row: Insertable<SubmissionsTable>; file: GeneratedFile | null }[] = [];
  let written = 0;
  let files = 0;
  const flush = async () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    const sent = batch.flatMap((b) => (b.file ? [b.file] : []));
    const stored = await storeGeneratedFiles(storage, seedTime, sent);
    await inStepTransaction(async (ctx) => {
      const fileIds = await recordGeneratedFiles(ctx.db, stored);
      let next = 0;
      await ctx.db
        .insertInto('submissions')
        .values(batch.map((b) => ({ ...b.row, attachmentFileId: b.file ? fileIds[next++]! : null })))
        .execute();
    });
    written += batch.length;
    files += sent.length;
  };
  for (const [index, e] of exercises.entries()) {
    if (index % 500 === 0) onProgress({ step, done: index, total: exercises.length, unit: 'steps' });
    const past = e.dueAt < now;
    for (const groupId of e.groupIds)
      for (const studentId of studentsOf.get(groupId) ?? []) {
        const h = pairHash(studentId, e.id);
        if (h % oneIn !== 0) continue;
        const spread = Math.floor(h / oneIn);
        // Before the due time when it has passed (a few just after it); for an open exercise, in the
        // hours before now.
        const hours = (spread % 72) + 1;
        const late = past && (spread >>> 7) % LATE_ONE_IN === 0;
        const dismissed = past && (spread >>> 11) % DISMISSED_ONE_IN === 0;
        const sentAt = new Date(late ? Math.min(e.dueAt + hours * 3_600_000, now - 3_600_000) : (past ? e.dueAt : now) - hours * 3_600_000);
        const judgedAt = new Date(Math.min(sentAt.getTime() + 86_400_000, now));
        pending.push({
          row: {
            exerciseId: e.id,
            studentId,
            note: late ? LATE_NOTE : notes[(spread >>> 3) % notes.length]!,
            attachmentFileId: null,
            submittedAt: sentAt,
            late,
            status: past ? (dismissed ? 'dismissed' : 'graded') : 'waiting',
            score: past && !dismissed ? 1 + ((spread >>> 17) % 6) : null,
            gradedBy: past ? e.lecturerUserId : null,
            gradedAt: past && !dismissed ? judgedAt : null,
            version: past ? 2 : 1,
            dismissReason: dismissed ? 'The file does not open; send it again, please.' : null,
            updatedAt: past ? judgedAt : sentAt,
          },
          file:
            (spread >>> 21) % FILE_ONE_IN === 0
              ? { originalName: 'solution.pdf', lines: [`${e.title}: my solution`, `Student ${studentId}`, 'Task 1: see the derivation below.'], uploadedBy: userOf.students.get(studentId) ?? null }
              : null,
        });
        if (pending.length >= INSERT_CHUNK) await flush();
      }
  }
  await flush();
  onProgress({ step, done: exercises.length, total: exercises.length, unit: 'steps' });
  return { submissions: written, files: files + materials };
}

/** Each subject's two materials, generated PDFs put up by its first lecturer; answers how many files. */
async function writeMaterials(
  inStepTransaction: <T>(work: (ctx: ServiceContext) => Promise<T>) => Promise<T>,
  storage: Storage,
  subjects: readonly SeededSubject[],
  userOf: Awaited<ReturnType<typeof writeExercises>>['userOf'],
  now: Date,
  onProgress: OnProgress,
): Promise<number> {
  const step = 'putting up materials';
  const titles = ['Syllabus', 'Lecture notes, week 1'] as const;
  const perBatch = INSERT_CHUNK / titles.length;
  for (let i = 0; i < subjects.length; i += perBatch) {
    onProgress({ step, done: i, total: subjects.length, unit: 'rows' });
    const batch = subjects.slice(i, i + perBatch);
    const made = batch.flatMap((s) => {
      const by = s.lecturerId === null ? null : (userOf.lecturers.get(s.lecturerId) ?? null);
      return titles.map((title) => ({ subjectId: s.id, title, by, file: { originalName: `${title}.pdf`, lines: [s.name, title, 'Generated for a trial department.'], uploadedBy: by } }));
    });
    const stored = await storeGeneratedFiles(storage, now, made.map((m) => m.file));
    await inStepTransaction(async (ctx) => {
      const fileIds = await recordGeneratedFiles(ctx.db, stored);
      await ctx.db
        .insertInto('subjectMaterials')
        .values(made.map((m, k) => ({ subjectId: m.subjectId, fileId: fileIds[k]!, title: m.title, createdBy: m.by, createdAt: now, updatedAt: null })))
        .execute();
    });
  }
  onProgress({ step, done: subjects.length, total: subjects.length, unit: 'rows' });
  return subjects.length * titles.length;
}

/** Each subject's exercises for all its groups, who is in each group (the senders to come), and the accounts of people. */
async function writeExercises(ctx: ServiceContext, subjects: readonly SeededSubject[], onProgress: OnProgress) {
  const now = ctx.clock.now().getTime();
  const step = 'setting exercises and submissions';
  const userOf = { students: new Map<number, number>(), lecturers: new Map<number, number>() };
  for (const u of await ctx.db.selectFrom('users').select(['id', 'studentId', 'lecturerId']).where((eb) => eb.or([eb('studentId', 'is not', null), eb('lecturerId', 'is not', null)])).execute()) {
    if (u.studentId !== null) userOf.students.set(u.studentId, u.id);
    if (u.lecturerId !== null) userOf.lecturers.set(u.lecturerId, u.id);
  }
  const exercises: { id: number; title: string; dueAt: number; groupIds: number[]; lecturerUserId: number | null }[] = [];
  const perBatch = INSERT_CHUNK / EXERCISES_PER_SUBJECT;
  for (let i = 0; i < subjects.length; i += perBatch) {
    onProgress({ step, done: i, total: subjects.length, unit: 'steps' });
    const batch = subjects.slice(i, i + perBatch);
    const rows = batch.flatMap((s) =>
      Array.from({ length: EXERCISES_PER_SUBJECT }, (_, k) => ({
        subjectId: s.id,
        title: `Exercise ${k + 1}`,
        text: 'Solve the tasks of the sheet and send your answers.',
        // Weekly: six past their due time, four still open.
        dueAt: new Date(now + (k - 5.5) * WEEK),
        createdBy: s.lecturerId === null ? null : (userOf.lecturers.get(s.lecturerId) ?? null),
        createdAt: new Date(now - 7 * WEEK),
        updatedAt: new Date(now - 7 * WEEK),
      })),
    );
    const made = await ctx.db.insertInto('exercises').values(rows).returning(['id', 'subjectId', 'title', 'dueAt', 'createdBy']).execute();
    const bySubject = new Map(batch.map((s) => [s.id, s]));
    for (const row of made) exercises.push({ id: row.id, title: row.title, dueAt: new Date(row.dueAt!).getTime(), groupIds: bySubject.get(row.subjectId)!.groupIds, lecturerUserId: row.createdBy });
  }
  const exerciseGroups = exercises.flatMap((e) => e.groupIds.map((groupId) => ({ exerciseId: e.id, groupId })));
  for (let i = 0; i < exerciseGroups.length; i += INSERT_CHUNK) await ctx.db.insertInto('exerciseGroups').values(exerciseGroups.slice(i, i + INSERT_CHUNK)).execute();

  const studentsOf = new Map<number, number[]>();
  for (const row of await ctx.db.selectFrom('students').select(['id', 'groupId']).where('archived', '=', false).orderBy('id').execute())
    if (row.groupId !== null) {
      const members = studentsOf.get(row.groupId);
      if (members) members.push(row.id);
      else studentsOf.set(row.groupId, [row.id]);
    }
  return { now, exercises, studentsOf, userOf };
}

/**
 * The news, written in bulk (the news service publishes one article at a time, with an audit entry
 * each), a transaction per INSERT_CHUNK articles with their groups: each published `ago` before the
 * seed, its summary made as the service makes it, by the admin's account or a lecturer's.
 */
async function writeNews(
  ctx: ServiceContext,
  inStepTransaction: <T>(work: (db: Db) => Promise<T>) => Promise<T>,
  articles: readonly PlannedArticle[],
  ids: { adminUserId: number; groupIds: readonly number[]; lecturerIds: readonly number[] },
  onProgress: OnProgress,
): Promise<void> {
  const step = 'publishing news';
  const now = ctx.clock.now().getTime();
  const accountOf = new Map<number, number>();
  for (const u of await ctx.db.selectFrom('users').select(['id', 'lecturerId']).where('lecturerId', 'is not', null).execute()) accountOf.set(u.lecturerId!, u.id);
  for (let i = 0; i < articles.length; i += INSERT_CHUNK) {
    onProgress({ step, done: i, total: articles.length, unit: 'rows' });
    const batch = articles.slice(i, i + INSERT_CHUNK);
    const rows = batch.map((a) => {
      const publishedAt = new Date(now - a.ago);
      return {
        category: a.category,
        title: a.title,
        body: a.body,
        summary: newsSummary(a.body),
        audience: a.audience,
        authorId: a.author === null ? ids.adminUserId : accountOf.get(ids.lecturerIds[a.author]!)!,
        publishedAt,
        createdAt: publishedAt,
        updatedAt: a.editedAfter === null ? null : new Date(publishedAt.getTime() + a.editedAfter),
      };
    });
    await inStepTransaction(async (db) => {
      const made = await db.insertInto('news').values(rows).returning(['id', 'publishedAt']).execute();
      // Each article has its own publishing time (scale-news.ts): it finds the article's id.
      const idAt = new Map(made.map((m) => [new Date(m.publishedAt!).getTime(), m.id]));
      const groups = batch.flatMap((a, k) => a.groups.map((g) => ({ newsId: idAt.get(rows[k]!.publishedAt.getTime())!, groupId: ids.groupIds[g]! })));
      if (groups.length) await db.insertInto('newsGroups').values(groups).execute();
    });
  }
  onProgress({ step, done: articles.length, total: articles.length, unit: 'rows' });
}
