// Students: the department's records of its students, their accounts and photos. Every read is
// scoped by access.ts (admins all, lecturers the groups they teach, a student their own record);
// lecturers see what teaching needs, not birth dates, phones or home addresses.
import { authorize, can, studentDetail, studentScope, studentSearchFields, type Actor } from '../../access.js';
import { signedInActor, type ServiceContext } from '../../context.js';
import type { Insertable } from 'kysely';
import type { StudentsTable } from '../../db/schema.js';
import { decodeOrderedCursor, encodeOrderedCursor } from '../../lib/cursor.js';
import { Conflict, Invalid, NotFound, type FieldMessages } from '../../lib/errors.js';
import { foldQuery, isCalendarDate, searchTextOf, sortNameOf } from '../../lib/people.js';
import { auditSnapshot, importComparedFields, newRecordValues, storedOf, storedValues, withoutPrivateFields, type NewRecord, type StoredRecord, type VisibleRecord } from '../../lib/record-fields.js';
import { validate, validateAndCheck } from '../../lib/validation.js';
import * as accounts from '../accounts/service.js';
import type { SessionStore } from '../../session-store.js';
import { formIdNotYetUsed, recordAudit, recordAuditMany } from '../audit/service.js';
import * as groups from '../groups/service.js';
import { preparePeopleSearch } from '../../db/people-search.js';
import { COUNT_AHEAD } from '../../db/record-counts.js';
import * as repo from './repository.js';
import { studentFields } from './fields.js';
import { CreateStudentInput, ListStudentsQuery, UpdateStudentInput, type StudentSort } from './schemas.js';

export const STUDENTS_PAGE_SIZE = 50;

type StudentRow = NonNullable<Awaited<ReturnType<typeof repo.findStudent>>>;

/** The record's declared fields (features/students/fields.ts), stored and as an actor may see them. */
type StudentFieldsStored = StoredRecord<typeof studentFields>;

/** A student as pages and the API see it: the declared fields (the private ones absent for lecturers), then the rest. */
export type StudentView = { id: number } & VisibleRecord<typeof studentFields> & {
  groupName: string | null;
  hasPhoto: boolean;
  archived: boolean;
  createdAt: Date;
  updatedAt: Date;
};

function view(row: StudentRow, actor: Actor): StudentView {
  const full: StudentView = {
    id: row.id,
    ...storedOf(studentFields, row),
    groupName: row.groupName ?? null,
    hasPhoto: row.photoFileId !== null,
    archived: row.archived,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
  // A lecturer sees what teaching needs: the fields declared private are left out.
  return studentDetail(actor, row.id) === 'teaching' ? withoutPrivateFields(studentFields, full) : full;
}

/** The fields the audit trail keeps for a student (what an admin edits), as declared. */
function auditable(s: object): StudentImportRecord {
  return auditSnapshot(studentFields, s) as StudentImportRecord;
}

/**
 * The two folded search columns: everything an admin may search by, and what a lecturer may (no
 * phone), so a lecturer cannot learn a phone number by searching for guesses of it.
 */
export function searchColumnsOfStudent(s: { studentNumber: string; firstName: string; lastName: string; patronymic: string; email: string | null; phone: string | null }) {
  const teaching = [s.studentNumber, s.lastName, s.firstName, s.patronymic, s.email];
  return { searchText: searchTextOf([...teaching, s.phone, s.phone?.replace(/\D+/g, '')]), teachingSearchText: searchTextOf(teaching), sortName: sortNameOf(s) };
}

// ---- lists -------------------------------------------------------------------------------------

export interface StudentList {
  items: StudentView[];
  nextCursor: string | null;
  /** Set for numbered pages (the web list); the API's cursor pages skip the count. */
  total?: number;
  /** The total stopped counting: at least `total` match (db/record-counts.ts boundedCount). */
  totalIsAtLeast: boolean;
  page?: number;
  pageSize: number;
  sort: StudentSort;
}

export async function listStudents(ctx: ServiceContext, query: unknown): Promise<StudentList> {
  const actor = signedInActor(ctx);
  const data = validate(ListStudentsQuery, query);
  const sort: StudentSort = data.sort || 'name';
  const limit = data.limit ?? STUDENTS_PAGE_SIZE;
  const scope = studentScope(actor);
  const filter: repo.StudentFilter = {
    scope,
    search: await preparePeopleSearch(ctx.db, studentSearchFields(scope) === 'full' ? 'students.searchText' : 'students.teachingSearchText', foldQuery(data.q)),
    groupId: data.group || null,
    // Archived records stay in the admins' view only; for everyone else they leave the lists.
    archived: (data.archived ?? false) && can(actor, 'students.manage'),
  };
  const after = data.cursor ? decodeOrderedCursor(data.cursor, sort, repo.sortKeyShape(sort)) : undefined;
  const offset = !after && data.page ? (data.page - 1) * limit : undefined;
  const [rows, total] = await Promise.all([
    repo.listStudents(ctx.db, filter, { sort, limit: limit + 1, after, offset }),
    data.page ? repo.countStudents(ctx.db, filter, (offset ?? 0) + COUNT_AHEAD) : Promise.resolve(undefined),
  ]);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => view(r, actor)),
    nextCursor: rows.length > limit && last ? encodeOrderedCursor(sort, repo.sortKeyOf(sort, last)) : null,
    total: total?.total,
    totalIsAtLeast: total?.atLeast ?? false,
    page: data.page,
    pageSize: limit,
    sort,
  };
}

