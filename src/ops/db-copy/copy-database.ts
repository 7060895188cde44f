// `fms db copy --from URL --to URL`: moves a department from one engine to the other (the deployment
// guide's "move existing data from SQLite to PostgreSQL"). The target is brought to the source's
// schema version with the migrations, every table is copied in dependency order from one
// consistent read of the source, in batches, inside one transaction on the target; PostgreSQL
// sequences are moved past the copied ids, and the row counts are compared before committing.
import { sql } from 'kysely';
import { dialectOf, type Db } from '../../db/index.js';
import { describeContents, summarizeContents } from '../data/contents.js';
import { OpsError } from '../data/ops-error.js';
import { ignoreProgress, type OnProgress } from '../data/progress.js';
import { countAllRows, countRows, DEFAULT_BATCH_SIZE, insertRows, readBatches } from '../data/rows.js';
import { appliedMigrations, assertKnownMigrations, migrateToMatch } from '../data/schema-version.js';
import { resetSequences } from '../data/sequences.js';
import { MIGRATION_TABLE, listTables, type TableInfo } from '../data/tables.js';
import { clearSchema } from '../restore/clear-schema.js';

export interface CopyOptions {
  /** Replace a target that already holds data. */
  force?: boolean;
  batchSize?: number;
  onProgress?: OnProgress;
}

export interface CopyResult {
  migrations: string[];
  /** Per table, in the order copied: rows in the source and in the target afterwards. */
  tables: { name: string; source: number; target: number }[];
  sequencesReset: number;
  milliseconds: number;
}

export async function copyDatabase(source: Db, target: Db, options: CopyOptions = {}): Promise<CopyResult> {
  const started = Date.now();
  const onProgress = options.onProgress ?? ignoreProgress;
  const sourceTables = await listTables(source);
  const migrations = await appliedMigrations(source, sourceTables.map((t) => t.name));
  if (!migrations.length) throw new OpsError('The source database has no FMS tables: check --from (run `fms migrate` against it if it is new).');
  assertKnownMigrations(migrations, 'The source database');
  if (!options.force) await refuseToOverwrite(target);

  onProgress({ step: 'preparing the target', done: 0, total: 0, unit: 'steps' });
  await clearSchema(target);
  await migrateToMatch(target, migrations);

  const result = await readConsistently(source, (reader) =>
    target.transaction().execute(async (writer) => {
      const counts = await countAllRows(reader, sourceTables);
      const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
      const targetTables = new Map((await listTables(writer)).map((t) => [t.name, t]));
      let done = 0;
      for (const table of sourceTables) {
        await copyTable(reader, writer, table, targetTable(targetTables, table.name), options.batchSize, (n) => {
          done += n;
          onProgress({ step: 'copying tables', done, total, unit: 'rows' });
        });
      }
      const sequencesReset = await resetSequences(writer, [...targetTables.values()]);
      const tables = [];
      for (const table of sourceTables) tables.push({ name: table.name, source: counts[table.name]!, target: await countRows(writer, table.name) });
      const differ = tables.filter((t) => t.source !== t.target);
      // Thrown inside the transaction, so a target that does not match keeps none of the copy.
      if (differ.length) throw new OpsError(`The copy does not match the source, nothing was kept: ${differ.map((t) => `${t.name} ${t.source} -> ${t.target}`).join(', ')}`);
      return { tables, sequencesReset };
    }),
  );
  return { migrations, ...result, milliseconds: Date.now() - started };
}

async function refuseToOverwrite(target: Db): Promise<void> {
  const contents = await describeContents(target);
  if (contents.rows)
    throw new OpsError(`The target database already holds data (${summarizeContents(contents)}). The copy replaces all of it: run the command again with --force to overwrite it.`);
}

/**
 * Runs `work` with a view of the source that does not move while it is read: a REPEATABLE READ
 * transaction on PostgreSQL, a read transaction on SQLite (WAL keeps it still while others write).
 */
function readConsistently<T>(source: Db, work: (reader: Db) => Promise<T>): Promise<T> {
  const builder = source.transaction();
  return (dialectOf(source) === 'postgres' ? builder.setIsolationLevel('repeatable read').setAccessMode('read only') : builder).execute(work);
}

function targetTable(tables: Map<string, TableInfo>, name: string): TableInfo {
  const table = tables.get(name);
  if (!table) throw new OpsError(`The target has no table ${name} after migrating to the source's version; the source has a table FMS does not create.`);
  return table;
}

async function copyTable(reader: Db, writer: Db, from: TableInfo, to: TableInfo, batchSize = DEFAULT_BATCH_SIZE, onRows: (n: number) => void): Promise<void> {
  // The migrations just recorded themselves on the target; keep the source's history instead.
  if (from.name === MIGRATION_TABLE) await sql`delete from ${sql.table(MIGRATION_TABLE)}`.execute(writer);
  const columns = from.columns.map((c) => c.name);
  for await (const batch of readBatches(reader, from, batchSize)) {
    await insertRows(writer, to, columns, batch);
    onRows(batch.length);
  }
}
