import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { claimLogFile, LogFileInUse, openLogFile, pruneOldLogFiles, type LogStream } from './log-destination.js';

test('old rotated log files beyond LOG_FILE_KEEP are removed at start; other files are left alone', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fms-logs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const names = ['fms.1.log', 'fms.2.log', 'fms.3.log', 'fms.2026-11-27.4.log', 'fms.5.log', 'other.1.log', 'fms.log.bak', 'notes.txt'];
  names.forEach((name, i) => {
    writeFileSync(join(dir, name), 'x');
    const at = new Date(Date.UTC(2026, 10, 1 + i));
    utimesSync(join(dir, name), at, at);
  });
  const removed = pruneOldLogFiles(join(dir, 'fms.log'), 3);
  assert.deepEqual(removed.sort(), ['fms.1.log', 'fms.2.log']);
  assert.deepEqual(readdirSync(dir).sort(), ['fms.2026-11-27.4.log', 'fms.3.log', 'fms.5.log', 'fms.log.bak', 'notes.txt', 'other.1.log']);
});

test('LOG_FILE: files are 0600 whatever the umask, and restarts never leave more than KEEP + 1 files', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fms-logs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const previous = process.umask(0o002);
  t.after(() => process.umask(previous));
  const logFile = { path: join(dir, 'logs', 'fms.log'), size: '1k', keep: 2 };
  // Three runs of the server, each writing enough to rotate several times.
  for (let run = 0; run < 3; run++) {
    const stream = (await openLogFile(logFile)) as LogStream & { end(): void; once(event: string, fn: () => void): void };
    for (let i = 0; i < 12; i++) {
      stream.write(`${JSON.stringify({ run, i, pad: 'x'.repeat(400) })}\n`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise<void>((resolve) => {
      stream.once('close', resolve);
      stream.end();
    });
  }
  // pino-roll deletes the surplus just after a rotation, asynchronously.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const all = readdirSync(join(dir, 'logs'));
  // fms.log.lock names the writer (one server per file); the rest are the logs.
  const files = all.filter((name) => name.endsWith('.log'));
  assert.ok(files.length > 1, `the test never rotated: ${files.join(', ')}`);
  assert.ok(files.length <= logFile.keep + 1, `${files.length} files kept with LOG_FILE_KEEP=2: ${files.join(', ')}`);
  for (const name of all) assert.equal(statSync(join(dir, 'logs', name)).mode & 0o777, 0o600, name);
  assert.equal(statSync(join(dir, 'logs')).mode & 0o777, 0o700);
});

test('LOG_FILE: a second server writing the same file is refused, naming another file; a stale lock is taken over', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fms-logs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'fms.log');
  // Another live process holds it: a sleeping child stands in for the other server.
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  t.after(() => other.kill('SIGKILL'));
  writeFileSync(`${path}.lock`, String(other.pid));
  assert.throws(() => claimLogFile(path), (error: Error) => {
    assert.ok(error instanceof LogFileInUse);
    assert.match(error.message, new RegExp(`^LOG_FILE ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is written by another FMS server \\(process ${other.pid}\\): give each server on this host its own LOG_FILE, e\\.g\\. .*fms-2\\.log`));
    return true;
  });
  // The other server is gone: its lock is stale, and this one takes it.
  other.kill('SIGKILL');
  await new Promise((resolve) => other.once('exit', resolve));
  claimLogFile(path);
  assert.equal(readFileSync(`${path}.lock`, 'utf8'), String(process.pid));
  // The same process opening it again (a restart of the logger) is not a second server.
  claimLogFile(path);
});
