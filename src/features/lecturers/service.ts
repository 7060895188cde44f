// Lecturers: their records, accounts (with the admin flag) and photos. Admins see and manage all;
// a lecturer sees their own record.
import { authorize, can, lecturerScope } from '../../access.js';
import { signedInActor, type ServiceContext } from '../../context.js';
import { decodeOrderedCursor, encodeOrderedCursor } from '../../lib/cursor.js';
import { Conflict, Forbidden, Invalid, NotFound, type FieldMessages } from '../../lib/errors.js';
import Type from 'typebox';
import { fold, foldQuery, searchTextOf, sortNameOf } from '../../lib/people.js';
import { auditSnapshot, importComparedFields, newRecordValues, storedOf, storedValues, type NewRecord, type StoredRecord } from '../../lib/record-fields.js';
import { validate, validateAndCheck } from '../../lib/validation.js';
import * as accounts from '../accounts/service.js';
import type { SessionStore } from '../../session-store.js';
import { formIdNotYetUsed, recordAudit, recordAuditMany } from '../audit/service.js';
import { preparePeopleSearch } from '../../db/people-search.js';
import { COUNT_AHEAD } from '../../db/record-counts.js';
import * as repo from './repository.js';
import { lecturerFields } from './fields.js';
import { CreateLecturerInput, ListLecturersQuery, TypedLecturer, UpdateLecturerInput, type LecturerSort } from './schemas.js';

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
  naming: accounts.UsernameNaming = {},
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
    naming,
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

// ---- pickers -----------------------------------------------------------------------------------
// Forms where an admin chooses lecturers (a subject's teachers) offer a type-ahead, never a list of
// every lecturer: 3,000 at `large`. A choice is shown and typed as its label, which names one
// lecturer however many share a name; the forms send the text, and these functions say whom it names.

/** Where a lecturer picker fetches its suggestions (routes.tsx, GET /lecturers/choices). */
export const LECTURER_CHOICES_ADDRESS = '/lecturers/choices';

/** A lecturer as a picker offers them. */
export interface LecturerChoice {
  id: number;
  /** lecturerChoiceLabel: what the picker shows and what typing it back names. */
  label: string;
  archived: boolean;
}

/** How many lecturers a picker suggests at once: the page stays the same size with 3,000 lecturers. */
export const LECTURER_CHOICES_SHOWN = 20;

/** How many close matches a text that named no lecturer is answered with. */
const LECTURER_MATCHES_SHOWN = 10;

/** How many lines a field of lecturers (one a line) may hold: a subject has a handful, never hundreds. */
/** As many as a subject may have (subjects/schemas MAX_SUBJECT_GROUPS): a subject made by the API or an import can always be saved on its form. */
export const LECTURER_LINES_MAX = 200;

/**
 * "Horvat Ivan <ivan.horvat@example.edu>": surname first, as the lists sort, and the e-mail, which
 * is unique per lecturer, so two namesakes have different labels. A lecturer kept without an e-mail
 * (possible on the form, never by an import) is labelled by their record's id: "Horvat Ivan #42".
 */
export function lecturerChoiceLabel(l: { id: number; lastName: string; firstName: string; email: string | null }): string {
  const name = [l.lastName, l.firstName].filter(Boolean).join(' ');
  return l.email ? `${name} <${l.email}>` : `${name} #${l.id}`;
}

type ChoiceRow = Awaited<ReturnType<typeof repo.findLecturerChoices>>[number];

function choiceOf(row: ChoiceRow): LecturerChoice {
  return { id: row.id, label: lecturerChoiceLabel(row), archived: row.archived };
}

/** One typed lecturer, checked as the picker's schema checks it (lecturerNamed, lecturersNamed). */
const TypedLecturerInput = Type.Object({ lecturer: Type.Optional(TypedLecturer) });

/** What typed text holds: a label's or a bare e-mail, a label's id, and the name around them. */
interface TypedLecturerText {
  name: string;
  email: string | null;
  id: number | null;
}

