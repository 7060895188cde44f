// PostgreSQL: one REPEATABLE READ transaction pins a snapshot; pg_export_snapshot() hands the same
// snapshot to pg_dump, so the pg_dump file, the JSON-lines dump and the row counts all describe one
// instant while the app goes on writing. Without a usable pg_dump, the JSON-lines dump alone is the
// backup (restorable into PostgreSQL or SQLite).
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { OnProgress } from '../data/progress.js';
import { connectionFor, findTool, runTool, serverMajor } from '../data/postgres-tools.js';
import { dumpDatabase, type DatabaseDump } from './database-dump.js';
import type { Manifest } from './manifest.js';

export const PG_DUMP_FILE = 'database/fms.pgdump';

export interface PostgresSnapshot extends DatabaseDump {
  snapshot: Manifest['snapshot'];
  warnings: string[];
}

export async function snapshotPostgres(
  db: Db,
  url: string,
  staging: string,
  options: { pgDump: boolean; onProgress: OnProgress; onSnapshotStart: () => void },
): Promise<PostgresSnapshot> {
  const major = await serverMajor(db);
  const tool = options.pgDump ? await findTool('pg_dump', major) : { missing: 'pg_dump was turned off (--no-pg-dump)' };
  options.onProgress({ step: 'taking the database snapshot', done: 0, total: 1, unit: 'steps' });
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      options.onSnapshotStart();
      const { rows } = await sql<{ id: string; schema: string }>`select pg_export_snapshot() as id, current_schema() as schema`.execute(trx);
      const { id, schema } = rows[0]!;
      options.onProgress({ step: 'taking the database snapshot', done: 1, total: 1, unit: 'steps' });
      const dumping = 'path' in tool ? pgDump(tool.path, url, schema, id, join(staging, PG_DUMP_FILE)).then(() => null, (error: Error) => error.message) : null;
      const dump = await dumpDatabase(trx, staging, options.onProgress);
      // pg_dump reads through the exported snapshot, which lives only while this transaction is open.
      const failure = dumping ? await dumping : null;
      const used = 'path' in tool && failure === null;
      const note = 'missing' in tool ? tool.missing : failure;
      return {
        ...dump,
        snapshot: {
          kind: used ? 'pg_dump' : 'logical',
          file: used ? PG_DUMP_FILE : null,
          schema,
          serverMajor: major,
          pgDumpMajor: used ? tool.major : null,
          note,
        },
        warnings: failure ? [`pg_dump failed, so the archive holds the JSON-lines dump only: ${failure}`] : [],
      };
    });
}

async function pgDump(tool: string, url: string, schema: string, snapshot: string, file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const { dbname, env } = connectionFor(url);
  await runTool(tool, ['--format=custom', `--schema=${quotedPattern(schema)}`, '--no-owner', '--no-privileges', `--snapshot=${snapshot}`, `--file=${file}`, `--dbname=${dbname}`], env);
}

/** pg_dump folds and pattern-matches unquoted names; a quoted one matches exactly itself. */
function quotedPattern(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
