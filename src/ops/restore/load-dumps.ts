// The portable way in: bring the destination to the archive's schema version with the migrations,
// then insert every table's JSON-lines dump in dependency order, in one transaction, and move the
// PostgreSQL sequences past the loaded ids.
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Manifest } from '../backup/manifest.js';
import { OpsError } from '../data/ops-error.js';
import type { OnProgress } from '../data/progress.js';
import { DEFAULT_BATCH_SIZE, insertRows } from '../data/rows.js';
import { migrateToMatch } from '../data/schema-version.js';
import { resetSequences } from '../data/sequences.js';
import { readTableDump } from '../data/table-dump.js';
import { MIGRATION_TABLE, listTables } from '../data/tables.js';
import { clearSchema } from './clear-schema.js';

export async function loadTableDumps(db: Db, dir: string, manifest: Manifest, onProgress: OnProgress): Promise<void> {
  await clearSchema(db);
  await migrateToMatch(db, manifest.migrations);
  const total = manifest.tables.reduce((sum, t) => sum + t.rows, 0);
  let done = 0;
  await db.transaction().execute(async (trx) => {
    const tables = new Map((await listTables(trx)).map((t) => [t.name, t]));
    for (const entry of manifest.tables) {
      const table = tables.get(entry.name);
      if (!table) throw new OpsError(`The archive has a table ${entry.name} that its migrations do not create here; the archive does not match its manifest.`);
      // The migrations just recorded themselves; the archive's rows keep the original dates.
      if (entry.name === MIGRATION_TABLE) await sql`delete from ${sql.table(MIGRATION_TABLE)}`.execute(trx);
      const { header, batches } = await readTableDump(join(dir, entry.file), DEFAULT_BATCH_SIZE);
      for await (const batch of batches) {
        await insertRows(trx, table, header.columns, batch);
        done += batch.length;
        onProgress({ step: 'loading tables', done, total, unit: 'rows' });
      }
    }
    await resetSequences(trx, [...tables.values()]);
  });
}