function readTyped(text: string): TypedLecturerText {
  const typed = text.normalize('NFC').trim().replace(/\s+/g, ' ');
  const labelled = /^(.*?) ?<([^<>\s]+@[^<>\s]+)>$/.exec(typed);
  // E-mails are stored in lower case, fullwidth letters made plain (lib/person-fields Email).
  if (labelled) return { name: labelled[1]!, email: labelled[2]!.normalize('NFKC').toLowerCase(), id: null };
  if (/^[^\s<>@]+@[^\s<>@]+$/.test(typed)) return { name: '', email: typed.normalize('NFKC').toLowerCase(), id: null };
  const numbered = /^(.*?) ?#(\d{1,9})$/.exec(typed);
  if (numbered) return { name: numbered[1]!, email: null, id: Number(numbered[2]) };
  return { name: typed, email: null, id: null };
}

/**
 * The words a search looks for in typed text: a label's brackets and record number are no part of
 * any lecturer's search text, so a chosen label still finds its lecturer.
 */
function searchWordsOf(text: string): string | null {
  return foldQuery(text.replace(/[<>]/g, ' ').replace(/(^|\s)#\d+(?=\s|$)/g, ' '));
}

async function lecturerSearch(ctx: ServiceContext, words: string | null) {
  return preparePeopleSearch(ctx.db, 'lecturers.searchText', words);
}

/**
 * The active lecturers whose names, e-mails (or any other searched field: degree, position, phone)
 * hold every word of `text`, by name, at most LECTURER_CHOICES_SHOWN: what a lecturer picker
 * suggests as an admin types. Searched as the lecturers list searches (db/people-search.ts: case and
 * accents aside, through the trigram index). No text: the first lecturers by name.
 */
export async function lecturerChoices(ctx: ServiceContext, text = ''): Promise<LecturerChoice[]> {
  const actor = signedInActor(ctx);
  authorize(actor, 'lecturers.manage');
  const rows = await repo.findLecturerChoices(ctx.db, lecturerScope(actor), await lecturerSearch(ctx, searchWordsOf(text)), LECTURER_CHOICES_SHOWN);
  return rows.map(choiceOf);
}

/** The lecturers with these ids (archived ones too), by name, e.g. a subject's, for its form. */
export async function lecturerChoicesById(ctx: ServiceContext, ids: readonly number[]): Promise<LecturerChoice[]> {
  const actor = signedInActor(ctx);
  authorize(actor, 'lecturers.manage');
  const wanted = [...new Set(ids)].filter((id) => Number.isInteger(id) && id > 0);
  if (wanted.length === 0) return [];
  return (await repo.findLecturerChoicesByIds(ctx.db, lecturerScope(actor), wanted)).map(choiceOf);
}

/**
 * What typed text means: the lecturer it names, or else the active lecturers it comes close to.
 * `ambiguous`: the text is the full name of several active lecturers (the matches are they).
 */
export type LecturerLookup = { lecturer: LecturerChoice; matches: [] } | { lecturer: null; matches: LecturerChoice[]; ambiguous: boolean };

/** The name order keys "Horvat Ivan" or "Ivan Horvat" would have (lib/people sortNameOf), at each split. */
function sortNamesOf(name: string): string[] {
  const words = (foldQuery(name) ?? '').split(' ').filter(Boolean);
  const keys = new Set<string>();
  for (let i = 1; i < words.length; i++) {
    const [before, after] = [words.slice(0, i).join(' '), words.slice(i).join(' ')];
    keys.add(`${before}\u0001${after}`);
    keys.add(`${after}\u0001${before}`);
  }
  return [...keys];
}

/** Whether the name typed beside an e-mail or a record number is this lecturer's (every word in their search text). */
function nameFits(row: ChoiceRow, name: string): boolean {
  const words = (foldQuery(name) ?? '').split(' ').filter(Boolean);
  return words.every((word) => row.searchText.includes(word));
}

/**
 * The lecturer `text` names: by the e-mail in a label's <…> or a bare e-mail, by a label's #id (a
 * lecturer without an e-mail), archived lecturers too (a form says whether one may stay), when the
 * name beside it is theirs; or by an exact "Lastname Firstname" (or "Firstname Lastname"; case and
 * accents aside) that exactly one active lecturer has. Otherwise up to LECTURER_MATCHES_SHOWN
 * active lecturers close to it: those holding every word of it, else every word of the name beside
 * an e-mail, else the most of its words.
 */
export async function lecturerNamed(ctx: ServiceContext, text: string): Promise<LecturerLookup> {
  const actor = signedInActor(ctx);
  authorize(actor, 'lecturers.manage');
  const scope = lecturerScope(actor);
  const { lecturer: value } = validate(TypedLecturerInput, { lecturer: text });
  const typed = readTyped(value ?? '');
  if (!typed.name && typed.email === null && typed.id === null) return { lecturer: null, matches: [], ambiguous: false };
  const byKey = typed.email !== null ? await repo.findLecturerChoiceByEmail(ctx.db, scope, typed.email) : typed.id !== null ? await repo.findLecturerChoice(ctx.db, scope, typed.id) : undefined;
  if (byKey && nameFits(byKey, typed.name)) return { lecturer: choiceOf(byKey), matches: [] };
  if (typed.email === null && typed.id === null) {
    const namesakes = await repo.findActiveLecturersBySortName(ctx.db, scope, sortNamesOf(typed.name), LECTURER_MATCHES_SHOWN);
    if (namesakes.length === 1) return { lecturer: choiceOf(namesakes[0]!), matches: [] };
    if (namesakes.length > 1) return { lecturer: null, matches: namesakes.map(choiceOf), ambiguous: true };
  }
  // A label whose e-mail is someone else's: that someone is the likeliest meaning, so first.
  const close = await closeMatches(ctx, value ?? '', typed);
  const matches = byKey && !byKey.archived ? [byKey, ...close.filter((r) => r.id !== byKey.id)] : close;
  return { lecturer: null, matches: matches.slice(0, LECTURER_MATCHES_SHOWN).map(choiceOf), ambiguous: false };
}

/** lecturerNamed's close matches (see there), in the order they are offered. */
async function closeMatches(ctx: ServiceContext, text: string, typed: TypedLecturerText): Promise<ChoiceRow[]> {
  const scope = lecturerScope(signedInActor(ctx));
  const near = async (words: string | null, limit = LECTURER_MATCHES_SHOWN) => (words ? repo.findLecturerChoices(ctx.db, scope, await lecturerSearch(ctx, words), limit) : []);
  const allWords = searchWordsOf(text);
  let rows = await near(allWords);
  const nameWords = searchWordsOf(typed.name);
  if (rows.length === 0 && nameWords && nameWords !== allWords) rows = await near(nameWords);
  if (rows.length > 0) return rows;
  // "Horvat Ivna", "ivan.horvat@exmple.edu": the lecturers holding the most of its words (three
  // letters or more, which the trigram index finds; the four longest), then by name.
  const words = [...new Set(fold(text).split(/[^\p{L}\p{N}]+/u).filter((w) => [...w].length >= 3))].sort((a, b) => b.length - a.length).slice(0, 4);
  if (words.length === 0 || (words.length === 1 && words[0] === allWords)) return [];
  const found = new Map<number, ChoiceRow>();
  for (const word of words) for (const row of await near(word, 50)) found.set(row.id, row);
  const held = (row: ChoiceRow) => words.filter((w) => row.searchText.includes(w)).length;
  return [...found.values()]
    .sort((a, b) => held(b) - held(a) || (a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : a.id - b.id))
    .slice(0, LECTURER_MATCHES_SHOWN);
}

/** "A, B or C". */
function oneOf(labels: readonly string[]): string {
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}`;
}

/** Why a line names no lecturer, in words a form shows under the field. */
function lineProblem(line: number, text: string, lookup: Extract<LecturerLookup, { lecturer: null }>): string {
  const labels = lookup.matches.map((m) => m.label);
  if (lookup.ambiguous) return `Line ${line}: "${text}" is the name of more than one lecturer; choose one by e-mail: ${oneOf(labels)}.`;
  if (labels.length === 0) return `Line ${line}: no lecturer is named "${text}", and no lecturer's name or e-mail holds it or any of its words: check the spelling, or find the lecturer on the Lecturers page.`;
  return `Line ${line}: no lecturer is named "${text}". Did you mean ${oneOf(labels)}?`;
}

/**
 * A field of lecturers, one a line (a subject's teachers), read as lecturerNamed reads each line:
 * the ids named, in the order given, each once (blank lines skipped), and one message per line that
 * names nobody, is ambiguous or names an archived lecturer, starting "Line N:" (N counts every line,
 * so it is the line the person sees). `keep`: archived lecturers who may stay (already chosen, as a
 * student keeps an archived group); others are refused. Nothing is written: with errors, the form
 * is shown again.
 */
export async function lecturersNamed(ctx: ServiceContext, lines: readonly string[], options: { keep?: readonly number[] } = {}): Promise<{ ids: number[]; errors: string[] }> {
  authorize(signedInActor(ctx), 'lecturers.manage');
  const given = lines.filter((l) => l.trim() !== '').length;
  if (given > LECTURER_LINES_MAX) return { ids: [], errors: [`Give at most ${LECTURER_LINES_MAX} lecturers, one a line (${given} lines were given).`] };
  const keep = new Set(options.keep ?? []);
  const ids: number[] = [];
  const errors: string[] = [];
  for (const [index, line] of lines.entries()) {
    const text = line.trim();
    if (!text) continue;
    let lookup: LecturerLookup;
    try {
      lookup = await lecturerNamed(ctx, text);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      errors.push(`Line ${index + 1}: ${Object.values(error.fields)[0] ?? error.message}`);
      continue;
    }
    if (!lookup.lecturer) errors.push(lineProblem(index + 1, text, lookup));
    else if (lookup.lecturer.archived && !keep.has(lookup.lecturer.id)) errors.push(`Line ${index + 1}: ${lookup.lecturer.label} is archived; choose an active lecturer.`);
    else if (!ids.includes(lookup.lecturer.id)) ids.push(lookup.lecturer.id);
  }
  return { ids, errors };
}

/**
 * The groups a lecturer teaches (any subject), by name: a feature that decided the actor may know
 * them asks here (the groups a lecturer writes news for).
 */
export async function groupsTaughtByLecturer(ctx: Pick<ServiceContext, 'db'>, lecturerId: number): Promise<{ id: number; name: string }[]> {
  return (await repo.groupsTaughtBy(ctx.db, [lecturerId])).get(lecturerId) ?? [];
}

/**
 * The active lecturer with this id, named, or null: who may be named a thesis's supervisor. Any
 * signed-in actor may ask (a student proposing names theirs): the answer is a name, as the
 * subjects' cards show lecturers to students.
 */
export async function supervisorNamed(ctx: ServiceContext, id: number): Promise<{ id: number; name: string } | null> {
  signedInActor(ctx);
  const row = await repo.findLecturer(ctx.db, { kind: 'all' }, id);
  return row && !row.archived ? { id: row.id, name: `${row.firstName} ${row.lastName}` } : null;
}

/** The active lecturer with this e-mail, named, or null: a thesis's supervisor as a form names them. */
export async function supervisorWithEmail(ctx: ServiceContext, email: string): Promise<{ id: number; name: string } | null> {
  signedInActor(ctx);
  const [row] = await repo.findLecturersByEmails(ctx.db, [email.trim().toLowerCase()]);
  return row && !row.archived ? { id: row.id, name: `${row.firstName} ${row.lastName}` } : null;
}
