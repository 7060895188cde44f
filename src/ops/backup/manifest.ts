// manifest.json: what an archive holds and how to tell it is intact. Every other file in the
// archive is listed with its size and sha256; manifest.sha256 holds the manifest's own checksum,
// so a changed byte anywhere, the manifest included, is caught before anything is restored.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DialectName } from '../../db/index.js';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_CHECKSUM_FILE = 'manifest.sha256';
export const ARCHIVE_FORMAT = 'fms-backup/1';

/** How the database is in the archive, besides the JSON-lines dump every archive has. */
export type SnapshotKind = 'sqlite-file' | 'pg_dump' | 'logical';

export interface Manifest {
  format: typeof ARCHIVE_FORMAT;
  fmsVersion: string;
  createdAt: string;
  dialect: DialectName;
  snapshot: {
    kind: SnapshotKind;
    /** The SQLite file or the pg_dump custom-format file, when kind is not logical. */
    file: string | null;
    /** PostgreSQL: the schema the tables live in (pg_dump's objects are qualified by it). */
    schema: string | null;
    /** PostgreSQL: the server's and pg_dump's major versions. */
    serverMajor: number | null;
    pgDumpMajor: number | null;
    /** Why pg_dump was not used, when it was not. */
    note: string | null;
  };
  /** Applied migrations, oldest first: the schema version of the snapshot. */
  migrations: string[];
  /** Every table in dependency order, with its row count and JSON-lines file. */
  tables: { name: string; rows: number; file: string }[];
  uploads: { included: true; files: number; bytes: number } | { included: false; reason: string };
  files: Record<string, { size: number; sha256: string }>;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function sha256Text(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  await writeFile(join(dir, MANIFEST_FILE), text);
  await writeFile(join(dir, MANIFEST_CHECKSUM_FILE), `${sha256Text(text)}  ${MANIFEST_FILE}\n`);
}

/** Reads the manifest and checks it against its checksum; null and a reason when it cannot. */
export async function readManifest(dir: string): Promise<{ manifest: Manifest } | { problem: string }> {
  let text: string;
  let recorded: string;
  try {
    text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
    recorded = (await readFile(join(dir, MANIFEST_CHECKSUM_FILE), 'utf8')).split(/\s+/)[0] ?? '';
  } catch {
    return { problem: `the archive has no ${MANIFEST_FILE} and ${MANIFEST_CHECKSUM_FILE}: it is not an FMS backup` };
  }
  if (sha256Text(text) !== recorded) return { problem: `${MANIFEST_FILE} does not match its checksum: the manifest was changed or damaged` };
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch {
    return { problem: `${MANIFEST_FILE} is not valid JSON` };
  }
  if (manifest.format !== ARCHIVE_FORMAT) return { problem: `the archive's format is ${String(manifest.format)}; this FMS reads ${ARCHIVE_FORMAT}` };
  const paths = [...Object.keys(manifest.files ?? {}), ...(manifest.tables ?? []).map((t) => t.file), ...(manifest.snapshot?.file ? [manifest.snapshot.file] : [])];
  const unsafe = paths.find((path) => !isSafeArchivePath(path));
  if (unsafe !== undefined) return { problem: `${MANIFEST_FILE} names the path "${unsafe}", which leads outside the archive` };
  return { manifest };
}

/** A relative path that stays inside the folder it is joined to: no "..", no absolute or empty parts. */
export function isSafeArchivePath(path: string): boolean {
  if (typeof path !== 'string' || !path || path.includes('\\') || path.includes('\0')) return false;
  return path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}
