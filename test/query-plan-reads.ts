// What a statement's plan reads, by EXPLAIN on the database it ran on: the steps that read a table
// that grows with the department further than its key names. test/query-plans.test.ts judges them.
//
// Two kinds:
// - `whole`: every row of the table, or of an index, or every row a key on a yes/no column names
//   (most of the table): SQLite `SCAN t`, PostgreSQL `Seq Scan on t`, and any walk below that no
//   LIMIT can stop;
// - `walk`: an index read in its order from a point on, stopped by the statement's LIMIT: SQLite
//   `SCAN t USING [COVERING] INDEX i`, or `SEARCH t USING INDEX i (archived=?)` (a key on flag
//   columns only, or a range), PostgreSQL an Index Scan without a condition or with one on flag
//   columns only. It reads as far as it takes to meet LIMIT rows that pass the statement's other
//   filters: a few rows when nearly every row passes, the whole index when few do. The plan cannot
//   say which, so every walk must be named and justified in the test's list.
// A key with an equality on a column that is not a flag (`group_id=?`, `rowid=?`, `entity_id=?`),
// or a virtual table (the trigram index, json_each), reads what the key names: not reported.
import { CompiledQuery, sql } from 'kysely';
import type { Db } from '../src/db/index.js';
import type { Statement } from './query-log.js';

/** What EXPLAIN needs of a statement. */
type Explained = Pick<Statement, 'sql' | 'parameters'>;

export interface PlanRead {
  kind: 'whole' | 'walk';
  table: string;
  /** The plan's own words for the step. */
  step: string;
}

export interface Plan {
  reads: PlanRead[];
  /** The plan as EXPLAIN prints it, for a failure message. */
  text: string;
}

/** Tables that stay a handful of rows whatever the department's size: reading them whole is free. */
const SMALL_BY_DESIGN = new Set(['settings', 'record_counts', 'fms_migrations', 'fms_migrations_lock']);

/**
 * Columns with a handful of values: a key on them alone names a large share of the table (a news
 * article's category and audience: six and five values).
 */
const FLAG_COLUMNS = new Set(['archived', 'disabled', 'role', 'status', 'entity', 'action', 'is_admin', 'must_change_password', 'category', 'audience']);

/** Statements explained on SQLite need the database's own table names (a plan names aliases). */
export async function growingTables(db: Db): Promise<Set<string>> {
  const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db);
  // The full-text tables and their shadow tables are the trigram index's own.
  const searchTables = new Set(rows.map((r) => r.name).filter((n) => n.endsWith('_search')));
  return new Set(rows.map((r) => r.name).filter((n) => !SMALL_BY_DESIGN.has(n) && ![...searchTables].some((s) => n === s || n.startsWith(`${s}_`))));
}

// ---- SQLite -------------------------------------------------------------------------------------

interface SqlitePlanRow {
  id: number;
  parent: number;
  detail: string;
}

export async function sqlitePlan(db: Db, s: Explained, tables: ReadonlySet<string>): Promise<Plan> {
  const { rows } = await db.executeQuery<SqlitePlanRow>(CompiledQuery.raw(`explain query plan ${s.sql}`, [...s.parameters]));
  const byId = new Map(rows.map((row) => [row.id, row]));
  const depth = (row: SqlitePlanRow) => {
    let n = 0;
    for (let up = byId.get(row.parent); up; up = byId.get(up.parent)) n++;
    return n;
  };
  const correlated = (row: SqlitePlanRow) => {
    for (let up = byId.get(row.parent); up; up = byId.get(up.parent)) if (up.detail.startsWith('CORRELATED')) return true;
    return false;
  };
  // The plan names a table by its alias ("users" as "lecturerUsers"), a subquery by its own ("matching").
  const aliases = new Map([...s.sql.matchAll(/(?:from|join) "(\w+)" as "(\w+)"/gi)].map((m) => [m[2]!, m[1]!]));
  const limited = /\blimit\b/i.test(s.sql);
  // A temporary B-tree sorts (or de-duplicates) every row before the first is returned.
  const sorted = rows.some((row) => row.detail.startsWith('USE TEMP B-TREE'));
  const reads: PlanRead[] = [];
  for (const row of rows) {
    // "SEARCH t EXISTS USING …": the lookup of an EXISTS subquery, keyed as any other.
    const step = /^(SCAN|SEARCH) (\S+)(?: EXISTS)?(?: USING (AUTOMATIC )?(?:COVERING )?(INDEX \S+|INTEGER PRIMARY KEY|PRIMARY KEY))?(?: \((.*)\))?/.exec(row.detail);
    if (!step || row.detail.includes('VIRTUAL TABLE')) continue;
    const [, verb, name, automatic, using, key = ''] = step;
    const table = aliases.get(name!) ?? name!;
    if (!tables.has(table)) continue;
    let kind: PlanRead['kind'] | null;
    if (automatic) kind = 'whole'; // an index built for this statement from every row
    else if (verb === 'SCAN') kind = using ? 'walk' : 'whole';
    else kind = narrowKey(key.split(' AND ')) ? null : 'walk';
    if (kind === 'walk' && !(limited && !sorted && !correlated(row))) kind = 'whole';
    if (kind) reads.push({ kind, table, step: row.detail });
  }
  return { reads, text: rows.map((row) => `${'  '.repeat(depth(row))}${row.detail}`).join('\n') };
}

