import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pruneOldLogFiles } from './log-destination.js';

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