/** Every student matching a list's filter, in its order, in batches: for exports of any size. */
export async function* exportStudents(ctx: ServiceContext, query: unknown): AsyncGenerator<StudentView> {
  const { cursor: _cursor, page: _page, limit: _limit, ...filter } = (query ?? {}) as Record<string, unknown>;
  let cursor: string | null = null;
  do {
    const result: StudentList = await listStudents(ctx, { ...filter, limit: 500, ...(cursor ? { cursor } : {}) });
    yield* result.items;
    cursor = result.nextCursor;
  } while (cursor);
}

// ---- one record --------------------------------------------------------------------------------

/**
 * The record as the actor may see it, or "not found". Actions on one record look it up before they
 * authorize (DESIGN convention 3): a record out of sight is 404 like a missing one, and only a
 * record in sight can answer 403.
 */
async function requireRow(ctx: ServiceContext, id: number): Promise<StudentRow> {
  const row = Number.isInteger(id) && id > 0 ? await repo.findStudent(ctx.db, studentScope(signedInActor(ctx)), id) : undefined;
  if (!row) throw new NotFound('No such student.');
  return row;
}

export async function getStudent(ctx: ServiceContext, id: number): Promise<StudentView> {
  return view(await requireRow(ctx, id), signedInActor(ctx));
}

/** The linked sign-in account, for the record's page (admins only). */
export async function accountOfStudent(ctx: ServiceContext, id: number) {
  await requireRow(ctx, id);
  authorize(ctx.actor, 'students.manage');
  return accounts.accountOfPerson(ctx, { studentId: id });
}

const BIRTH_DATE_MESSAGE = 'Enter a real birth date between 1900-01-01 and today, as YYYY-MM-DD.';

/** A real calendar day from 1900 up to today (a form or a sheet may say 2005-02-30, or 2205). */
function isPlausibleBirthDate(text: string, today: string): boolean {
  return isCalendarDate(text) && text >= '1900-01-01' && text <= today;
}

type Columns = Omit<Insertable<StudentsTable>, 'createdAt' | 'updatedAt' | 'searchText' | 'teachingSearchText' | 'sortName'>;

