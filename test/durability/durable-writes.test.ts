// "Nothing acknowledged is ever lost", power cuts included: each kind of write FMS acknowledges is
// forced to the disk (fsync) before it returns, and a file's new name too. A crash of the machine
// cannot be staged in a test, so this watches the system calls themselves with strace: what a
// power cut would lose is exactly what was not synced when the write was acknowledged.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';

const root = join(import.meta.dirname, '..', '..');
const straceMissing = spawnSync('strace', ['-V']).error ? 'strace is not installed (apt-get install strace)' : null;
if (straceMissing && process.env.CI === 'true') throw new Error(`CI=true requires ${straceMissing}`);
const skip = process.platform !== 'linux' ? 'strace is Linux only' : straceMissing ?? false;

/** A fresh folder, by its real path: strace prints the paths the kernel resolved (TMPDIR may be a link). */
function folder(t: TestContext): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'fms-durable-')));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** strace writes bytes outside printable ASCII as octal escapes (\303\251 for é): back to text. */
function unescapeStrace(line: string): string {
  return line.replace(/(?:\\[0-7]{3})+/g, (run) => Buffer.from(run.split('\\').slice(1).map((octal) => Number.parseInt(octal, 8))).toString('utf8'));
}

/** Runs node with `args` under strace; answers the traced calls, one per line, paths resolved (-y). */
function traced(dir: string, calls: string, args: string[], env: Record<string, string> = {}): string[] {
  const log = join(dir, 'strace.log');
  const run = spawnSync('strace', ['-f', '-qq', '-y', '-e', `trace=${calls}`, '-o', log, process.execPath, '--import', 'tsx', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, FMS_CONFIG: 'testing', ...env },
    timeout: 120_000,
  });
  assert.equal(run.status, 0, `${args.join(' ')} failed:\n${run.stdout}\n${run.stderr}`);
  return readFileSync(log, 'utf8').split('\n').filter((line) => line && !line.includes('--- SIG')).map(unescapeStrace);
}

