// Run by durable-writes.test.ts under strace: one kind of acknowledged write, done the way FMS does it.
//   node --import tsx test/durability/durable-writes.ts commit <sqlite file>
//   node --import tsx test/durability/durable-writes.ts put <upload folder> <key>
import { accessSync } from 'node:fs';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { createDb } from '../../src/db/index.js';
import { createLocalStorage } from '../../src/storage/local.js';

const [what, path, key] = process.argv.slice(2);
if (what === 'commit') {
  const db = createDb({ kind: 'sqlite', file: path!, url: `sqlite:${path}` });
  await sql`create table scores (score integer)`.execute(db);
  // A mark in the trace: what follows is the insert's commit alone.
  mark(`${path}.before-commit`);
  await sql`insert into scores values (6)`.execute(db);
  // Gone without closing, as after a crash: closing would checkpoint the log, and sync it whatever
  // the setting.
  process.exit(0);
} else if (what === 'put') {
  const storage = createLocalStorage(path!);
  await storage.put(key!, Readable.from([Buffer.from('a material')]), { contentType: 'application/pdf' });
  await storage.close();
} else {
  throw new Error(`unknown write ${what}`);
}

/** An access() of a path that does not exist: strace logs it, nothing else notices. */
function mark(path: string) {
  try {
    accessSync(path);
  } catch {
    // Expected: the path is only a mark.
  }
}