/** Turns validated input into columns, checking what a schema cannot: real dates, known groups. */
async function columnsOf(ctx: ServiceContext, data: Partial<Record<keyof typeof UpdateStudentInput.properties, unknown>>, current?: StudentRow): Promise<Partial<Columns>> {
  const fields: FieldMessages = {};
  // Every declared field is stored as its declaration says; below, what a schema cannot check.
  const { username: _username, ...stored } = storedValues(studentFields, data);
  const out = stored as Partial<Columns>;
  if (out.birthDate) {
    const today = ctx.clock.now().toISOString().slice(0, 10);
    if (!isPlausibleBirthDate(out.birthDate, today)) {
      fields.birthDate = BIRTH_DATE_MESSAGE;
      delete out.birthDate;
    }
  }
  if (out.groupId !== undefined) {
    const groupId = out.groupId;
    if (groupId !== null && groupId !== current?.groupId) {
      const known = await groups.groupChoice(ctx, groupId);
      if (!known) fields.groupId = `No group has the id ${groupId}; give the id of an active group (GET /api/v1/groups).`;
      else if (known.archived) fields.groupId = `The group ${known.name} is archived; choose an active group.`;
    }
  }
  if (out.studentNumber !== undefined && out.studentNumber !== current?.studentNumber) {
    const taken = await repo.findStudentByNumber(ctx.db, out.studentNumber);
    if (taken) fields.studentNumber = `Student number ${out.studentNumber} belongs to another student${taken.archived ? ' (archived)' : ''}.`;
  }
  if (out.email && out.email !== current?.email) {
    const taken = await repo.findStudentByEmail(ctx.db, out.email);
    if (taken) fields.email = `The e-mail ${out.email} belongs to another student${taken.archived ? ' (archived)' : ''}.`;
  }
  if (Object.keys(fields).length > 0) {
    const conflict = fields.studentNumber || fields.email;
    if (conflict && Object.keys(fields).every((f) => f === 'studentNumber' || f === 'email')) {
      // The message names what clashes: an API client shows it without the field highlighted.
      const what = [fields.studentNumber && 'student number', fields.email && 'e-mail'].filter(Boolean).join(' and ');
      throw new Conflict(`Another student has the same ${what}.`, fields);
    }
    throw new Invalid('Check the highlighted fields.', fields);
  }
  return out;
}

export interface CreatedStudent {
  student: StudentView;
  account: { username: string; oneTimePassword: string };
}

/** Adds a student and their sign-in account (a one-time password, shown once). */
/**
 * `options.formId`: the random id of the new-student page's form. The same form sent again within
 * an hour (a browser refreshing the "created" page re-sends it) is refused with AlreadySubmitted,
 * naming the student it created, rather than with the taken student number.
 */
export async function createStudent(ctx: ServiceContext, input: unknown, options: { formId?: string } = {}): Promise<CreatedStudent> {
  authorize(ctx.actor, 'students.manage');
  const formId = await formIdNotYetUsed(ctx, 'student.created', 'This form was already submitted; the student was created.', options.formId);
  const { data, checked } = await validateAndCheck(CreateStudentInput, input, (valid) => columnsOf(ctx, valid));
  const columns = checked as Columns;
  const now = ctx.clock.now();
  const record = newRecordValues(studentFields, columns);
  const { id } = await repo.insertStudent(ctx.db, { ...record, photoFileId: null, ...searchColumnsOfStudent(record), archived: false, createdAt: now, updatedAt: now });
  const account = await accounts.createPersonAccount(ctx, {
    role: 'student',
    username: data.username || null,
    firstName: record.firstName,
    lastName: record.lastName,
    studentId: id,
  });
  await recordAudit(ctx, { action: 'student.created', entity: 'student', entityId: id, after: { ...auditable(record), username: account.username, ...(formId ? { formId } : {}) } });
  return { student: await getStudent(ctx, id), account: { username: account.username, oneTimePassword: account.oneTimePassword } };
}

