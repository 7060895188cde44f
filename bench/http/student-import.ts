// Issue 11's import target ("importing 10,000 students in under 5 s"): a new intake's CSV, built as
// the seed builds its files (src/seeds/scale-imports.ts), uploaded for a dry run and confirmed
// through the admin's pages of a running FMS, as an admin's browser would, with the server's
// memory sampled meanwhile. It writes into the department it is given: run it last on a copy.
import { performance } from 'node:perf_hooks';
import type { Db } from '../../src/db/index.js';
import { planDepartment } from '../../src/seeds/scale-department.js';
import { csvBytes, studentColumns } from '../../src/seeds/scale-imports.js';
import { csrfTokenIn } from '../../test/http.js';
import { MemorySampler } from './processes.js';

/** The scenario's name for BENCH_ONLY. */
export const STUDENT_IMPORT_ID = 'import-students';
export const IMPORTED_STUDENTS = 10_000;

/** The intake after the seed's last (2025): its numbers and addresses are new to any seeded department. */
const INTAKE = 2026;

/** One import, timed from the upload to the confirmation's answer. */
export interface ImportRun {
  rows: number;
  /** The upload's answer and the report page it leads to (what the admin reads before confirming). */
  dryRunSeconds: number;
  confirmSeconds: number;
  seconds: number;
  /** Resident size of the server process before the upload and at its peak until the confirmation answered. */
  rssBefore: number;
  peakRss: number;
  /** Null when the students were imported; otherwise what went wrong. */
  problem: string | null;
}

/**
 * The CSV of a new intake of `rows` students, drawn as the seed draws people, spread over the
 * department's active groups; numbered 2026-00001 on and mailed at their own domain, so that no
 * row names (and updates) a student already there.
 */
export async function newIntakeCsv(db: Db, rows: number, seed: number): Promise<Buffer> {
  const groups = (await db.selectFrom('groups').select('name').where('archived', '=', false).orderBy('name').execute()).map((g) => g.name);
  if (!groups.length) throw new Error('the department has no active group to import students into');
  // Another seed than the department's: other people.
  const { students } = planDepartment({ students: rows, groups: 1, lecturers: 0 }, seed + 1);
  const records = students.map(({ archived: _archived, group: _group, ...s }, i) => ({
    ...s,
    studentNumber: `${INTAKE}-${String(i + 1).padStart(5, '0')}`,
    email: s.email.replace(/@.*$/, `@intake${INTAKE}.fms.example`),
    group: groups[i % groups.length],
  }));
  return csvBytes(studentColumns, records);
}

/** A browser's cookies: sent with every request, replaced by what the server sets. */
class CookieJar {
  readonly #cookies = new Map<string, string>();

  constructor(header: string) {
    for (const pair of header.split(/;\s*/).filter(Boolean)) {
      const at = pair.indexOf('=');
      this.#cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === '' || /;\s*max-age=0\b/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }
}


/**
 * Uploads `csv` at `baseUrl`/admin/imports as the admin whose cookies are `cookie`, reads the
 * report, confirms it, and checks in `db` that every row became a student.
 */
export async function timedStudentImport(baseUrl: string, cookie: string, csv: Buffer, rows: number, pids: () => number[], db: Db): Promise<ImportRun> {
  const jar = new CookieJar(cookie);
  const request = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${baseUrl}${path}`, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string> | undefined), cookie: jar.header() } });
    jar.keep(response);
    return { status: response.status, location: response.headers.get('location'), body: await response.text() };
  };
  const countStudents = async () => Number((await db.selectFrom('students').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const before = await countStudents();
  const run: ImportRun = { rows, dryRunSeconds: 0, confirmSeconds: 0, seconds: 0, rssBefore: 0, peakRss: 0, problem: null };

  const page = await request('/admin/imports');
  const token = csrfTokenIn(page.body);
  if (page.status !== 200 || !token) return { ...run, problem: `the Import page answered ${page.status}${token ? '' : ' without a CSRF token'}` };

  const idle = new MemorySampler(pids);
  idle.sample();
  run.rssBefore = idle.peakProcess;
  const sampler = new MemorySampler(pids, 50).start();
  try {
    const started = performance.now();
    // A browser's form: the token first (FMS reads it before the file), then the kind and the file.
    const form = new FormData();
    form.append('_csrf', token);
    form.append('kind', 'students');
    form.append('file', new Blob([csv], { type: 'text/csv' }), `intake-${INTAKE}.csv`);
    const upload = await request('/admin/imports', { method: 'POST', body: form });
    const reportPath = upload.status === 303 ? upload.location : null;
    if (!reportPath) return { ...run, problem: `the upload answered ${upload.status}: ${upload.body.slice(0, 300)}` };
    const report = await request(reportPath);
    run.dryRunSeconds = (performance.now() - started) / 1000;
    const planHash = /name="planHash" value="([^"]*)"/.exec(report.body)?.[1];
    const confirmToken = csrfTokenIn(report.body);
    if (report.status !== 200 || !planHash || !confirmToken) return { ...run, problem: `the dry run's report (${reportPath}) answered ${report.status}${planHash ? '' : ' with no confirmation form'}` };

    const confirming = performance.now();
    const confirm = await request(`${reportPath}/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: confirmToken, planHash }).toString(),
    });
    const finished = performance.now();
    run.confirmSeconds = (finished - confirming) / 1000;
    run.seconds = (finished - started) / 1000;
    run.peakRss = sampler.stop().peakProcess;
    if (confirm.status !== 303) return { ...run, problem: `the confirmation answered ${confirm.status}: ${confirm.body.slice(0, 300)}` };
  } finally {
    sampler.stop();
  }
  const added = (await countStudents()) - before;
  if (added !== rows) run.problem = `the confirmation answered 303, but ${added.toLocaleString('en')} students were added, not ${rows.toLocaleString('en')}`;
  return run;
}
