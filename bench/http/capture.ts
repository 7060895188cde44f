// What FMS does for one request of each scenario: the SQL it runs (text and parameters, as the
// driver receives them, the session lookup included) and the bytes it sends. The app is built in
// this process as the tests build it, on the same database and with the servers' configuration;
// a Kysely plugin added last records every query that was executed. The ceiling replays these.
import type { CompiledQuery, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryId, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import pino from 'pino';
import { buildApp } from '../../src/app.js';
import type { Config } from '../../src/config/index.js';
import { createDb } from '../../src/db/index.js';
import { Browser } from '../../test/http.js';
import type { Department } from './department.js';
import type { Role, Scenario } from './scenarios.js';

type App = Awaited<ReturnType<typeof buildApp>>;

/** A parameter as JSON can carry it: Dates and byte strings are tagged, to be restored as they were. */
export type Parameter = string | number | boolean | null | { $date: string } | { $bytes: string };

export interface Statement {
  sql: string;
  parameters: Parameter[];
  /**
   * Statements of one request that ran at the same time (FMS awaits some with Promise.all, which
   * on PostgreSQL run on two connections at once) share a number; the ceiling runs them together too.
   */
  together: number;
}

export interface Captured {
  id: string;
  status: number;
  contentType: string;
  /** The response body, base64. */
  body: string;
  bytes: number;
  statements: Statement[];
}

/** The request headers of each role: a browser's cookies after signing in, or the API token. */
export type RoleHeaders = Record<Role, Record<string, string>>;

function parameterOf(value: unknown): Parameter {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (typeof value === 'bigint') return Number(value);
  if (value === undefined) return null;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return value as Parameter;
}

/** Records the compiled form of every query executed while `recording` is set, in the order they started. */
class QueryRecorder implements KyselyPlugin {
  #recording: (Statement & { ran: boolean })[] | null = null;
  readonly #pending = new WeakMap<QueryId, Statement & { ran: boolean }>();
  #running = 0;
  #together = 0;

  constructor(private readonly compile: (node: RootOperationNode, queryId: QueryId) => CompiledQuery) {}

  start(): void {
    this.#recording = [];
    this.#running = 0;
    this.#together = 0;
  }

  /** The statements that ran (a query compiled but never executed is left out). */
  stop(): Statement[] {
    const recorded = this.#recording ?? [];
    this.#recording = null;
    return recorded.filter((s) => s.ran).map(({ ran: _ran, ...statement }) => statement);
  }

  transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
    if (this.#recording) {
      // Added last, so the node is what the driver's compiler sees after FMS's own plugins.
      const compiled = this.compile(node, queryId);
      // A query that starts while another is still running runs beside it.
      if (this.#running === 0) this.#together++;
      this.#running++;
      const statement = { sql: compiled.sql, parameters: compiled.parameters.map(parameterOf), together: this.#together, ran: false };
      this.#recording.push(statement);
      this.#pending.set(queryId, statement);
    }
    return node;
  }

  async transformResult({ result, queryId }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    // A streamed query reports each chunk: the first one counts.
    const statement = this.#pending.get(queryId);
    if (statement) {
      this.#pending.delete(queryId);
      statement.ran = true;
      this.#running--;
    }
    return result;
  }
}

function cookieHeader(browser: Browser): string {
  return [...browser.cookies].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('; ');
}

async function signedIn(app: App, login: { username: string; password: string }): Promise<Record<string, string>> {
  const browser = new Browser(app);
  await browser.signIn(login.username, login.password);
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
  const recorder = new QueryRecorder((node, queryId) => db.getExecutor().compileQuery(node, queryId));
  let app: App | null = null;
  try {
    // Only errors are kept: a scenario that fails says why.
    const errors: string[] = [];
    const loggerInstance = pino({ level: 'error' }, { write: (line: string) => void errors.push(line) });
    app = await buildApp({ config, db: db.withPlugin(recorder), loggerInstance });
    await app.ready();
    const headers: RoleHeaders = {
      anonymous: {},
      admin: await signedIn(app, department.admin),
      lecturer: await signedIn(app, department.lecturer),
      student: await signedIn(app, department.student),
      api: { authorization: `Bearer ${department.apiToken}` },
    };
    const captured = new Map<string, Captured>();
    const failures = new Map<string, string>();
    for (const scenario of scenarios) {
      if (scenario.kind === 'export') continue;
      errors.length = 0;
      const request = { method: 'GET' as const, url: scenario.path, headers: headers[scenario.role] };
      await app.inject(request);
      recorder.start();
      const response = await app.inject(request);
      const statements = recorder.stop();
      if (response.statusCode !== 200) {
        // Measuring an error page would measure nothing: the scenario is left out, and the run says why.
        const logged = errors.map((line) => (JSON.parse(line) as { err?: { message?: string } }).err?.message).find(Boolean);
        failures.set(scenario.id, `answered ${response.statusCode}${logged ? ` (${logged})` : ''}`);
        continue;
      }
      captured.set(scenario.id, {
        id: scenario.id,
        status: response.statusCode,
        contentType: String(response.headers['content-type'] ?? 'text/html; charset=utf-8'),
        body: response.rawPayload.toString('base64'),
        bytes: response.rawPayload.length,
        statements,
      });
    }
    return { headers, captured, failures };
  } finally {
    await app?.close();
    await db.destroy();
  }
}
