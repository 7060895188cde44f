// pg_restore of the archive's pg_dump file into the same-named schema of the destination. The
// schema is created here if needed and the dump's own CREATE SCHEMA left out, so restoring into an
// existing schema (public, most often) does not fail on "already exists".
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { installTrigram } from '../../db/trigram.js';
import type { Manifest } from '../backup/manifest.js';
import { connectionFor, findTool, runTool } from '../data/postgres-tools.js';
import { OpsError } from '../data/ops-error.js';
import { clearSchema } from './clear-schema.js';
import type { Destination } from './destination.js';

const run = promisify(execFile);

export async function pgRestore(dest: Destination, dumpFile: string, manifest: Manifest): Promise<void> {
  if (dest.target.kind !== 'postgres') throw new Error('pg_restore needs a PostgreSQL destination');
  const tool = await findTool('pg_restore', manifest.snapshot.pgDumpMajor ?? 0);
  if ('missing' in tool) throw new OpsError(tool.missing);
  const schema = manifest.snapshot.schema!;
  await clearSchema(dest.db);
  await sql`create schema if not exists ${sql.id(schema)}`.execute(dest.db);
  const { stdout } = await run(tool.path, ['--list', dumpFile], { maxBuffer: 64 * 1024 * 1024 });
  // The search indexes need pg_trgm in this database (a scratch database starts without it); where
  // it cannot be had, they are left out and the search reads every row (ADR 0015).
  const trigram = (await installTrigram(dest.db)) === 'public';
  const list = stdout
    .split('\n')
    .filter((line) => !/ SCHEMA - |COMMENT - SCHEMA /.test(line))
    .filter((line) => trigram || !/ INDEX \S+ \S+_trgm /.test(line))
    .join('\n');
  const work = await mkdtemp(join(tmpdir(), 'fms-pg-restore-'));
  try {
    await writeFile(join(work, 'list'), list);
    const { dbname, env } = connectionFor(dest.target.url);
    await runTool(
      tool.path,
      ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--use-list=${join(work, 'list')}`, `--dbname=${dbname}`, dumpFile],
      env,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
