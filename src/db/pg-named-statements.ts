// PostgreSQL parses, analyses and plans every unnamed statement anew, on every run. A named
// statement is parsed once per connection and, after five runs, may keep a generic plan: the four
// statements of the students page took 1.7–2.3 ms a page unnamed and 0.7 ms named (pg on a local
// server, 2026-12-07). So each pooled connection sends the SQL texts FMS runs as named statements,
// the way the bench's ceiling runs them (bench/http/ceiling-server.ts), within these limits:
//
// - Only queries are named (select, insert, update, delete, with), never a transaction's own
//   statements.
// - A statement that matches a pattern (LIKE: the searches) stays unnamed: its best plan depends on
//   the pattern, a rare surname or a common one, which a generic plan cannot know.
// - A statement of many parameters stays unnamed: the bulk writes of an import, whose texts differ
//   with each batch's size and run a few times each.
// - At most MAX_NAMED texts are named in a process (the first ones it runs), so the statements
//   each connection keeps on the server stay bounded whatever a long-lived process runs; a text
//   named anew (below) adds one.
// - A named statement whose result columns changed under it (a migration added a column to a
//   table it reads with `*`, while this process still runs) fails with "cached plan must not
//   change result type"; its text then gets a new name, parsed anew, and outside a transaction it
//   runs again unnamed at once. Inside one the error stands (PostgreSQL has aborted the
//   transaction): that request fails and writes nothing.
import { createRequire } from 'node:module';
import type pg from 'pg';

const MAX_NAMED = 1_000;
const MAX_PARAMETERS = 64;
/** SQLSTATE of "cached plan must not change result type" (feature_not_supported)… */
const RESULT_TYPE_CHANGED = '0A000';
/** …and the server function that raises it, which, unlike the message, is never translated. */
const REVALIDATING = 'RevalidateCachedQuery';

/** The named texts, each with its name. Only these are kept: a text left unnamed is judged again. */
const names = new Map<string, string>();
let lastName = 0;

/** The statement name of a text, or null when it runs unnamed. */
function nameOf(text: string, parameters: number): string | null {
  const known = names.get(text);
  if (known !== undefined) return known;
  if (names.size >= MAX_NAMED || parameters > MAX_PARAMETERS || !/^\s*(select|insert|update|delete|with)\b/i.test(text) || /\blike\b/i.test(text)) return null;
  const name = `fms_${++lastName}`;
  names.set(text, name);
  return name;
}

type Query = (text: unknown, values?: unknown, callback?: unknown) => unknown;

/** pg's own conversion of a value to what it sends (loaded with pg: only PostgreSQL needs it). */
let prepareValue: ((value: unknown) => unknown) | null = null;

/** Makes a new pooled connection send FMS's statements named (pool.on('connect', …)). */
export function nameStatementsOf(client: pg.PoolClient): void {
  prepareValue ??= (createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue: (value: unknown) => unknown }).prepareValue;
  const convert = prepareValue;
  const query = client.query.bind(client) as Query;
  let inTransaction = false;
  const named: Query = (text, values, callback) => {
    // Only Kysely's form (text, values) → promise; a cursor, a config object or a callback passes as is.
    if (typeof text !== 'string' || callback !== undefined || (values !== undefined && !Array.isArray(values))) return query(text, values, callback);
    const parameters = (values as unknown[] | undefined) ?? [];
    if (/^\s*(begin|start transaction)\b/i.test(text)) inTransaction = true;
    else if (/^\s*(commit|rollback|end)\s*$/i.test(text)) inTransaction = false;
    const name = nameOf(text, parameters.length);
    if (name === null) return query(text, values);
    // Converted here, as pg would: a value it cannot send (a circular object) then fails before the
    // statement is parsed. Failing inside pg, after the Parse, it would leave the name recorded as
    // prepared on this connection but closed on the server, and every later run of the text there
    // would fail with "prepared statement does not exist".
    let converted: unknown[];
    try {
      converted = parameters.map(convert);
    } catch (error) {
      return Promise.reject(error);
    }
    return (query({ name, text, values: converted }) as Promise<unknown>).catch((error: { code?: string; routine?: string }) => {
      if (error?.code !== RESULT_TYPE_CHANGED || error.routine !== REVALIDATING) throw error;
      // A new name, parsed anew on each connection against the table as it is now.
      if (names.get(text) === name) names.delete(text);
      if (inTransaction) throw error;
      return query(text, values);
    });
  };
  client.query = named as typeof client.query;
}
