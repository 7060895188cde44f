// People-list benchmark: 100,000 students on SQLite and PostgreSQL. Measures the bulk creation (with
// accounts), the first list page, a deep numbered page with its total, a deep cursor page, searches
// and a group filter, each the median of several runs, through the same service calls the pages
// make. Also compares the folded search_text LIKE with the per-row JS lower() it replaced.
// Writes bench/PEOPLE-RESULTS.md. Run with `npm run bench:people`.
import { writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import pg from 'pg';
import { systemActor } from '../src/access.js';
import { loadConfig } from '../src/config/index.js';
import type { ServiceContext } from '../src/context.js';
import { createDb, type Db } from '../src/db/index.js';
import { migrateOrThrow } from '../src/db/migrator.js';
import { containsIgnoringCase } from '../src/db/search.js';
import * as accounts from '../src/features/accounts/service.js';
import * as groups from '../src/features/groups/service.js';
import * as students from '../src/features/students/service.js';
import { systemClock } from '../src/lib/clock.js';
import { writeCsv } from '../src/lib/spreadsheets.js';

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 100_000);
const RUNS = 7;
const postgresUrl = process.env.FMS_TEST_POSTGRES_URL;
const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const first = ['Ana', 'Ivan', 'Sara', 'Luka', 'Mia', 'Petar', 'Ema', 'Jakob', 'Lana', 'Noah', 'Šime', 'Đurđa'];
const last = ['Novak', 'Horvat', 'Kovač', 'Babić', 'Marić', 'Jurić', 'Šarić', 'Knežević', 'Vuković', 'Popović', 'Pavić', 'Lovrić'];

