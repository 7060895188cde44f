// Unpacks an archive into a private folder and checks it against its manifest before anything is
// restored: the manifest's own checksum, then every file's size and sha256, then every table
// dump's row count. Nothing outside the listed regular files is accepted.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { OpsError } from '../data/ops-error.js';
import { ignoreProgress, type OnProgress } from '../data/progress.js';
import { countDumpRows } from '../data/table-dump.js';
import { MANIFEST_CHECKSUM_FILE, MANIFEST_FILE, readManifest, sha256File, type Manifest } from '../backup/manifest.js';
import { fail, pass, type ItemCheck } from './checks.js';

export interface OpenedArchive {
  /** The unpacked archive. */
  dir: string;
  manifest: Manifest | null;
  checks: ItemCheck[];
  ok: boolean;
  close(): Promise<void>;
}

export async function openArchive(archive: string, onProgress: OnProgress = ignoreProgress): Promise<OpenedArchive> {
  const size = await stat(archive).then(
    (s) => s.size,
    () => {
      throw new OpsError(`There is no backup archive at ${archive}: give the path of an fms-backup-….tar.gz file.`);
    },
  );
  // TMPDIR picks the folder: point it at a disk with room for the unpacked archive if /tmp is small.
  const dir = await mkdtemp(join(tmpdir(), 'fms-archive-'));
  // Retries: after a failed unpack, tar may still be finishing writes into the folder.
  const close = () => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  try {
    const checks = await checkArchive(archive, size, dir, onProgress);
    const manifest = checks.manifest;
    return { dir, manifest, checks: checks.items, ok: checks.items.every((c) => c.ok), close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function checkArchive(archive: string, size: number, dir: string, onProgress: OnProgress): Promise<{ manifest: Manifest | null; items: ItemCheck[] }> {
  const items: ItemCheck[] = [];
  const refused: string[] = [];
  onProgress({ step: 'unpacking the archive', done: 0, total: size, unit: 'bytes' });
  try {
    // Loaded here, not at start: only restores need it (lib/on-first-use.ts says why).
    const { extract } = await import('tar');
    await extract({
      file: archive,
      cwd: dir,
      strict: true,
      // Only files and folders: a link in a tampered archive could point a restore anywhere.
      filter: (path, entry) => {
        const type = 'type' in entry ? entry.type : 'File';
        if (type === 'File' || type === 'OldFile' || type === 'Directory') return true;
        refused.push(path);
        return false;
      },
    });
  } catch (error) {
    return { manifest: null, items: [fail('archive', `cannot be unpacked (${(error as Error).message}): the file is damaged or not a .tar.gz`)] };
  }
  onProgress({ step: 'unpacking the archive', done: size, total: size, unit: 'bytes' });
  for (const path of refused) items.push(fail(`file ${path}`, 'not a regular file; archives hold only files'));

  const read = await readManifest(dir);
  if ('problem' in read) return { manifest: null, items: [...items, fail('manifest', read.problem)] };
  const manifest = read.manifest;
  items.push(pass('manifest', `FMS ${manifest.fmsVersion}, ${manifest.dialect}, taken ${manifest.createdAt}`));
  items.push(...(await checkFiles(dir, manifest, onProgress)));
  items.push(...(await checkDumps(dir, manifest)));
  return { manifest, items };
}

async function checkFiles(dir: string, manifest: Manifest, onProgress: OnProgress): Promise<ItemCheck[]> {
  const items: ItemCheck[] = [];
  const listed = Object.entries(manifest.files);
  const total = listed.reduce((sum, [, f]) => sum + f.size, 0);
  let done = 0;
  for (const [path, expected] of listed) {
    onProgress({ step: 'checking files', done, total, unit: 'bytes' });
    const full = join(dir, path);
    const actual = await stat(full).catch(() => null);
    if (!actual?.isFile()) items.push(fail(`file ${path}`, 'listed in the manifest but missing from the archive'));
    else if (actual.size !== expected.size) items.push(fail(`file ${path}`, `size ${actual.size}, manifest says ${expected.size}`));
    else if ((await sha256File(full)) !== expected.sha256) items.push(fail(`file ${path}`, 'sha256 differs from the manifest: the file was changed or damaged'));
    else items.push(pass(`file ${path}`, 'sha256 matches'));
    done += expected.size;
  }
  onProgress({ step: 'checking files', done, total, unit: 'bytes' });
  const known = new Set([MANIFEST_FILE, MANIFEST_CHECKSUM_FILE, ...Object.keys(manifest.files)]);
  for (const path of await listFiles(dir)) if (!known.has(path)) items.push(fail(`file ${path}`, 'in the archive but not in the manifest'));
  return items;
}

async function checkDumps(dir: string, manifest: Manifest): Promise<ItemCheck[]> {
  const items: ItemCheck[] = [];
  for (const table of manifest.tables) {
    const rows = await countDumpRows(join(dir, table.file)).catch(() => null);
    items.push(rows === table.rows ? pass(`dump ${table.name}`, `${rows} rows`) : fail(`dump ${table.name}`, `${rows ?? 'no'} rows in the dump, manifest says ${table.rows}`));
  }
  return items;
}

async function listFiles(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(root, path)));
    else out.push(relative(root, path).split(sep).join('/'));
  }
  return out;
}

/** Throws, naming each failed item, unless the archive checked out. */
export function assertIntact(opened: OpenedArchive, archive: string): Manifest {
  const failed = opened.checks.filter((c) => !c.ok);
  if (opened.manifest && !failed.length) return opened.manifest;
  const lines = failed.slice(0, 10).map((c) => `  ${c.item}: ${c.detail}`);
  if (failed.length > 10) lines.push(`  … and ${failed.length - 10} more`);
  throw new OpsError(`The archive ${archive} failed its checks, so nothing was restored:\n${lines.join('\n')}\nRun \`fms backup --verify ${archive}\` for the full report.`);
}
