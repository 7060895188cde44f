// What differs between importing students and importing lecturers, behind one shape: the columns,
// how a row is checked, how existing records are found, created and updated. The rules themselves
// (validation, accounts, audit) live in the students' and lecturers' services; this file only adapts.
import type { Action } from '../../access.js';
import type { ServiceContext } from '../../context.js';
import type { ImportKind } from '../../db/schema.js';
import type { FieldMessages } from '../../lib/errors.js';
import type { ColumnSpec } from '../../lib/spreadsheets.js';
import * as lecturers from '../lecturers/service.js';
import * as students from '../students/service.js';

export type { ImportKind };
export const importKinds: readonly ImportKind[] = ['students', 'lecturers'];

export function isImportKind(value: unknown): value is ImportKind {
  return value === 'students' || value === 'lecturers';
}

/** A record as an import compares and writes it: field -> value. */
export type ImportRecord = Record<string, string | number | boolean | null>;

export interface ExistingRecord {
  id: number;
  archived: boolean;
  values: ImportRecord;
}

export interface CreatedAccount {
  id: number;
  name: string;
  key: string;
  username: string;
  oneTimePassword: string;
}

export type MatchKey = 'studentNumber' | 'email';

export interface KindAdapter {
  kind: ImportKind;
  /** "student" / "lecturer", for messages. */
  noun: string;
  /** The action, besides imports.run, that importing this kind needs. */
  action: Action;
  columns: readonly ColumnSpec[];
  /** The fields an import compares and may change on an existing record, in display order. */
  fields: readonly string[];
  /** The keys matching a row to an existing record, in the order they are tried. */
  matchKeys: readonly MatchKey[];
  /** The column (import field) a record field comes from: groupId comes from the group column. */
  columnOf(field: string): string;
  /** Checks one row (the group column excluded) with the form's rules. */
  check(raw: Record<string, string>, today: string): { record: ImportRecord; username: string | null } | { fields: FieldMessages };
  find(ctx: ServiceContext, keys: Record<MatchKey, string[]>): Promise<ExistingRecord[]>;
  countActive(ctx: ServiceContext): Promise<number>;
  /** `reserved`: usernames the whole import asks for, kept free of generated ones. */
  create(ctx: ServiceContext, records: readonly (ImportRecord & { username: string | null })[], reserved: ReadonlySet<string>): Promise<CreatedAccount[]>;
  update(ctx: ServiceContext, updates: readonly { id: number; before: ImportRecord; changes: ImportRecord }[]): Promise<void>;
  /** How a record is named in reports: "Ana Kovač (2026-0042)". */
  label(record: ImportRecord): string;
  /** The template's example row, by import field. */
  example: Record<string, string>;
  /** What to write in each column, for the template's notes sheet and the documentation. */
  notes: Record<string, string>;
}

/** Column headings as the template writes them (any alias is accepted when reading). */
export const columnLabels: Record<string, string> = {
  studentNumber: 'Student number',
  lastName: 'Last name',
  firstName: 'First name',
  patronymic: 'Patronymic',
  birthDate: 'Birth date',
  email: 'Email',
  phone: 'Phone',
  address: 'Address',
  group: 'Group',
  groupId: 'Group',
  username: 'Username',
  academicDegree: 'Academic degree',
  position: 'Position',
  isAdmin: 'Admin',
};

