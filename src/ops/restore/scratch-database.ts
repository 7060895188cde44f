// A throwaway database to restore an archive into for `fms backup --verify`: a temporary SQLite
// file when FMS runs on SQLite; on PostgreSQL a scratch database on the same server (pg_restore
// recreates the archive's own schema there), or, without the right to create databases, a
// scratch schema in the configured one, which only the JSON-lines dump can go into: the drill
// then says why the pg_dump file was not test-restored. Always removed afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { DatabaseTarget } from '../../config/index.js';
import { createDb, type Db } from '../../db/index.js';
import { randomToken } from '../../lib/secrets.js';
import type { Manifest } from '../backup/manifest.js';
import { searchPathOf } from '../data/database-url.js';
import type { Destination } from './destination.js';

export interface ScratchDatabase extends Destination {
  /** What was created, for the report: "a temporary SQLite file", "scratch database fms_verify_…". */
  label: string;
  /** Why no scratch database could be made for the archive's pg_dump file, when one was wanted. */
  refused: string | null;
  drop(): Promise<void>;
}

export async function openScratchDatabase(configured: DatabaseTarget, manifest: Manifest): Promise<ScratchDatabase> {
  if (configured.kind === 'sqlite') return scratchSqlite();
  const name = `fms_verify_${randomToken(6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  if (manifest.snapshot.kind !== 'pg_dump') return scratchPostgresSchema(configured.url, name, null);
  const database = await scratchPostgresDatabase(configured.url, name, manifest.snapshot.schema ?? 'public');
  return 'drop' in database ? database : scratchPostgresSchema(configured.url, name, database.refused);
}

async function scratchSqlite(): Promise<ScratchDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'fms-verify-'));
  const file = join(dir, 'fms.sqlite');
  const target: DatabaseTarget = { kind: 'sqlite', file, url: `sqlite:${file}` };
  const db = createDb(target);
  return {
    db,
    target,
    label: 'a temporary SQLite file',
    refused: null,
    async drop() {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The scratch database, or why this account could not create it. */
async function scratchPostgresDatabase(url: string, name: string, schema: string): Promise<ScratchDatabase | { refused: string }> {
  const admin = createDb({ kind: 'postgres', url }, { poolSize: 1, ...schemaOption(url) });
  try {
    await sql`create database ${sql.id(name)}`.execute(admin);
  } catch (error) {
    const refused = await whyNoDatabase(admin, error as Error & { code?: string });
    await admin.destroy();
    return { refused };
  }
  const scratchUrl = new URL(url);
  scratchUrl.pathname = `/${name}`;
  scratchUrl.searchParams.delete('options');
  const target: DatabaseTarget = { kind: 'postgres', url: scratchUrl.toString() };
  const db = createDb(target, { poolSize: 2, searchPath: schema });
  await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  return {
    db,
    target,
    label: `scratch database ${name}`,
    refused: null,
    async drop() {
      await db.destroy();
      try {
        await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
      } finally {
        await admin.destroy();
      }
    },
  };
}

async function scratchPostgresSchema(url: string, name: string, refused: string | null): Promise<ScratchDatabase> {
  const admin = createDb({ kind: 'postgres', url }, { poolSize: 1, ...schemaOption(url) });
  await sql`create schema ${sql.id(name)}`.execute(admin);
  // A search_path in the URL would win over the one given to createDb: take it out.
  const scratchUrl = new URL(url);
  scratchUrl.searchParams.delete('options');
  const target: DatabaseTarget = { kind: 'postgres', url: scratchUrl.toString() };
  const db = createDb(target, { poolSize: 2, searchPath: name });
  return {
    db,
    target,
    label: `scratch schema ${name}`,
    refused,
    async drop() {
      await db.destroy();
      try {
        await sql`drop schema if exists ${sql.id(name)} cascade`.execute(admin);
      } finally {
        await admin.destroy();
      }
    },
  };
}

async function whyNoDatabase(admin: Db, error: Error & { code?: string }): Promise<string> {
  // 42501: insufficient_privilege, PostgreSQL's answer to a role without CREATEDB.
  if (error.code !== '42501') return `a scratch database could not be created (${error.message})`;
  const role = await sql<{ role: string }>`select current_user as role`
    .execute(admin)
    .then((result) => result.rows[0]!.role)
    .catch(() => null);
  const named = role === null ? '<role>' : /^[a-z_][a-z0-9_]*$/.test(role) ? role : `"${role.replace(/"/g, '""')}"`;
  return `the role ${role ?? 'of DATABASE_URL'} may not create databases (it lacks CREATEDB), and pg_restore needs a scratch database of its own; for a full drill, grant it as PostgreSQL's superuser (ALTER ROLE ${named} CREATEDB) or run the drill with a DATABASE_URL whose role may create databases`;
}

function schemaOption(url: string): { searchPath?: string } {
  const searchPath = searchPathOf(url);
  return searchPath ? { searchPath } : {};
}
