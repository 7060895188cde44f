import { readFileSync } from 'node:fs';
import { createDb } from '../src/db/index.js';
import { newIntakeCsv, timedStudentImport } from './http/student-import.js';
const db = createDb({ kind: 'sqlite', file: '/tmp/latdb/fms.db', url: 'sqlite:///tmp/latdb/fms.db' });
const csv = await newIntakeCsv(db, 10_000, Number(process.env.SEED ?? 1));
const cookie = readFileSync('/tmp/latdb/cookie', 'utf8').trim();
const run = await timedStudentImport('http://127.0.0.1:28080', cookie, csv, 10_000, () => [], db);
console.log(run);
await db.destroy();
