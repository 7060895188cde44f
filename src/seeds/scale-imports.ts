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
import { importTemplate, type RecordFields } from '../lib/record-fields.js';
import { writeCsv, type SheetColumn } from '../lib/spreadsheets.js';
import type { PlannedLecturer, PlannedStudent } from './scale-department.js';

/** Rows per file: a registry's export of a few thousand people at a time. */
export const STUDENTS_PER_FILE = 5_000;
export const LECTURERS_PER_FILE = 1_500;

/** The file's columns, headed as the import template heads them. */
function columnsOf(fields: RecordFields, names: readonly string[]): SheetColumn[] {
  const { labels } = importTemplate(fields);
  return names.map((key) => ({ key, header: labels[key] ?? key }));
}

const studentColumns = columnsOf(studentFields, ['studentNumber', 'lastName', 'firstName', 'patronymic', 'birthDate', 'email', 'phone', 'address', 'group']);
const lecturerColumns = columnsOf(lecturerFields, ['lastName', 'firstName', 'patronymic', 'academicDegree', 'position', 'email', 'phone', 'address', 'isAdmin']);

async function csvBytes(columns: readonly SheetColumn[], rows: readonly object[]): Promise<Buffer> {
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

/** Uploads and confirms one file; throws what the imports service throws when it is refused. */
async function importFile(ctx: ServiceContext, kind: ImportKind, filename: string, bytes: Buffer, onRows: (done: number) => void): Promise<number> {
  const { id, report } = await startImport(ctx, kind, { bytes, filename });
  const outcome = await confirmImport(ctx, id, { planHash: report.planHash }, { onProgress: (event) => onRows(event.done) });
  // A plan can differ only if the database changed between the two calls, inside our own transaction.
  if (outcome.outcome !== 'applied') throw new Error(`the generated file ${filename} was planned differently when confirmed`);
  return id;
}

interface ImportPeopleOptions {
  kind: ImportKind;
  rows: readonly object[];
  perFile: number;
  columns: readonly SheetColumn[];
  /** "students" in the file names: demo-students-03-of-20.csv. */
  noun: string;
  onProgress: OnProgress;
  /** Called with each import's id once it is applied (to clean up its upload if the seed fails). */
  onImported: (id: number) => void;
}

async function importPeople(ctx: ServiceContext, options: ImportPeopleOptions): Promise<void> {
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
    options.onImported(await importFile(ctx, options.kind, name, await csvBytes(options.columns, part), progress));
  }
  options.onProgress({ step, done: rows.length, total: rows.length, unit: 'rows' });
}

export function importLecturers(ctx: ServiceContext, lecturers: readonly PlannedLecturer[], onProgress: OnProgress, onImported: (id: number) => void) {
  const rows = lecturers.map(({ archived: _archived, isAdmin, ...l }) => ({ ...l, isAdmin: isAdmin ? 'yes' : 'no' }));
  return importPeople(ctx, { kind: 'lecturers', rows, perFile: LECTURERS_PER_FILE, columns: lecturerColumns, noun: 'lecturers', onProgress, onImported });
}

export function importStudents(ctx: ServiceContext, students: readonly PlannedStudent[], groupNames: readonly string[], onProgress: OnProgress, onImported: (id: number) => void) {
  const rows = students.map(({ archived: _archived, group, ...s }) => ({ ...s, group: groupNames[group]! }));
  return importPeople(ctx, { kind: 'students', rows, perFile: STUDENTS_PER_FILE, columns: studentColumns, noun: 'students', onProgress, onImported });
}