export async function updateStudent(ctx: ServiceContext, id: number, input: unknown): Promise<StudentView> {
  const before = await requireRow(ctx, id);
  authorize(ctx.actor, 'students.manage');
  const { checked: columns } = await validateAndCheck(UpdateStudentInput, input, (valid) => columnsOf(ctx, valid, before));
  const changed = Object.fromEntries(Object.entries(columns).filter(([k, v]) => before[k as keyof StudentRow] !== v));
  if (Object.keys(changed).length === 0) return view(before, ctx.actor);
  const next = { ...before, ...changed };
  await repo.updateStudent(ctx.db, id, { ...changed, ...searchColumnsOfStudent(next), updatedAt: ctx.clock.now() });
  if (changed.firstName !== undefined || changed.lastName !== undefined) await accounts.renamePersonAccount(ctx, { studentId: id }, next);
  const beforeAudit = auditable(before);
  const afterAudit = auditable(next);
  await recordAudit(ctx, {
    action: 'student.updated',
    entity: 'student',
    entityId: id,
    before: Object.fromEntries(Object.keys(changed).map((k) => [k, beforeAudit[k as keyof typeof beforeAudit]])),
    after: Object.fromEntries(Object.keys(changed).map((k) => [k, afterAudit[k as keyof typeof afterAudit]])),
  });
  return getStudent(ctx, id);
}

/**
 * Archived students leave the lists but keep their record, account link and history. Archiving also
 * disables their account (sessions end, tokens stop); restoring leaves that to the admin, who may
 * have had other reasons to disable it.
 */
export async function archiveStudent(ctx: ServiceContext & { sessions: SessionStore }, id: number, archived = true): Promise<StudentView> {
  const before = await requireRow(ctx, id);
  authorize(ctx.actor, 'students.manage');
  if (before.archived === archived) return view(before, ctx.actor);
  await repo.updateStudent(ctx.db, id, { archived, updatedAt: ctx.clock.now() });
  const accountDisabled = archived ? await accounts.disablePersonAccount(ctx, { studentId: id }) : false;
  await recordAudit(ctx, {
    action: archived ? 'student.archived' : 'student.restored',
    entity: 'student',
    entityId: id,
    before: { archived: before.archived },
    after: { archived, ...(accountDisabled ? { accountDisabled } : {}) },
  });
  return getStudent(ctx, id);
}

// ---- photos ------------------------------------------------------------------------------------

/** The stored file of a student's photo or thumbnail, if the actor may see the record. */
export async function studentPhotoFileId(ctx: ServiceContext, id: number, size: 'photo' | 'thumbnail'): Promise<number> {
  const row = await requireRow(ctx, id);
  const fileId = size === 'thumbnail' ? (row.photoThumbnailFileId ?? row.photoFileId) : row.photoFileId;
  if (fileId === null) throw new NotFound('This student has no photo.');
  return fileId;
}

/** Records a new photo (already processed and stored by the photos service) for the student. */
export async function setStudentPhotoFiles(ctx: ServiceContext, id: number, files: { photoFileId: number | null; thumbnailFileId: number | null }) {
  const before = await requireRow(ctx, id);
  authorize(ctx.actor, 'students.manage');
  await repo.updateStudent(ctx.db, id, { photoFileId: files.photoFileId, photoThumbnailFileId: files.thumbnailFileId, updatedAt: ctx.clock.now() });
  await recordAudit(ctx, {
    action: files.photoFileId === null ? 'student.photo_removed' : 'student.photo_changed',
    entity: 'student',
    entityId: id,
    before: { photoFileId: before.photoFileId },
    after: { photoFileId: files.photoFileId },
  });
  return { previous: [before.photoFileId, before.photoThumbnailFileId].filter((f): f is number => f !== null) };
}

// ---- bulk import -------------------------------------------------------------------------------

/** Fields an import compares and may change on an existing student. */
export const studentImportFields = importComparedFields(studentFields) as (keyof StudentImportRecord)[];
export type StudentImportRecord = StudentFieldsStored;

/**
 * Checks one import row with the same rules as the form (field -> message on failure) and turns it
 * into the record an import would write. The group arrives as a name, resolved by the caller.
 */
export function checkStudentImportRow(raw: Record<string, unknown>, today: string): { record: Omit<StudentImportRecord, 'groupId'>; username: string | null } | { fields: FieldMessages } {
  let data;
  try {
    data = validate(CreateStudentInput, raw);
  } catch (error) {
    if (error instanceof Invalid) return { fields: error.fields };
    throw error;
  }
  // Every field as a new record stores it, but the group: the caller resolves it by name.
  const { groupId: _groupId, ...record } = newRecordValues(studentFields, storedValues(studentFields, data));
  if (record.birthDate && !isPlausibleBirthDate(record.birthDate, today)) return { fields: { birthDate: BIRTH_DATE_MESSAGE } };
  return { record, username: data.username ? data.username.toLowerCase() : null };
}