/** Whether a SEARCH key (`group_id=? AND archived=?`) has an equality on a column that is not a flag. */
function narrowKey(terms: string[]): boolean {
  return terms.some((term) => {
    const eq = /^(\w+)=\?$/.exec(term.trim());
    return eq !== null && !FLAG_COLUMNS.has(eq[1]!);
  });
}

// ---- PostgreSQL ---------------------------------------------------------------------------------

interface PgPlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Parent Relationship'?: string;
  Plans?: PgPlanNode[];
}

/** Nodes that pass rows on as they come: a Limit above them stops what is below. */
const PIPELINING = new Set(['Limit', 'Nested Loop', 'Incremental Sort', 'Result', 'Subquery Scan', 'Memoize', 'Gather Merge', 'Append', 'Merge Append']);

/**
 * Statements explained on PostgreSQL: `rowsOf` gives a table's size in this database (the
 * statistics' estimate). A Seq Scan on a table under `bigRows` is the planner's cheap choice for a
 * small table, reported only if it stays when sequential scans are switched off (no index can serve
 * the statement); on a bigger table it is what the statement does at this size.
 */
export async function pgPlan(db: Db, s: Explained, rowsOf: (table: string) => number, bigRows: number): Promise<Plan> {
  const explain = async (q: Db, format: 'json' | 'text') => {
    const { rows } = await q.executeQuery<Record<string, unknown>>(CompiledQuery.raw(`explain ${format === 'json' ? '(format json) ' : ''}${s.sql}`, [...s.parameters]));
    return rows.map((r) => Object.values(r)[0]);
  };
  const treeOf = (cells: unknown[]) => {
    const cell = cells[0];
    return ((typeof cell === 'string' ? JSON.parse(cell) : cell) as { Plan: PgPlanNode }[])[0]!.Plan;
  };
  const tree = treeOf(await explain(db, 'json'));
  const text = (await explain(db, 'text')).map(String).join('\n');
  let reads = pgReads(tree);
  const smallSeqScans = reads.filter((r) => r.step.startsWith('Seq Scan') && rowsOf(r.table) < bigRows);
  if (smallSeqScans.length) {
    const structural = await db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      return pgReads(treeOf(await explain(trx, 'json')));
    });
    reads = reads.filter((r) => !smallSeqScans.includes(r) || structural.some((x) => x.table === r.table && x.step.startsWith('Seq Scan')));
  }
  return { reads, text };
}

function pgReads(tree: PgPlanNode): PlanRead[] {
  const reads: PlanRead[] = [];
  const walk = (node: PgPlanNode, path: PgPlanNode[]) => {
    const table = node['Relation Name'];
    if (table && !SMALL_BY_DESIGN.has(table)) {
      const type = node['Node Type'];
      const cond = node['Index Cond'];
      const name = `${type}${node['Index Name'] ? ` using ${node['Index Name']}` : ''} on ${table}${cond ? ` (${cond})` : ''}`;
      if (type === 'Seq Scan') reads.push({ kind: 'whole', table, step: name });
      else if (/^Index (Only )?Scan$/.test(type) && !(cond && pgNarrowCond(cond))) {
        // A merge join stops reading one side when the other ends, as a Limit does.
        const stopped = stoppedByLimit([...path, node]) || path.at(-1)?.['Node Type'] === 'Merge Join';
        reads.push({ kind: stopped ? 'walk' : 'whole', table, step: name });
      }
      else if (type === 'Bitmap Heap Scan') {
        // Its bitmap index scans below decide; a bitmap is built whole, so no Limit stops it.
        const below = (node.Plans ?? []).flatMap(function scans(n): PgPlanNode[] {
          return [n, ...(n.Plans ?? []).flatMap(scans)];
        });
        const conds = below.flatMap((n) => (n['Index Cond'] ? [n['Index Cond']] : []));
        const indexes = below.flatMap((n) => (n['Index Name'] ? [n['Index Name']] : []));
        if (!conds.some(pgNarrowCond)) reads.push({ kind: 'whole', table, step: `${name} by ${conds.join(', ') || 'no condition'} (${indexes.join(', ')})` });
      }
    }
    for (const child of node.Plans ?? []) walk(child, [...path, node]);
  };
  walk(tree, []);
  return reads;
}

/**
 * A Limit above the last node of `path`, with nothing between that needs every row first (a Sort,
 * an Aggregate, a Hash), and not in a subplan run once per outer row.
 */
function stoppedByLimit(path: PgPlanNode[]): boolean {
  for (let i = path.length - 2; i >= 0; i--) {
    const relationship = path[i + 1]!['Parent Relationship'];
    if (relationship === 'SubPlan' || relationship === 'InitPlan') return false;
    const type = path[i]!['Node Type'];
    if (type === 'Limit') return true;
    if (!PIPELINING.has(type)) return false;
  }
  return false;
}

/** Whether an index condition has an equality (or a text search) on a column that is not a flag. */
function pgNarrowCond(cond: string): boolean {
  // A column appears as `name`, `table.name` or `(name)::type`.
  return [...cond.matchAll(/(?:\w+\.)?\(?(\w+)\)?(?:::[a-z][a-z ]*?)? (?:=|~~\*?) /gi)].some((m) => !FLAG_COLUMNS.has(m[1]!));
}
