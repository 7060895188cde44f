// Copies every object from one storage to another (`fms storage copy`), reading each copy back to
// verify its SHA-256 against the source and, when the files table has a row for the key, against the
// checksum recorded at upload. Idempotent: an object already in the target with the same content is
// skipped; one with different content is a problem, replaced only when asked to overwrite.
import { storedSha256, type Storage } from './storage.js';

/** What the files table recorded for a key at upload. */
export interface FileRecord {
  sha256: string;
  contentType: string;
}

export interface CopyProblem {
  key: string;
  problem: string;
}

export interface CopyReport {
  /** Objects in the source. */
  total: number;
  copied: number;
  copiedBytes: number;
  /** Already in the target with the same SHA-256. */
  skipped: number;
  problems: CopyProblem[];
}

export interface CopyOptions {
  source: Storage;
  target: Storage;
  /** Rows of the files table by storage key. */
  records?: ReadonlyMap<string, FileRecord>;
  /** Replace target objects whose content differs from the source. */
  overwrite?: boolean;
  onStart?(objects: number, bytes: number): void;
  onObject?(done: number, key: string): void;
}

const short = (sha256: string) => sha256.slice(0, 12);

export async function copyObjects(options: CopyOptions): Promise<CopyReport> {
  const { source, target } = options;
  const records = options.records ?? new Map<string, FileRecord>();

  const objects: { key: string; size: number }[] = [];
  for await (const object of source.list()) objects.push(object);
  options.onStart?.(objects.length, objects.reduce((sum, o) => sum + o.size, 0));

  const report: CopyReport = { total: objects.length, copied: 0, copiedBytes: 0, skipped: 0, problems: [] };
  const fail = (key: string, problem: string) => report.problems.push({ key, problem });

  let done = 0;
  for (const { key } of objects) {
    try {
      const record = records.get(key);
      let replacing = false;
      if (await target.exists(key)) {
        const [mine, theirs] = await Promise.all([storedSha256(source, key), storedSha256(target, key)]);
        if (record && mine.sha256 !== record.sha256) {
          fail(key, `the source's sha256 ${short(mine.sha256)}… differs from the files table's ${short(record.sha256)}… (damaged at the source?)`);
        } else if (mine.sha256 === theirs.sha256) {
          report.skipped++;
        } else if (!options.overwrite) {
          fail(key, `already in the target with different content (sha256 ${short(theirs.sha256)}…, source ${short(mine.sha256)}…): run again with --overwrite to replace it`);
        } else {
          replacing = true;
        }
        if (!replacing) continue;
      }

      const object = await source.get(key);
      const put = await target.put(key, object.stream, {
        contentType: object.contentType ?? record?.contentType ?? 'application/octet-stream',
        size: object.size,
      });
      if (record && put.sha256 !== record.sha256 && !replacing) {
        await target.delete(key);
        fail(key, `the source's sha256 ${short(put.sha256)}… differs from the files table's ${short(record.sha256)}… (damaged at the source?); not copied`);
        continue;
      }
      const readBack = await storedSha256(target, key);
      if (readBack.sha256 !== put.sha256 || readBack.size !== put.size) {
        await target.delete(key);
        fail(key, `the copy read back as sha256 ${short(readBack.sha256)}… instead of ${short(put.sha256)}…; it was removed, run again`);
        continue;
      }
      report.copied++;
      report.copiedBytes += put.size;
    } catch (error) {
      fail(key, (error as Error).message);
    } finally {
      options.onObject?.(++done, key);
    }
  }

  const inSource = new Set(objects.map((o) => o.key));
  for (const key of records.keys())
    if (!inSource.has(key)) fail(key, `listed in the files table but missing from ${source.describe()}`);

  return report;
}
