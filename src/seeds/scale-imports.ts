// The generated people arrive as an admin would bring them: CSV files of a few thousand rows, each
// uploaded as a dry run and then confirmed through the imports feature. So the records, their
// accounts (readable usernames, one-time passwords), the audit entries and the import history are
// exactly what real imports write, and the Import page lists the files.
import { Writable } from 'node:stream';
import type { ServiceContext } from '../context.js';
import type { ImportKind } from '../db/schema.js';
import { lecturerFields } from '../features/lecturers/fields.js';
import { confirmImport, startImport } from '../features/imports/service.js';
import { studentFields } from '../features/students/fields.js';
import type { OnProgress } from '../ops/data/progress.js';
import type { Storage } from '../storage/index.js';
import { importTemplate, type RecordFields } from '../lib/record-fields.js';
import { writeCsv, type SheetColumn } from '../lib/spreadsheets.js';
import type { PlannedLecturer, PlannedStudent } from './scale-department.js';

/**
 * Rows per file: a registry's export of a couple of thousand people at a time. Each file is one
 * import, one transaction, and one entry of the import history.
 */
const STUDENTS_PER_FILE = 2_000;
const LECTURERS_PER_FILE = 1_500;

/** The file's columns, headed as the import template heads them. */
function columnsOf(fields: RecordFields, names: readonly string[]): SheetColumn[] {
  const { labels } = importTemplate(fields);
  return names.map((key) => ({ key, header: labels[key] ?? key }));
}

/** The students' file's columns (the bench's new intake uses them too). */
export const studentColumns = columnsOf(studentFields, ['studentNumber', 'lastName', 'firstName', 'patronymic', 'birthDate', 'email', 'phone', 'address', 'group']);
const lecturerColumns = columnsOf(lecturerFields, ['lastName', 'firstName', 'patronymic', 'academicDegree', 'position', 'email', 'phone', 'address', 'isAdmin']);

/** A CSV file's bytes, written as an export writes them. */
export async function csvBytes(columns: readonly SheetColumn[], rows: readonly object[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      done();
    },
  });
  await writeCsv(sink, columns, rows);
  return Buffer.concat(chunks);
}

/** Runs one unit of work in a transaction of its own (or in the caller's, when it gave one). */
export type InTransaction = <T>(work: (ctx: ServiceContext) => Promise<T>) => Promise<T>;

/**
 * Uploads and confirms one file, in one transaction: a file is imported whole or not at all. The
 * upload of a file whose import is rolled back is removed from storage again.
 */
async function importFile(inTransaction: InTransaction, kind: ImportKind, filename: string, bytes: Buffer, onRows: (done: number) => void): Promise<void> {
  let orphan: { storage: Storage; key: string } | null = null;
  try {
    await inTransaction(async (ctx) => {
      const { id, report } = await startImport(ctx, kind, { bytes, filename });
      try {
        const outcome = await confirmImport(ctx, id, { planHash: report.planHash }, { onProgress: (event) => onRows(event.done) });
        // A plan can differ only if the database changed between the two calls, inside this transaction.
        if (outcome.outcome !== 'applied') throw new Error(`the generated file ${filename} was planned differently when confirmed`);
      } catch (error) {
        const upload = await ctx.db.selectFrom('imports').innerJoin('files', 'files.id', 'imports.fileId').select('files.storageKey').where('imports.id', '=', id).executeTakeFirst();
        if (upload && ctx.storage) orphan = { storage: ctx.storage, key: upload.storageKey };
        throw error;
      }
    });
  } catch (error) {
    const left = orphan as { storage: Storage; key: string } | null;
    if (left) await left.storage.delete(left.key).catch(() => {});
    throw error;
  }
}

interface ImportPeopleOptions {
  kind: ImportKind;
  rows: readonly object[];
  perFile: number;
  columns: readonly SheetColumn[];
  /** "students" in the file names: demo-students-03-of-20.csv. */
  noun: string;
  onProgress: OnProgress;
}

async function importPeople(inTransaction: InTransaction, options: ImportPeopleOptions): Promise<void> {
  const { rows, perFile } = options;
  const files = Math.ceil(rows.length / perFile);
  const step = `importing ${options.noun}`;
  const width = String(files).length;
  for (let f = 0; f < files; f++) {
    const start = f * perFile;
    const part = rows.slice(start, start + perFile);
    const progress = (done: number) => options.onProgress({ step, done: start + done, total: rows.length, unit: 'rows' });
    progress(0);
    const name = `demo-${options.noun}-${String(f + 1).padStart(width, '0')}-of-${files}.csv`;
    await importFile(inTransaction, options.kind, name, await csvBytes(options.columns, part), progress);
  }
  options.onProgress({ step, done: rows.length, total: rows.length, unit: 'rows' });
}

export function importLecturers(inTransaction: InTransaction, lecturers: readonly PlannedLecturer[], onProgress: OnProgress) {
  const rows = lecturers.map(({ archived: _archived, isAdmin, ...l }) => ({ ...l, isAdmin: isAdmin ? 'yes' : 'no' }));
  return importPeople(inTransaction, { kind: 'lecturers', rows, perFile: LECTURERS_PER_FILE, columns: lecturerColumns, noun: 'lecturers', onProgress });
}

export function importStudents(inTransaction: InTransaction, students: readonly PlannedStudent[], groupNames: readonly string[], onProgress: OnProgress) {
  const rows = students.map(({ archived: _archived, group, ...s }) => ({ ...s, group: groupNames[group]! }));
  return importPeople(inTransaction, { kind: 'students', rows, perFile: STUDENTS_PER_FILE, columns: studentColumns, noun: 'students', onProgress });
}