async function median(work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

async function openEngine(engine: 'sqlite' | 'postgres'): Promise<{ db: Db; close: () => Promise<void> }> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'fms-bench-'));
    const file = join(dir, 'fms.sqlite');
    const db = createDb({ kind: 'sqlite', file, url: `sqlite:${file}` });
    return { db, close: async () => { await db.destroy(); rmSync(dir, { recursive: true, force: true }); } };
  }
  const schema = `bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const db = createDb({ kind: 'postgres', url: postgresUrl! }, { searchPath: schema, poolSize: 4 });
  return {
    db,
    close: async () => {
      await db.destroy();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    },
  };
}

async function run(engine: 'sqlite' | 'postgres') {
  const { db, close } = await openEngine(engine);
  try {
    await migrateOrThrow(db);
    const ctx: ServiceContext = { db, actor: systemActor, clock: systemClock, config: loadConfig({ FMS_CONFIG: 'testing' }, { dotenvDir: false }), log: quiet };
    const groupIds: number[] = [];
    for (let g = 0; g < 200; g++) groupIds.push((await groups.createGroup(ctx, { name: `G-${String(g).padStart(3, '0')}` })).id);
    const start = performance.now();
    for (let i = 0; i < STUDENTS; i += 10_000) {
      const batch = Array.from({ length: Math.min(10_000, STUDENTS - i) }, (_, k) => {
        const n = i + k;
        return {
          studentNumber: `S${String(n).padStart(7, '0')}`,
          firstName: first[n % first.length]!,
          lastName: `${last[(n * 7) % last.length]!}${n % 97 === 0 ? 'ić' : ''}`,
          patronymic: '',
          birthDate: '2005-04-01',
          email: `student${n}@students.example`,
          phone: `+385 1 ${String(1_000_000 + n)}`,
          address: null,
          groupId: groupIds[n % groupIds.length]!,
          username: null,
        };
      });
      await db.transaction().execute((tx) => students.createStudentsInBulk({ ...ctx, db: tx }, batch));
    }
    const createSeconds = (performance.now() - start) / 1000;
    const rows: [string, number][] = [];
    const measure = async (label: string, work: () => Promise<unknown>) => rows.push([label, await median(work)]);
    await measure('first page by name (50 rows)', () => students.listStudents(ctx, {}));
    // Halfway down the list: a numbered page (OFFSET, plus the total) and the cursor page there.
    const middle = Math.floor(STUDENTS / 100);
    const row = ((middle - 1) * 50).toLocaleString('en');
    await measure(`page ${middle.toLocaleString('en')} by name with total (offset ${row})`, () => students.listStudents(ctx, { page: middle }));
    const cursorAfter = (await students.listStudents(ctx, { page: middle - 1 })).nextCursor!;
    await measure(`cursor page at row ${row}`, () => students.listStudents(ctx, { cursor: cursorAfter }));
    await measure('search a rare surname ("saricic") with total', () => students.listStudents(ctx, { q: 'šarićić', page: 1 }));
    await measure('search a common first name ("sara") with total', () => students.listStudents(ctx, { q: 'sara', page: 1 }));
    await measure('search a student number ("S0054321")', () => students.listStudents(ctx, { q: 'S0054321' }));
    await measure('group filter with total', () => students.listStudents(ctx, { group: groupIds[17], page: 1 }));
    await measure('sort by number descending, first page', () => students.listStudents(ctx, { sort: '-number' }));
    await measure('accounts list searched by a student\'s name ("saricic") with total', () => accounts.listAccounts(ctx, { q: 'saricic' }));
    // The whole list as the CSV export streams it (500-row keyset batches), into a sink.
    const exportStart = performance.now();
    let exportBytes = 0;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        exportBytes += chunk.length;
        done();
      },
    });
    await writeCsv(sink, [{ header: 'Student number', key: 'studentNumber' }, { header: 'Last name', key: 'lastName' }, { header: 'First name', key: 'firstName' }, { header: 'E-mail', key: 'email' }, { header: 'Group', key: 'groupName' }], students.exportStudents(ctx, {}));
    rows.push([`export all ${STUDENTS.toLocaleString('en')} students to CSV (one run; ${(exportBytes / 1e6).toFixed(1)} MB)`, performance.now() - exportStart]);
    // The approach this replaced: lower() of each column, per row, in a LIKE (a JS function on SQLite),
    // in the same list order and with the same page size as the service's query.
    const old = () =>
      db
        .selectFrom('students')
        .leftJoin('groups', 'groups.id', 'students.groupId')
        .selectAll('students')
        .where('students.archived', '=', false)
        .where((eb) => eb.or([containsIgnoringCase(eb.ref('students.lastName'), 'šarićić'), containsIgnoringCase(eb.ref('students.firstName'), 'šarićić'), containsIgnoringCase(eb.ref('students.email'), 'šarićić'), containsIgnoringCase(eb.ref('students.studentNumber'), 'šarićić'), containsIgnoringCase(eb.ref('students.phone'), 'šarićić')]))
        .orderBy('students.lastName')
        .orderBy('students.firstName')
        .orderBy('students.id')
        .limit(51)
        .execute();
    const folded = () => students.listStudents(ctx, { q: 'šarićić' });
    const oldMs = await median(old);
    const newMs = await median(folded);
    return { engine, createSeconds, rows, oldMs, newMs };
  } finally {
    await close();
  }
}

const engines: ('sqlite' | 'postgres')[] = postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];
const results: Awaited<ReturnType<typeof run>>[] = [];
for (const engine of engines) {
  process.stdout.write(`${engine}: creating ${STUDENTS} students with accounts …\n`);
  results.push(await run(engine));
}
const cpu = cpus();
const lines = [
  '# People-list benchmark results',
  '',
  `Measured ${new Date().toISOString()} on ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, Node ${process.version}; ${STUDENTS.toLocaleString('en')} students in 200 groups, each with an account; median of ${RUNS} runs of the same service call the pages make. PostgreSQL runs on the same machine.`,
  '',
  `| operation | ${results.map((r) => (r.engine === 'sqlite' ? 'SQLite ms' : 'PostgreSQL ms')).join(' | ')} |`,
  `| --- | ${results.map(() => '---:').join(' | ')} |`,
  `| create ${STUDENTS.toLocaleString('en')} students with accounts (10,000 per transaction) | ${results.map((r) => `${(r.createSeconds * 1000).toFixed(0)}`).join(' | ')} |`,
  ...results[0]!.rows.map(([label], i) => `| ${label} | ${results.map((r) => r.rows[i]![1].toFixed(1)).join(' | ')} |`),
  '',
  'Search: the folded `search_text` LIKE against the per-column `lower()` it replaced (first page, no total):',
  '',
  '| engine | lower() per column, ms | search_text, ms | search_text is |',
  '| --- | ---: | ---: | ---: |',
  ...results.map((r) => `| ${r.engine} | ${r.oldMs.toFixed(1)} | ${r.newMs.toFixed(1)} | ${(r.oldMs / r.newMs).toFixed(1)}× as fast |`),
  '',
];
writeFileSync('bench/PEOPLE-RESULTS.md', lines.join('\n'));
process.stdout.write(lines.join('\n'));
