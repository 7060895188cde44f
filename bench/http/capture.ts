// What FMS does for one request of each scenario: the SQL it runs (text and parameters, as the
// driver receives them, the session lookup included) and the bytes it sends. The app is built in
// this process as the tests build it, on the same database and with the servers' configuration;
// the query suites' log (test/query-log.ts) records every query that was executed. The ceiling
// replays these. A write (scoring) is captured on an entry of its own, and the entry's id in its
// statements is marked so that the ceiling can put the id of each request in its place.
import pino from 'pino';
import { buildApp } from '../../src/app.js';
import type { Config } from '../../src/config/index.js';
import { createDb } from '../../src/db/index.js';
import { Browser } from '../../test/http.js';
import { QueryLog, type Statement as LoggedStatement } from '../../test/query-log.js';
import type { Department } from './department.js';
import type { BenchRole, Scenario } from './scenarios.js';

type App = Awaited<ReturnType<typeof buildApp>>;

/** A parameter as JSON can carry it: Dates and byte strings are tagged, to be restored as they were. */
export type Parameter =
  | string
  | number
  | boolean
  | null
  | { $date: string }
  | { $bytes: string }
  | { $array: (string | number)[] }
  /** The id of the entry a write acts on: each replayed request's own. */
  | { $id: true }
  /** A JSON text naming that id (an audit entry's `after`): ID_MARK stands where the id goes. */
  | { $template: string };

export const ID_MARK = '"@@entry-id@@"';

/** A logged statement as the ceiling's spec carries it. */
export type Statement = Omit<LoggedStatement, 'parameters'> & { parameters: Parameter[] };

export interface Captured {
  id: string;
  status: number;
  contentType: string;
  /** The response body, base64 (empty for a download: the ceiling streams `file`). */
  body: string;
  bytes: number;
  statements: Statement[];
  /** A download's stored object, read from disk by the ceiling. */
  file?: string;
  /** A write: run in one transaction, the marked id replaced by each request's. */
  write?: boolean;
}

/** The request headers of each role: a browser's cookies after signing in, or the API token. */
export type RoleHeaders = Record<BenchRole, Record<string, string>>;

function parameterOf(value: unknown): Parameter {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (typeof value === 'bigint') return Number(value);
  if (value === undefined) return null;
  // PostgreSQL's array parameters (the ids a page reads by key through unnest) stay arrays.
  if (Array.isArray(value)) return { $array: value as (string | number)[] };
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return value as Parameter;
}

/** The entry's id in a write's parameter marked for the ceiling; anything else as it was. */
function marked(value: Parameter, id: number): Parameter {
  if (value === id) return { $id: true };
  if (typeof value !== 'string' || !value.startsWith('{')) return value;
  let found = false;
  const walk = (v: unknown): unknown => {
    if (v === id) {
      found = true;
      return JSON.parse(ID_MARK);
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  try {
    const text = JSON.stringify(walk(JSON.parse(value)));
    return found ? { $template: text } : value;
  } catch {
    return value;
  }
}

function cookieHeader(browser: Browser): string {
  return [...browser.cookies].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('; ');
}

async function signedIn(app: App, login: { username: string; password: string }): Promise<Record<string, string>> {
  const browser = new Browser(app);
  await browser.signIn(login.username, login.password);
  // Signing in rotates the CSRF secret; a browser gets its new cookie with the first page and sends
  // it from then on. Without it every request of the load would make a new secret (53 µs each).
  await browser.get('/dashboard');
  return { cookie: cookieHeader(browser) };
}

/**
 * Signs each role in (sessions live in the database, so the servers accept them too) and records
 * each scenario's statements and body from its second request: the first one fills the caches
 * (maintenance switch, session touch) that a server under load has already filled.
 */
export async function captureScenarios(
  department: Department,
  config: Config,
  scenarios: readonly Scenario[],
): Promise<{ headers: RoleHeaders; captured: Map<string, Captured>; failures: Map<string, string> }> {
  const db = createDb(config.database, { poolSize: 4 });
  try {
    const log = new QueryLog();
    // Only errors are kept: a scenario that fails says why.
    const errors: string[] = [];
    const loggerInstance = pino({ level: 'error' }, { write: (line: string) => void errors.push(line) });
    const app = await buildApp({ config, db: log.observe(db), loggerInstance });
    try {
      await app.ready();
      const headers: RoleHeaders = {
        anonymous: {},
        admin: await signedIn(app, department.admin),
        lecturer: await signedIn(app, department.lecturer),
        student: await signedIn(app, department.student),
        api: { authorization: `Bearer ${department.apiToken}` },
        'busy-lecturer': department.busyLecturer ? await signedIn(app, department.busyLecturer) : {},
      };
      const captured = new Map<string, Captured>();
      const failures = new Map<string, string>();
      for (const scenario of scenarios) {
        if (scenario.kind === 'export') continue;
        errors.length = 0;
        // A write takes an entry for the warming request and one for the captured request.
        const write = scenario.writes;
        const entries = write ? [write.pool.take(), write.pool.take()] : [];
        if (write && entries.some((e) => e === null)) {
          failures.set(scenario.id, 'found too few waiting submissions no other scenario shows');
          continue;
        }
        const requestOf = (i: number) => {
          if (!write) return { method: 'GET' as const, url: scenario.path, headers: headers[scenario.role] };
          const { path, body } = write.request(entries[i]!);
          return { method: 'POST' as const, url: path, payload: body, headers: { ...headers[scenario.role], 'content-type': 'application/json' } };
        };
        await app.inject(requestOf(0));
        const { result: response, statements } = await log.during(() => app.inject(requestOf(1)));
        if (response.statusCode !== 200) {
          // Measuring an error page would measure nothing: the scenario is left out, and the run says why.
          const logged = errors.map((line) => (JSON.parse(line) as { err?: { message?: string } }).err?.message).find(Boolean);
          failures.set(scenario.id, `answered ${response.statusCode}${logged ? ` (${logged})` : ''}`);
          continue;
        }
        const file = scenario.kind === 'download' ? department.material?.file : undefined;
        if (scenario.kind === 'download' && response.rawPayload.length !== department.material?.bytes) {
          failures.set(scenario.id, `sent ${response.rawPayload.length} bytes of a ${department.material?.bytes ?? '?'}-byte material`);
          continue;
        }
        const id = write ? entries[1]!.id : null;
        captured.set(scenario.id, {
          id: scenario.id,
          status: response.statusCode,
          contentType: String(response.headers['content-type'] ?? 'text/html; charset=utf-8'),
          body: file ? '' : response.rawPayload.toString('base64'),
          bytes: response.rawPayload.length,
          statements: statements.map((s) => ({ ...s, parameters: s.parameters.map((p) => (id === null ? parameterOf(p) : marked(parameterOf(p), id))) })),
          ...(file ? { file } : {}),
          ...(write ? { write: true } : {}),
        });
      }
      return { headers, captured, failures };
    } finally {
      await app.close();
    }
  } finally {
    await db.destroy();
  }
}
