// Lecturers: their records, accounts (with the admin flag) and photos. Admins see and manage all;
// a lecturer sees their own record.
import { authorize, can, lecturerScope } from '../../access.js';
import { signedInActor, type ServiceContext } from '../../context.js';
import { decodeOrderedCursor, encodeOrderedCursor } from '../../lib/cursor.js';
import { Conflict, Forbidden, Invalid, NotFound, type FieldMessages } from '../../lib/errors.js';
import { foldQuery, searchTextOf, sortNameOf } from '../../lib/people.js';
import { auditSnapshot, importComparedFields, newRecordValues, storedOf, storedValues, type NewRecord, type StoredRecord } from '../../lib/record-fields.js';
import { validate, validateAndCheck } from '../../lib/validation.js';
import * as accounts from '../accounts/service.js';
import type { SessionStore } from '../../session-store.js';
import { formIdNotYetUsed, recordAudit, recordAuditMany } from '../audit/service.js';
import { preparePeopleSearch } from '../../db/people-search.js';
import { COUNT_AHEAD } from '../../db/record-counts.js';
import * as repo from './repository.js';
import { lecturerFields } from './fields.js';
import { CreateLecturerInput, ListLecturersQuery, UpdateLecturerInput, type LecturerSort } from './schemas.js';

export const LECTURERS_PAGE_SIZE = 50;

type LecturerRow = NonNullable<Awaited<ReturnType<typeof repo.findLecturer>>>;

/** A lecturer as pages and the API see it: the declared fields (features/lecturers/fields.ts), then the rest. */
export type LecturerView = { id: number } & StoredRecord<typeof lecturerFields> & {
  groupsTaught: { id: number; name: string }[];
  hasPhoto: boolean;
  archived: boolean;
  createdAt: Date;
  updatedAt: Date;
};