/** The index of the first line at or after `from` that matches, or -1. */
function lineOf(lines: string[], pattern: RegExp, from = 0): number {
  for (let i = from; i < lines.length; i++) if (pattern.test(lines[i]!)) return i;
  return -1;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('an SQLite commit is on disk when it returns (synchronous = FULL), not at the next checkpoint', { skip }, (t) => {
  const dir = folder(t);
  const file = join(dir, 'fms.sqlite');
  const lines = traced(dir, 'fsync,fdatasync,access,faccessat,faccessat2', ['test/durability/durable-writes.ts', 'commit', file]);
  const mark = lineOf(lines, new RegExp(`${escape(file)}\\.before-commit`));
  assert.ok(mark >= 0, `the mark before the commit is in the trace:\n${lines.join('\n')}`);
  // The script exits right after the insert, without closing: only the commit itself can sync here.
  assert.ok(lineOf(lines, new RegExp(`f(data)?sync\\(\\d+<${escape(file)}-wal>\\)`), mark) > mark, `the commit synced the write-ahead log:\n${lines.slice(mark).join('\n')}`);
});

test('a stored upload: its bytes, then its name, then the names of the folders up to UPLOAD_FOLDER are synced', { skip }, (t) => {
  const dir = folder(t);
  const uploads = join(dir, 'uploads');
  const lines = traced(dir, 'fsync,fdatasync,rename,renameat,renameat2', ['test/durability/durable-writes.ts', 'put', uploads, 'materials/ab/cd1234']);
  const temporary = lineOf(lines, new RegExp(`fsync\\(\\d+<${escape(join(uploads, 'materials', 'ab'))}/\\.cd1234\\.[0-9a-f]+\\.tmp>\\)`));
  const renamed = lineOf(lines, new RegExp(`rename(at2?)?\\(.*\\.cd1234\\.[0-9a-f]+\\.tmp", .*"${escape(join(uploads, 'materials', 'ab', 'cd1234'))}"`));
  assert.ok(temporary >= 0 && renamed > temporary, `the file is synced before it is renamed into place:\n${lines.join('\n')}`);
  for (const made of [join(uploads, 'materials', 'ab'), join(uploads, 'materials'), uploads, dir])
    assert.ok(lineOf(lines, new RegExp(`fsync\\(\\d+<${escape(made)}>\\)`), renamed) > renamed, `${made} is synced after the rename:\n${lines.join('\n')}`);
});

test('a backup archive is synced, renamed, and its folder synced, before older archives are pruned', { skip, timeout: 300_000 }, (t) => {
  const dir = folder(t);
  const backups = join(dir, 'backups');
  const env = { DATABASE_URL: `sqlite:${join(dir, 'fms.sqlite')}`, UPLOAD_FOLDER: join(dir, 'uploads') };
  const cli = (args: string[]) => traced(dir, 'fsync,fdatasync,rename,renameat,renameat2,unlink,unlinkat', ['src/cli/index.ts', ...args], env);
  cli(['migrate']);
  cli(['backup', '--output', backups, '--keep', '1']);
  const lines = cli(['backup', '--output', backups, '--keep', '1']);
  const archive = `${escape(backups)}/\\.?fms-backup-[0-9TZ-]+\\.tar\\.gz`;
  const synced = lineOf(lines, new RegExp(`fsync\\(\\d+<${archive}\\.partial>\\)`));
  const renamed = lineOf(lines, new RegExp(`rename(at2?)?\\(.*${archive}\\.partial", .*${archive}"`), synced);
  const folderSynced = lineOf(lines, new RegExp(`fsync\\(\\d+<${escape(backups)}>\\)`), renamed);
  const pruned = lineOf(lines, new RegExp(`unlink(at)?\\(.*${archive}"`));
  assert.ok(synced >= 0 && renamed > synced && folderSynced > renamed, `the archive is synced, renamed, and its folder synced:\n${lines.join('\n')}`);
  assert.ok(pruned > folderSynced, `the older archive is deleted only after that:\n${lines.join('\n')}`);
});

test('a restore: each upload is synced where it lands, then its folders; the database file is synced', { skip, timeout: 300_000 }, (t) => {
  const dir = folder(t);
  const before = { DATABASE_URL: `sqlite:${join(dir, 'before.sqlite')}`, UPLOAD_FOLDER: join(dir, 'uploads-before') };
  const after = { DATABASE_URL: `sqlite:${join(dir, 'after.sqlite')}`, UPLOAD_FOLDER: join(dir, 'uploads-after') };
  traced(dir, 'fsync', ['src/cli/index.ts', 'migrate'], before);
  traced(dir, 'fsync', ['test/durability/durable-writes.ts', 'put', before.UPLOAD_FOLDER, 'materials/ab/cd1234']);
  const backups = join(dir, 'backups');
  traced(dir, 'fsync', ['src/cli/index.ts', 'backup', '--output', backups], before);
  const archive = join(backups, readdirSync(backups).find((name) => name.endsWith('.tar.gz'))!);
  // Unpacked under TMPDIR, on the same disk here: the files are renamed into place, not copied.
  const lines = traced(dir, 'fsync,fdatasync,rename,renameat,renameat2', ['src/cli/index.ts', 'restore', archive], { ...after, TMPDIR: dir });
  const restored = join(after.UPLOAD_FOLDER, 'materials', 'ab', 'cd1234');
  const landed = lineOf(lines, new RegExp(`rename(at2?)?\\(.*, .*"${escape(restored)}"`));
  const synced = lineOf(lines, new RegExp(`fsync\\(\\d+<${escape(restored)}>\\)`), landed);
  assert.ok(landed >= 0 && synced > landed, `the restored file is synced where it landed:\n${lines.join('\n')}`);
  for (const made of [join(after.UPLOAD_FOLDER, 'materials', 'ab'), join(after.UPLOAD_FOLDER, 'materials'), after.UPLOAD_FOLDER, dir])
    assert.ok(lineOf(lines, new RegExp(`fsync\\(\\d+<${escape(made)}>\\)`), synced) > synced, `${made} is synced after it:\n${lines.join('\n')}`);
  assert.ok(lineOf(lines, new RegExp(`fsync\\(\\d+<${escape(join(dir, 'after.sqlite'))}>\\)`)) >= 0, `the restored database file is synced:\n${lines.join('\n')}`);
});