export function columnLabel(field: string): string {
  return columnLabels[field] ?? field.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

const name = (r: ImportRecord) => `${String(r.firstName ?? '')} ${String(r.lastName ?? '')}`.trim();

const studentAdapter: KindAdapter = {
  kind: 'students',
  noun: 'student',
  action: 'students.manage',
  columns: students.studentImportColumns,
  fields: students.studentImportFields,
  matchKeys: ['studentNumber', 'email'],
  columnOf: (field) => (field === 'groupId' ? 'group' : field),
  check(raw, today) {
    const result = students.checkStudentImportRow(raw, today);
    return 'fields' in result ? result : { record: result.record as ImportRecord, username: result.username };
  },
  async find(ctx, keys) {
    const rows = await students.findStudentsForImport(ctx, { studentNumbers: keys.studentNumber, emails: keys.email });
    return rows.map(({ id, archived, ...values }) => ({ id, archived, values: values as ImportRecord }));
  },
  countActive: (ctx) => students.countActiveStudents(ctx),
  async create(ctx, records, reserved) {
    // A file without a group column puts new students in no group.
    const complete = records.map((r) => ({ groupId: null, ...r }));
    const created = await students.createStudentsInBulk(ctx, complete as unknown as Parameters<typeof students.createStudentsInBulk>[1], { reservedUsernames: reserved });
    return created.map((c) => ({ id: c.id, name: c.name, key: c.studentNumber, username: c.username, oneTimePassword: c.oneTimePassword }));
  },
  async update(ctx, updates) {
    await students.updateStudentsInBulk(ctx, updates as unknown as Parameters<typeof students.updateStudentsInBulk>[1]);
  },
  label: (r) => `${name(r)} (${String(r.studentNumber ?? '')})`,
  example: {
    studentNumber: '2026-0042',
    lastName: 'Kovač',
    firstName: 'Ana',
    patronymic: 'Ivanovna',
    birthDate: '2006-04-01',
    email: 'ana.kovac@example.edu',
    phone: '+385 1 234 5678',
    address: 'Ilica 1, Zagreb',
    group: 'CS-101',
    username: '',
  },
  notes: {
    studentNumber: 'Letters, digits and / . _ - (up to 50), e.g. 2026-0042. An existing student with this number is updated.',
    lastName: 'Up to 100 characters.',
    firstName: 'Up to 100 characters.',
    patronymic: 'Optional; up to 100 characters.',
    birthDate: 'Optional; a date cell, or text as YYYY-MM-DD (e.g. 2006-04-01), between 1900-01-01 and today.',
    email: 'Optional; name@example.org. An existing student with this e-mail is updated.',
    phone: 'Optional; digits, spaces and + ( ) - / . only.',
    address: 'Optional; up to 500 characters.',
    group: 'Optional; the name of an existing, active group, as on the Groups page (case does not matter). Empty: no group.',
    username: 'Optional, new students only; 3–64 letters, digits, . _ -. Empty: generated from the name (a.kovac).',
  },
};

const lecturerAdapter: KindAdapter = {
  kind: 'lecturers',
  noun: 'lecturer',
  action: 'lecturers.manage',
  columns: lecturers.lecturerImportColumns,
  fields: lecturers.lecturerImportFields,
  matchKeys: ['email'],
  columnOf: (field) => field,
  check(raw) {
    const result = lecturers.checkLecturerImportRow(raw);
    return 'fields' in result ? result : { record: result.record as unknown as ImportRecord, username: result.username };
  },
  async find(ctx, keys) {
    const rows = await lecturers.findLecturersForImport(ctx, { emails: keys.email });
    return rows.map(({ id, archived, ...values }) => ({ id, archived, values: values as ImportRecord }));
  },
  countActive: (ctx) => lecturers.countActiveLecturers(ctx),
  async create(ctx, records, reserved) {
    const created = await lecturers.createLecturersInBulk(ctx, records as unknown as Parameters<typeof lecturers.createLecturersInBulk>[1], { reservedUsernames: reserved });
    return created.map((c) => ({ id: c.id, name: c.name, key: c.email, username: c.username, oneTimePassword: c.oneTimePassword }));
  },
  async update(ctx, updates) {
    await lecturers.updateLecturersInBulk(ctx, updates as unknown as Parameters<typeof lecturers.updateLecturersInBulk>[1]);
  },
  label: (r) => `${name(r)} (${String(r.email ?? '')})`,
  example: {
    lastName: 'Horvat',
    firstName: 'Ivan',
    patronymic: '',
    email: 'ivan.horvat@example.edu',
    academicDegree: 'PhD',
    position: 'Associate Professor',
    phone: '+385 1 234 5679',
    address: '',
    isAdmin: 'no',
    username: '',
  },
  notes: {
    lastName: 'Up to 100 characters.',
    firstName: 'Up to 100 characters.',
    patronymic: 'Optional; up to 100 characters.',
    email: 'Required; name@example.org. An existing lecturer with this e-mail is updated.',
    academicDegree: 'Optional; up to 100 characters, e.g. PhD.',
    position: 'Optional; up to 100 characters, e.g. Associate Professor.',
    phone: 'Optional; digits, spaces and + ( ) - / . only.',
    address: 'Optional; up to 500 characters.',
    isAdmin: 'Optional; yes or no (also true/false, 1/0, y/n, x). Empty: no.',
    username: 'Optional, new lecturers only; 3–64 letters, digits, . _ -. Empty: generated from the name (i.horvat).',
  },
};

export function adapterFor(kind: ImportKind): KindAdapter {
  return kind === 'students' ? studentAdapter : lecturerAdapter;
}