function view(row: LecturerRow, groupsTaught: { id: number; name: string }[]): LecturerView {
  return {
    id: row.id,
    ...storedOf(lecturerFields, row),
    groupsTaught,
    hasPhoto: row.photoFileId !== null,
    archived: row.archived,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** What an admin edits: the declared fields, as stored. */
type Editable = StoredRecord<typeof lecturerFields>;

/** The fields the audit trail keeps for a lecturer, as declared. */
function auditable(l: Editable) {
  return auditSnapshot(lecturerFields, l);
}

/** The folded search text and the name order key, written with every change. */
export function searchColumnsOfLecturer(l: { firstName: string; lastName: string; patronymic: string; email: string | null; phone: string | null; academicDegree: string; position: string }) {
  return { searchText: searchTextOf([l.lastName, l.firstName, l.patronymic, l.email, l.phone, l.phone?.replace(/\D+/g, ''), l.academicDegree, l.position]), sortName: sortNameOf(l) };
}

export interface LecturerList {
  items: LecturerView[];
  nextCursor: string | null;
  total?: number;
  /** The total stopped counting: at least `total` match (db/record-counts.ts boundedCount). */
  totalIsAtLeast: boolean;
  page?: number;
  pageSize: number;
  sort: LecturerSort;
}

export async function listLecturers(ctx: ServiceContext, query: unknown): Promise<LecturerList> {
  const actor = signedInActor(ctx);
  const data = validate(ListLecturersQuery, query);
  const sort: LecturerSort = data.sort || 'name';
  const limit = data.limit ?? LECTURERS_PAGE_SIZE;
  const filter: repo.LecturerFilter = {
    scope: lecturerScope(actor),
    search: await preparePeopleSearch(ctx.db, 'lecturers.searchText', foldQuery(data.q)),
    degree: data.degree || null,
    groupId: data.group || null,
    archived: (data.archived ?? false) && can(actor, 'lecturers.manage'),
  };
  const after = data.cursor ? decodeOrderedCursor(data.cursor, sort, repo.sortKeyShape(sort)) : undefined;
  const offset = !after && data.page ? (data.page - 1) * limit : undefined;
  const [rows, total] = await Promise.all([
    repo.listLecturers(ctx.db, filter, { sort, limit: limit + 1, after, offset }),
    data.page ? repo.countLecturers(ctx.db, filter, (offset ?? 0) + COUNT_AHEAD) : Promise.resolve(undefined),
  ]);
  const page = rows.slice(0, limit);
  const taught = await repo.groupsTaughtBy(ctx.db, page.map((r) => r.id));
  const last = page.at(-1);
  return {
    items: page.map((r) => view(r, taught.get(r.id) ?? [])),
    nextCursor: rows.length > limit && last ? encodeOrderedCursor(sort, repo.sortKeyOf(sort, last)) : null,
    total: total?.total,
    totalIsAtLeast: total?.atLeast ?? false,
    page: data.page,
    pageSize: limit,
    sort,
  };
}

export async function* exportLecturers(ctx: ServiceContext, query: unknown): AsyncGenerator<LecturerView> {
  const { cursor: _cursor, page: _page, limit: _limit, ...filter } = (query ?? {}) as Record<string, unknown>;
  let cursor: string | null = null;
  do {
    const result: LecturerList = await listLecturers(ctx, { ...filter, limit: 500, ...(cursor ? { cursor } : {}) });
    yield* result.items;
    cursor = result.nextCursor;
  } while (cursor);
}

/** The academic degrees in use, for the list's filter. */
export async function lecturerDegrees(ctx: ServiceContext): Promise<string[]> {
  authorize(ctx.actor, 'lecturers.manage');
  return repo.degrees(ctx.db);
}

/**
 * The record as the actor may see it, or "not found". Actions on one record look it up before they
 * authorize (DESIGN convention 3): a record out of sight is 404 like a missing one, and only a
 * record in sight can answer 403.
 */
async function requireRow(ctx: ServiceContext, id: number): Promise<LecturerRow> {
  const row = Number.isInteger(id) && id > 0 ? await repo.findLecturer(ctx.db, lecturerScope(signedInActor(ctx)), id) : undefined;
  if (!row) throw new NotFound('No such lecturer.');
  return row;
}

export async function getLecturer(ctx: ServiceContext, id: number): Promise<LecturerView> {
  const row = await requireRow(ctx, id);
  const taught = await repo.groupsTaughtBy(ctx.db, [id]);
  return view(row, taught.get(id) ?? []);
}

export async function accountOfLecturer(ctx: ServiceContext, id: number) {
  await requireRow(ctx, id);
  authorize(ctx.actor, 'lecturers.manage');
  return accounts.accountOfPerson(ctx, { lecturerId: id });
}

async function columnsOf(ctx: ServiceContext, data: Partial<Record<keyof Editable, unknown>>, current?: LecturerRow): Promise<Partial<Editable>> {
  // Every declared field is stored as its declaration says; below, what a schema cannot check.
  const { username: _username, ...stored } = storedValues(lecturerFields, data);
  const out = stored as Partial<Editable>;
  if (out.academicDegree !== undefined) {
    const degree = out.academicDegree;
    // "phd" typed where the department writes "PhD" joins it, rather than starting a second
    // entry in the degree filter that the first does not find.
    // A spelling already in use stays as it is (two may exist, from imports or older data).
    const known = degree ? await repo.degrees(ctx.db) : [];
    out.academicDegree = known.includes(degree) ? degree : (known.find((d) => d.toLowerCase() === degree.toLowerCase()) ?? degree);
  }
  const fields: FieldMessages = {};
  if (out.email && out.email !== current?.email) {
    const taken = await repo.findLecturerByEmail(ctx.db, out.email);
    if (taken) fields.email = `The e-mail ${out.email} belongs to another lecturer${taken.archived ? ' (archived)' : ''}.`;
  }
  if (Object.keys(fields).length > 0) throw new Conflict('Another lecturer has the same e-mail.', fields);
  return out;
}

export interface CreatedLecturer {
  lecturer: LecturerView;
  account: { username: string; oneTimePassword: string };
}

/** The form was already sent and created `lecturerId`. */
/**
 * `options.formId`: the random id of the form the input came from. The same form sent again within
 * an hour (a browser refreshing the "created" page re-sends it) is refused with 409, naming the
 * lecturer it created, instead of adding a second one.
 */
export async function createLecturer(ctx: ServiceContext, input: unknown, options: { formId?: string } = {}): Promise<CreatedLecturer> {
  authorize(ctx.actor, 'lecturers.manage');
  const formId = await formIdNotYetUsed(ctx, 'lecturer.created', 'This form was already submitted; the lecturer was created.', options.formId);
  const { data, checked: c } = await validateAndCheck(CreateLecturerInput, input, (valid) => columnsOf(ctx, valid));
  const record = newRecordValues(lecturerFields, c);
  const now = ctx.clock.now();
  const { id } = await repo.insertLecturer(ctx.db, { ...record, photoFileId: null, ...searchColumnsOfLecturer(record), archived: false, createdAt: now, updatedAt: now });
  const account = await accounts.createPersonAccount(ctx, {
    role: 'lecturer',
    username: data.username || null,
    firstName: record.firstName,
    lastName: record.lastName,
    lecturerId: id,
    isAdmin: record.isAdmin,
  });
  await recordAudit(ctx, { action: 'lecturer.created', entity: 'lecturer', entityId: id, after: { ...auditable(record), username: account.username, ...(formId ? { formId } : {}) } });
  return { lecturer: await getLecturer(ctx, id), account: { username: account.username, oneTimePassword: account.oneTimePassword } };
}

export async function updateLecturer(ctx: ServiceContext, id: number, input: unknown): Promise<LecturerView> {
  const before = await requireRow(ctx, id);
  authorize(ctx.actor, 'lecturers.manage');
  const { checked: columns } = await validateAndCheck(UpdateLecturerInput, input, (valid) => columnsOf(ctx, valid, before));
  const changed = Object.fromEntries(Object.entries(columns).filter(([k, v]) => before[k as keyof LecturerRow] !== v)) as Partial<Editable>;
  if (Object.keys(changed).length === 0) return getLecturer(ctx, id);
  if (changed.isAdmin !== undefined) {
    const account = await accounts.accountOfPerson(ctx, { lecturerId: id });
    if (account) await accounts.setAccountAdminFlag(ctx, account.id, changed.isAdmin);
  }
  const next = { ...before, ...changed };
  await repo.updateLecturer(ctx.db, id, { ...changed, ...searchColumnsOfLecturer(next), updatedAt: ctx.clock.now() });
  if (changed.firstName !== undefined || changed.lastName !== undefined) await accounts.renamePersonAccount(ctx, { lecturerId: id }, next);
  const b = auditable(before);
  const a = auditable(next);
  await recordAudit(ctx, {
    action: 'lecturer.updated',
    entity: 'lecturer',
    entityId: id,
    before: Object.fromEntries(Object.keys(changed).map((k) => [k, b[k as keyof typeof b]])),
    after: Object.fromEntries(Object.keys(changed).map((k) => [k, a[k as keyof typeof a]])),
  });
  return getLecturer(ctx, id);
}

/** As for students: archiving also disables the lecturer's account; restoring leaves it to the admin. */
export async function archiveLecturer(ctx: ServiceContext & { sessions: SessionStore }, id: number, archived = true): Promise<LecturerView> {
  const before = await requireRow(ctx, id);
  authorize(ctx.actor, 'lecturers.manage');
  if (archived && ctx.actor.lecturerId === id) throw new Forbidden('You cannot archive your own record (it would disable the account you are signed in with); another administrator can.');
  if (before.archived === archived) return getLecturer(ctx, id);
  await repo.updateLecturer(ctx.db, id, { archived, updatedAt: ctx.clock.now() });
  const accountDisabled = archived ? await accounts.disablePersonAccount(ctx, { lecturerId: id }) : false;
  await recordAudit(ctx, {
    action: archived ? 'lecturer.archived' : 'lecturer.restored',
    entity: 'lecturer',
    entityId: id,
    before: { archived: before.archived },
    after: { archived, ...(accountDisabled ? { accountDisabled } : {}) },
  });
  return getLecturer(ctx, id);
}

export async function lecturerPhotoFileId(ctx: ServiceContext, id: number, size: 'photo' | 'thumbnail'): Promise<number> {
  const row = await requireRow(ctx, id);
  const fileId = size === 'thumbnail' ? (row.photoThumbnailFileId ?? row.photoFileId) : row.photoFileId;
  if (fileId === null) throw new NotFound('This lecturer has no photo.');
  return fileId;
}

export async function setLecturerPhotoFiles(ctx: ServiceContext, id: number, files: { photoFileId: number | null; thumbnailFileId: number | null }) {
  const before = await requireRow(ctx, id);
  authorize(ctx.actor, 'lecturers.manage');
  await repo.updateLecturer(ctx.db, id, { photoFileId: files.photoFileId, photoThumbnailFileId: files.thumbnailFileId, updatedAt: ctx.clock.now() });
  await recordAudit(ctx, {
    action: files.photoFileId === null ? 'lecturer.photo_removed' : 'lecturer.photo_changed',
    entity: 'lecturer',
    entityId: id,
    before: { photoFileId: before.photoFileId },
    after: { photoFileId: files.photoFileId },
  });
  return { previous: [before.photoFileId, before.photoThumbnailFileId].filter((f): f is number => f !== null) };
}

// ---- bulk import -------------------------------------------------------------------------------

/** Lecturers are matched by e-mail, so an import row needs one. */
/** Fields an import compares and may change on an existing lecturer. */
export const lecturerImportFields = importComparedFields(lecturerFields) as (keyof LecturerImportRecord)[];
export type LecturerImportRecord = Editable & { email: string };

/** Checks one import row with the form's rules; "yes"/"no"/"1"/"0" are accepted for the admin flag. */
export function checkLecturerImportRow(raw: Record<string, unknown>): { record: LecturerImportRecord; username: string | null } | { fields: FieldMessages } {
  const flag = typeof raw.isAdmin === 'string' ? raw.isAdmin.trim().toLowerCase() : raw.isAdmin;
  const isAdmin = flag === undefined || flag === '' || flag === null ? false : ['yes', 'true', '1', 'y', 'x'].includes(String(flag)) ? true : ['no', 'false', '0', 'n'].includes(String(flag)) ? false : 'bad';
  if (isAdmin === 'bad') return { fields: { isAdmin: 'Write yes or no in the admin column.' } };
  let data;
  try {
    data = validate(CreateLecturerInput, { ...raw, isAdmin });
  } catch (error) {
    if (error instanceof Invalid) return { fields: error.fields };
    throw error;
  }
  const stored = storedValues(lecturerFields, data);
  const email = stored.email as string | null;
  if (!email) return { fields: { email: 'Enter the e-mail: an import matches lecturers by it. A lecturer kept without one is edited on their page, or given an e-mail there first.' } };
  // Every field as a new record stores it (the e-mail is known to be there).
  const record = { ...newRecordValues(lecturerFields, stored), email };
  return {
    record,
    username: data.username ? data.username.toLowerCase() : null,
  };
}

export async function findLecturersForImport(ctx: ServiceContext, keys: { emails: readonly string[] }) {
  authorize(ctx.actor, 'lecturers.manage');
  const rows = await repo.findLecturersByEmails(ctx.db, keys.emails);
  return rows.map((r) => ({ id: r.id, archived: r.archived, ...auditable(r) }));
}

export async function countActiveLecturers(ctx: ServiceContext): Promise<number> {
  authorize(ctx.actor, 'lecturers.manage');
  return repo.countActiveLecturers(ctx.db);
}

export async function createLecturersInBulk(
  ctx: ServiceContext,
  given: readonly (NewRecord<typeof lecturerFields> & { email: string; username: string | null })[],
  options: { reservedUsernames?: ReadonlySet<string> } = {},
) {
  authorize(ctx.actor, 'lecturers.manage');
  // Every declared field, the ones a caller leaves out stored empty (an import matches by e-mail, so it is given).
  const records = given.map(({ username, ...r }) => ({ ...newRecordValues(lecturerFields, r), email: r.email, username }));
  const now = ctx.clock.now();
  const inserted = await repo.insertLecturers(
    ctx.db,
    records.map(({ username: _u, ...r }) => ({ ...r, photoFileId: null, ...searchColumnsOfLecturer(r), archived: false, createdAt: now, updatedAt: now })),
  );
  const idByEmail = new Map(inserted.map((r) => [r.email, r.id]));
  const created = await accounts.createPersonAccountsInBulk(
    ctx,
    records.map((r) => ({ role: 'lecturer' as const, username: r.username, firstName: r.firstName, lastName: r.lastName, lecturerId: idByEmail.get(r.email)!, isAdmin: r.isAdmin })),
    { reserved: options.reservedUsernames },
  );
  await recordAuditMany(
    ctx,
    records.map((r, i) => ({ action: 'lecturer.created', entity: 'lecturer', entityId: idByEmail.get(r.email)!, after: { ...auditable(r), username: created[i]!.username, via: 'import' } })),
  );
  return records.map((r, i) => ({ id: idByEmail.get(r.email)!, email: r.email, name: `${r.firstName} ${r.lastName}`, username: created[i]!.username, oneTimePassword: created[i]!.oneTimePassword }));
}

export async function updateLecturersInBulk(ctx: ServiceContext, updates: readonly { id: number; before: LecturerImportRecord; changes: Partial<LecturerImportRecord> }[]) {
  authorize(ctx.actor, 'lecturers.manage');
  const now = ctx.clock.now();
  for (const u of updates) {
    const next = { ...u.before, ...u.changes };
    if (u.changes.isAdmin !== undefined) {
      const account = await accounts.accountOfPerson(ctx, { lecturerId: u.id });
      if (account) await accounts.setAccountAdminFlag(ctx, account.id, u.changes.isAdmin);
    }
    await repo.updateLecturer(ctx.db, u.id, { ...u.changes, ...searchColumnsOfLecturer(next), updatedAt: now });
    if (u.changes.firstName !== undefined || u.changes.lastName !== undefined) await accounts.renamePersonAccount(ctx, { lecturerId: u.id }, next);
  }
  await recordAuditMany(
    ctx,
    updates.map((u) => ({
      action: 'lecturer.updated',
      entity: 'lecturer',
      entityId: u.id,
      before: Object.fromEntries(Object.keys(u.changes).map((k) => [k, u.before[k as keyof LecturerImportRecord]])),
      after: { ...u.changes, via: 'import' },
    })),
  );
}