/** Existing students an import matches by student number or e-mail (admins only). */
export async function findStudentsForImport(ctx: ServiceContext, keys: { studentNumbers: readonly string[]; emails: readonly string[] }) {
  authorize(ctx.actor, 'students.manage');
  const rows = await repo.findStudentsByKeys(ctx.db, keys.studentNumbers, keys.emails);
  return rows.map((r) => ({ id: r.id, archived: r.archived, ...auditable(r) }));
}

export async function countActiveStudents(ctx: ServiceContext): Promise<number> {
  authorize(ctx.actor, 'students.manage');
  return repo.countActiveStudents(ctx.db);
}

/** Creates many students and their accounts in the caller's transaction. */
export async function createStudentsInBulk(ctx: ServiceContext, given: readonly (NewRecord<typeof studentFields> & { username: string | null })[], naming: accounts.UsernameNaming = {}) {
  authorize(ctx.actor, 'students.manage');
  // Every declared field, the ones a caller leaves out stored empty.
  const records = given.map(({ username, ...r }) => ({ ...newRecordValues(studentFields, r), username }));
  const now = ctx.clock.now();
  const inserted = await repo.insertStudents(
    ctx.db,
    records.map(({ username: _u, ...r }) => ({ ...r, photoFileId: null, ...searchColumnsOfStudent(r), archived: false, createdAt: now, updatedAt: now })),
  );
  const idByNumber = new Map(inserted.map((r) => [r.studentNumber, r.id]));
  const created = await accounts.createPersonAccountsInBulk(
    ctx,
    records.map((r) => ({ role: 'student' as const, username: r.username, firstName: r.firstName, lastName: r.lastName, studentId: idByNumber.get(r.studentNumber)! })),
    naming,
  );
  await recordAuditMany(
    ctx,
    records.map((r, i) => ({ action: 'student.created', entity: 'student', entityId: idByNumber.get(r.studentNumber)!, after: { ...auditable(r), username: created[i]!.username, via: 'import' } })),
  );
  return records.map((r, i) => ({ id: idByNumber.get(r.studentNumber)!, studentNumber: r.studentNumber, name: `${r.firstName} ${r.lastName}`, username: created[i]!.username, oneTimePassword: created[i]!.oneTimePassword }));
}

/** Applies field changes to many students (only the changed fields) in the caller's transaction. */
export async function updateStudentsInBulk(ctx: ServiceContext, updates: readonly { id: number; before: StudentImportRecord; changes: Partial<StudentImportRecord> }[]) {
  authorize(ctx.actor, 'students.manage');
  const now = ctx.clock.now();
  for (const u of updates) {
    const next = { ...u.before, ...u.changes };
    await repo.updateStudent(ctx.db, u.id, { ...u.changes, ...searchColumnsOfStudent(next), updatedAt: now });
    if (u.changes.firstName !== undefined || u.changes.lastName !== undefined) await accounts.renamePersonAccount(ctx, { studentId: u.id }, next);
  }
  await recordAuditMany(
    ctx,
    updates.map((u) => ({
      action: 'student.updated',
      entity: 'student',
      entityId: u.id,
      before: Object.fromEntries(Object.keys(u.changes).map((k) => [k, u.before[k as keyof StudentImportRecord]])),
      after: { ...u.changes, via: 'import' },
    })),
  );
}

/** The student with this number, if the actor may see them (studentScope), else NotFound: a form that names a student by number. */
export async function studentNumbered(ctx: ServiceContext, studentNumber: string): Promise<StudentView> {
  const found = await repo.findStudentByNumber(ctx.db, studentNumber.trim());
  if (!found) throw new NotFound('No such student.');
  return getStudent(ctx, found.id);
}
