// Which SQL statements a request runs: a Kysely plugin, added last to the app's database, records the
// compiled form of every query that ran (text and parameters as the driver receives them,
// after FMS's own plugins). The query-budget and query-plan suites count and EXPLAIN what it saw;
// the bench (bench/http/capture.ts) replays it in its ceiling.
//
// It sees every query that goes through Kysely, in transactions too; it does not see the BEGIN and
// COMMIT the driver sends itself, which no page view needs to count.
import type { CompiledQuery, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryId, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { Db } from '../src/db/index.js';

export interface Statement {
  sql: string;
  parameters: readonly unknown[];
  /**
   * Statements of one request that ran at the same time (FMS awaits some with Promise.all, which
   * on PostgreSQL run on two connections at once) share a number; the bench's ceiling runs them
   * together too.
   */
  together: number;
}

/** A statement that ran: when it started and when its result came, in the log's order of events. */
interface Ran {
  compiled: CompiledQuery;
  started: number;
  finished: number;
}

export class QueryLog implements KyselyPlugin {
  #recording: Ran[] | null = null;
  readonly #started = new Map<QueryId, { compiled: CompiledQuery; started: number }>();
  /** Counts starts and results: their order says which statements overlapped. */
  #events = 0;
  #compile: ((node: RootOperationNode, queryId: QueryId) => CompiledQuery) | null = null;

  /** The same database with this log watching it: give the app this one. */
  observe(db: Db): Db {
    const observed = db.withPlugin(this);
    // Compiling only: the executor's compileQuery runs no plugin, so the log sees the text as sent.
    const executor = observed.getExecutor();
    this.#compile = (node, queryId) => executor.compileQuery(node, queryId);
    return observed;
  }

  transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
    // Kysely also transforms a subquery when it is built into its query: only a result below says
    // that a statement ran, so a start alone never counts (nor groups later statements with it).
    if (this.#recording && this.#compile) this.#started.set(queryId, { compiled: this.#compile(node, queryId), started: this.#events++ });
    return node;
  }

  async transformResult({ result, queryId }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    // A streamed query reports each chunk: its first one counts. A query that failed never
    // reports; the request that sent it fails its test on its answer instead.
    const started = this.#started.get(queryId);
    if (started && this.#recording) {
      this.#started.delete(queryId);
      this.#recording.push({ ...started, finished: this.#events++ });
    }
    return result;
  }

  /**
   * The statements `work` sent, in the order they started, and what it returned. Requests must not
   * overlap (inject one at a time).
   */
  async during<T>(work: () => Promise<T>): Promise<{ result: T; statements: Statement[] }> {
    if (this.#recording) throw new Error('QueryLog.during: already recording (requests overlap)');
    const ran: Ran[] = [];
    this.#recording = ran;
    try {
      const result = await work();
      // Whatever a request left running after its answer (a hook's write) belongs to it too.
      await new Promise((resolve) => setImmediate(resolve));
      return { result, statements: grouped(ran) };
    } finally {
      this.#recording = null;
      this.#started.clear();
    }
  }
}

/** Numbers the statements that overlapped alike: one that started before all earlier ones had finished ran beside them. */
function grouped(ran: readonly Ran[]): Statement[] {
  let together = 0;
  let busyUntil = -1;
  return ran
    .toSorted((a, b) => a.started - b.started)
    .map(({ compiled, started, finished }) => {
      if (started > busyUntil) together++;
      busyUntil = Math.max(busyUntil, finished);
      return { sql: compiled.sql, parameters: compiled.parameters, together };
    });
}

/** The statements, numbered, one a line, with their parameters: what a failure message shows. */
export function listing(statements: readonly Statement[]): string {
  return statements.map((s, i) => `  ${String(i + 1).padStart(2)}. ${s.sql}${s.parameters.length ? `\n      -- ${JSON.stringify(s.parameters.map(shown))}` : ''}`).join('\n');
}

function shown(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' && value.length > 80) return `${value.slice(0, 77)}...`;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `<${value.length} bytes>`;
  return value;
}
