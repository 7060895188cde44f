import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isSafeArchivePath } from '../backup/manifest.js';
import { hidePassword, searchPathOf, targetFromUrl } from './database-url.js';
import { shapeFor } from './rows.js';
import { dependencyOrder, type TableInfo } from './tables.js';

const table = (name: string, references: string[] = []): TableInfo => ({ name, columns: [], primaryKey: ['id'], references });

describe('the order tables are copied in', () => {
  test('every table comes after the tables it references, whatever order they are found in', () => {
    const found = [table('submissions', ['exercises', 'students', 'users']), table('users', ['students']), table('students', ['groups', 'files']), table('exercises'), table('groups'), table('files')];
    const order = dependencyOrder(found).map((t) => t.name);
    assert.deepEqual(order, ['exercises', 'files', 'groups', 'students', 'users', 'submissions']);
  });

  test('a table referencing itself is fine; a cycle between tables is named', () => {
    assert.deepEqual(dependencyOrder([table('comments', ['comments'])]).map((t) => t.name), ['comments']);
    assert.throws(() => dependencyOrder([table('a', ['b']), table('b', ['a']), table('c')]), /cycle .*: a, b/);
  });
});

test('archive paths may not leave the archive', () => {
  for (const good of ['manifest.json', 'uploads/ab/cd/ключ.pdf', 'database/tables/users.jsonl']) assert.ok(isSafeArchivePath(good), good);
  for (const bad of ['', '/etc/passwd', 'uploads/../../x', '../x', 'uploads//x', 'uploads/./x', 'a\\b']) assert.ok(!isSafeArchivePath(bad), bad);
});

test('database URLs: the schema in options, the password hidden, SQLite paths resolved', () => {
  assert.equal(searchPathOf('postgres://u:p@h/db?options=-c%20search_path%3Dfms'), 'fms');
  assert.equal(searchPathOf('postgres://u:p@h/db?options=-c+search_path%3Dt_1'), 't_1');
  assert.equal(searchPathOf('postgres://u:p@h/db'), undefined);
  assert.equal(hidePassword('postgres://fms:s3cret@db.example/fms'), 'postgres://fms:***@db.example/fms');
  assert.deepEqual(targetFromUrl('sqlite:/var/lib/fms/fms.sqlite'), { kind: 'sqlite', file: '/var/lib/fms/fms.sqlite', url: 'sqlite:/var/lib/fms/fms.sqlite' });
  assert.throws(() => targetFromUrl('mysql://x'), /is not a database URL/);
  assert.throws(() => targetFromUrl('sqlite::memory:'), /names no file/);
});

test('values take the shape their column wants', () => {
  const column = (kind: 'boolean' | 'timestamp' | 'other') => ({ name: 'x', key: 'x', kind, serial: false });
  assert.deepEqual(shapeFor(column('timestamp'), '2026-01-01T00:00:00.000Z'), new Date('2026-01-01T00:00:00.000Z'));
  assert.equal(shapeFor(column('boolean'), 1), true);
  assert.equal(shapeFor(column('boolean'), 0), false);
  assert.equal(shapeFor(column('other'), '2004-02-29'), '2004-02-29', 'calendar dates stay text');
  assert.equal(shapeFor(column('timestamp'), null), null);
});

test('a dump line holding raw U+2028 or U+2029, as FMS wrote them before, stays one row', async (t) => {
  const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { countDumpRows, readTableDump } = await import('./table-dump.js');
  const dir = mkdtempSync(join(tmpdir(), 'fms-dump-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const rows = [['line\u2028separator'], ['paragraph\u2029separator'], ['plain']];
  // As FMS wrote it before: JSON.stringify leaves both characters raw (node:readline on Node 24 breaks lines at them).
  const old = join(dir, 'old.jsonl');
  writeFileSync(old, [{ table: 'groups', columns: ['name'] }, ...rows].map((v) => JSON.stringify(v)).join('\n') + '\n');
  assert.match(readFileSync(old, 'utf8'), /\u2028/);
  assert.equal(await countDumpRows(old), 3);
  const read: unknown[] = [];
  for await (const batch of (await readTableDump(old, 2)).batches) read.push(...batch);
  assert.deepEqual(read, rows);
});
