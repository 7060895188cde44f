// Subjects: what the department teaches, the groups that take each, and who teaches it to which
// group (teaching). Admins create and run them; a subject's lecturers describe it and keep its
// materials (materials.ts); students see their group's subjects.
import { authorize, can, mayTeachSubject, subjectScope, type Actor } from '../../access.js';
import { signedInActor, type ServiceContext } from '../../context.js';
import { keyedWrite, nameTaken } from '../../db/unique-names.js';
import { decodeCursor, encodeCursor } from '../../lib/cursor.js';
import { Forbidden, Invalid, NotFound, type FieldMessages } from '../../lib/errors.js';
import { auditSnapshot, storedValues } from '../../lib/record-fields.js';
import { uniqueNameKey } from '../../lib/text-rules.js';
import { validate } from '../../lib/validation.js';
import { recordAudit } from '../audit/service.js';
import { subjectFields } from './fields.js';
import * as repo from './repository.js';
import { CreateSubjectInput, ListSubjectsQuery, MAX_SUBJECT_GROUPS, UpdateSubjectInput } from './schemas.js';

/** A page of the subjects list: each subject brings its groups (25 at `large`), so 50, not 100 (bench/RESULTS.md). */
export const SUBJECTS_PAGE_SIZE = 50;

export interface Named {
  id: number;
  name: string;
}

export interface SubjectView {
  id: number;
  name: string;
  description: string;
  archived: boolean;
  groups: Named[];
  lecturers: Named[];
  teaching: { groupId: number; lecturerId: number }[];
  createdAt: Date;
  updatedAt: Date;
}

type SubjectRow = NonNullable<Awaited<ReturnType<typeof repo.findSubject>>>;

/** The subjects' rows with their groups and teaching, read in two statements for the whole page. */
async function views(ctx: Pick<ServiceContext, 'db'>, rows: SubjectRow[]): Promise<SubjectView[]> {
  const ids = rows.map((r) => r.id);
  const [groups, teaching] = await Promise.all([repo.groupsOfSubjects(ctx.db, ids), repo.teachingOfSubjects(ctx.db, ids)]);
  // By subject once: a page of 500 subjects brings about 25,000 rows of each.
  const groupsOf = new Map<number, Named[]>();
  for (const g of groups) groupsOf.set(g.subjectId, [...(groupsOf.get(g.subjectId) ?? []), { id: g.id, name: g.name }]);
  const teachingOf = new Map<number, typeof teaching>();
  for (const t of teaching) teachingOf.set(t.subjectId, [...(teachingOf.get(t.subjectId) ?? []), t]);
  return rows.map((row) => {
    const lecturers = new Map<number, string>();
    const pairs: { groupId: number; lecturerId: number }[] = [];
    for (const t of teachingOf.get(row.id) ?? []) {
      lecturers.set(t.lecturerId, `${t.lastName} ${t.firstName}`);
      pairs.push({ groupId: t.groupId, lecturerId: t.lecturerId });
    }
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      archived: row.archived,
      groups: groupsOf.get(row.id) ?? [],
      lecturers: [...lecturers].map(([id, name]) => ({ id, name })),
      teaching: pairs,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  });
}

export async function listSubjects(ctx: ServiceContext, query: unknown): Promise<{ items: SubjectView[]; nextCursor: string | null }> {
  const actor = signedInActor(ctx);
  authorize(actor, 'subjects.view');
  const { q, archived = false, limit = SUBJECTS_PAGE_SIZE, cursor } = validate(ListSubjectsQuery, query);
  const after = cursor ? decodeCursor(cursor, ['string', 'id']) : null;
  const rows = await repo.listSubjects(ctx.db, subjectScope(actor), {
    q: q || undefined,
    // Past terms' subjects are the admins' to list; lecturers and students see the running ones.
    archived: archived && can(actor, 'subjects.manage'),
    limit: limit + 1,
    after: after ? { name: String(after[0]), id: Number(after[1]) } : undefined,
  });
  const items = await views(ctx, rows.slice(0, limit));
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.name, last.id]) : null };
}

export async function getSubject(ctx: ServiceContext, id: number): Promise<SubjectView> {
  const actor = signedInActor(ctx);
  authorize(actor, 'subjects.view');
  const row = await repo.findSubject(ctx.db, subjectScope(actor), id);
  if (!row) throw new NotFound('No such subject.');
  return (await views(ctx, [row]))[0]!;
}

/**
 * The subjects, active or archived, whose names fold to these keys (lib/text-rules uniqueNameKey):
 * what an import's rows name, looked up by the unique key's index, 500 keys a statement.
 */
export async function findSubjectsForImport(ctx: ServiceContext, nameKeys: readonly string[]): Promise<SubjectView[]> {
  authorize(ctx.actor, 'subjects.manage');
  const keys = [...new Set(nameKeys)];
  const found: SubjectView[] = [];
  for (let i = 0; i < keys.length; i += 500) found.push(...(await views(ctx, await repo.findSubjectsByKeys(ctx.db, keys.slice(i, i + 500)))));
  return found;
}

/** How many subjects are running: an import's "a fifth of them" is of these. */
export async function countActiveSubjects(ctx: ServiceContext): Promise<number> {
  authorize(ctx.actor, 'subjects.manage');
  return repo.countActiveSubjects(ctx.db);
}

/** Whether the actor may describe the subject and keep its materials (admins, its lecturers). */
export function mayTeach(actor: Actor, subject: SubjectView): boolean {
  return mayTeachSubject(actor, actor.lecturerId !== null && subject.teaching.some((t) => t.lecturerId === actor.lecturerId));
}

async function assertNameFree(ctx: ServiceContext, name: string, exceptId?: number) {
  const [existing] = await repo.findSubjectsNamed(ctx.db, uniqueNameKey(name), name);
  if (existing && existing.id !== exceptId) throw nameTaken('subject', existing, name);
}

const NO_GROUPS_TO_TEACH = 'Choose the groups that take the subject first: lecturers teach it to groups.';

/** Checks that every group and lecturer id names an active one; the messages name what to fix. */
async function checkTeaching(ctx: ServiceContext, groupIds: readonly number[], lecturerIds: readonly number[]): Promise<FieldMessages> {
  const fields: FieldMessages = {};
  const [groups, lecturers] = await Promise.all([repo.activeGroupsAmong(ctx.db, groupIds), repo.activeLecturersAmong(ctx.db, lecturerIds)]);
  const unknownGroups = groupIds.filter((id) => !groups.some((g) => g.id === id));
  if (unknownGroups.length) fields.groupIds = `No active group has the id ${unknownGroups.join(', ')}; choose from the groups list.`;
  const unknownLecturers = lecturerIds.filter((id) => !lecturers.some((l) => l.id === id));
  if (unknownLecturers.length) fields.lecturerIds = `No active lecturer has the id ${unknownLecturers.join(', ')}; choose from the lecturers list.`;
  return fields;
}

/**
 * The teaching that follows from a new list of groups and lecturers: a pair already there stays
 * while both its lecturer and its group are still listed (a finer assignment from an import is
 * kept), a lecturer newly listed teaches every listed group, and a group newly listed is taught by
 * every listed lecturer.
 */
export function teachingFor(
  before: readonly { groupId: number; lecturerId: number }[],
  beforeGroups: readonly number[],
  beforeLecturers: readonly number[],
  groupIds: readonly number[],
  lecturerIds: readonly number[],
) {
  const kept = before.filter((p) => groupIds.includes(p.groupId) && lecturerIds.includes(p.lecturerId));
  const pairs = new Map(kept.map((p) => [`${p.lecturerId}:${p.groupId}`, p]));
  for (const lecturerId of lecturerIds)
    for (const groupId of groupIds) {
      const isNew = !beforeLecturers.includes(lecturerId) || !beforeGroups.includes(groupId);
      if (isNew) pairs.set(`${lecturerId}:${groupId}`, { lecturerId, groupId });
    }
  return [...pairs.values()];
}

/** What the audit trail keeps of a subject: its fields, groups, lecturers and archive flag. */
function auditable(subject: SubjectView) {
  return {
    ...auditSnapshot(subjectFields, subject),
    groups: subject.groups.map((g) => g.name).join(', '),
    lecturers: subject.lecturers.map((l) => l.name).join(', '),
    archived: subject.archived,
  };
}

export async function createSubject(ctx: ServiceContext, input: unknown): Promise<SubjectView> {
  authorize(ctx.actor, 'subjects.manage');
  const checked = validate(CreateSubjectInput, input);
  const data = storedValues(subjectFields, checked) as { name: string; description?: string };
  const groupIds = checked.groupIds ?? [];
  const lecturerIds = checked.lecturerIds ?? [];
  const problems = await checkTeaching(ctx, groupIds, lecturerIds);
  if (lecturerIds.length > 0 && groupIds.length === 0) problems.lecturerIds = NO_GROUPS_TO_TEACH;
  if (Object.keys(problems).length) throw new Invalid('Check the highlighted fields.', problems);
  await assertNameFree(ctx, data.name);
  const now = ctx.clock.now();
  const { id } = await keyedWrite('subject', data.name, () =>
    repo.insertSubject(ctx.db, { name: data.name, nameKey: uniqueNameKey(data.name), description: data.description ?? '', archived: false, createdAt: now, updatedAt: now }),
  );
  await repo.setSubjectGroups(ctx.db, id, groupIds);
  await repo.setTeaching(ctx.db, id, teachingFor([], [], [], groupIds, lecturerIds));
  const subject = await getSubject(ctx, id);
  await recordAudit(ctx, { action: 'subject.created', entity: 'subject', entityId: id, after: auditable(subject) });
  return subject;
}

export async function updateSubject(ctx: ServiceContext, id: number, input: unknown): Promise<SubjectView> {
  // A subject out of the actor's sight is "not found" before their right to change it is asked.
  const before = await getSubject(ctx, id);
  const actor = signedInActor(ctx);
  if (!mayTeach(actor, before)) throw new Forbidden();
  const checked = validate(UpdateSubjectInput, input);
  const data = storedValues(subjectFields, checked) as { name?: string; description?: string };
  const groupsChange = checked.groupIds !== undefined || checked.lecturerIds !== undefined;
  const renames = data.name !== undefined && data.name !== before.name;
  // Its lecturers describe a subject; what it is called and who takes and teaches it are the admins'.
  if ((renames || groupsChange) && !can(actor, 'subjects.manage'))
    throw new Forbidden('Only an admin may rename a subject or change its groups and lecturers; you may change its description.');
  const beforeGroups = before.groups.map((g) => g.id);
  const beforeLecturers = before.lecturers.map((l) => l.id);
  const groupIds = checked.groupIds ?? beforeGroups;
  const lecturerIds = checked.lecturerIds ?? beforeLecturers;
  if (groupsChange) {
    // Groups and lecturers already there may since have been archived; only new ones must be active.
    const problems = await checkTeaching(
      ctx,
      groupIds.filter((g) => !beforeGroups.includes(g)),
      lecturerIds.filter((l) => !beforeLecturers.includes(l)),
    );
    if (lecturerIds.length > 0 && groupIds.length === 0) problems.lecturerIds = NO_GROUPS_TO_TEACH;
    if (Object.keys(problems).length) throw new Invalid('Check the highlighted fields.', problems);
  }
  if (renames) await assertNameFree(ctx, data.name!, id);
  const changes = {
    ...(renames ? { name: data.name!, nameKey: uniqueNameKey(data.name!) } : {}),
    ...(data.description !== undefined && data.description !== before.description ? { description: data.description } : {}),
  };
  const sameSet = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x) => b.includes(x));
  const teachingChanges = groupsChange && !(sameSet(groupIds, beforeGroups) && sameSet(lecturerIds, beforeLecturers));
  if (Object.keys(changes).length === 0 && !teachingChanges) return before;
  await keyedWrite('subject', changes.name, () => repo.updateSubject(ctx.db, id, { ...changes, updatedAt: ctx.clock.now() }));
  if (teachingChanges) {
    await repo.setSubjectGroups(ctx.db, id, groupIds);
    await repo.setTeaching(ctx.db, id, teachingFor(before.teaching, beforeGroups, beforeLecturers, groupIds, lecturerIds));
  }
  const after = await repo.findSubject(ctx.db, { kind: 'all' }, id).then((row) => views(ctx, [row!]).then((v) => v[0]!));
  await recordAudit(ctx, { action: 'subject.updated', entity: 'subject', entityId: id, before: auditable(before), after: auditable(after) });
  return after;
}

/** Archived subjects (past terms) leave the lists of lecturers and students; their records stay. */
export async function archiveSubject(ctx: ServiceContext, id: number, archived = true): Promise<SubjectView> {
  const before = await getSubject(ctx, id);
  authorize(ctx.actor, 'subjects.manage');
  if (before.archived === archived) return before;
  await repo.updateSubject(ctx.db, id, { archived, updatedAt: ctx.clock.now() });
  await recordAudit(ctx, { action: archived ? 'subject.archived' : 'subject.restored', entity: 'subject', entityId: id, before: { archived: before.archived }, after: { archived } });
  return { ...before, archived };
}

/** "CS-101: Horvat Ivan, Petrova Ana; MA-101: Horvat Ivan": who teaches which group, for the audit trail. */
function teachingInWords(subject: SubjectView): string {
  const lecturer = new Map(subject.lecturers.map((l) => [l.id, l.name]));
  return subject.groups
    .map((g) => ({ group: g.name, by: subject.teaching.filter((t) => t.groupId === g.id).map((t) => lecturer.get(t.lecturerId) ?? `#${t.lecturerId}`) }))
    .filter((g) => g.by.length > 0)
    .map((g) => `${g.group}: ${g.by.join(', ')}`)
    .join('; ');
}

/**
 * Makes a subject's groups, and who teaches it to which of them, exactly these: an import's
 * Teaching column, where a lecturer takes some of the subject's groups and not others (the form's
 * lists give every listed lecturer every listed group, by teachingFor). Its lecturers are those the
 * pairs name. Admins only; groups and lecturers the subject already has may since have been
 * archived, new ones must be active; every pair's group must be one of `groupIds`.
 */
export async function setSubjectTeaching(
  ctx: ServiceContext,
  id: number,
  input: { groupIds: readonly number[]; teaching: readonly { groupId: number; lecturerId: number }[] },
): Promise<SubjectView> {
  const before = await getSubject(ctx, id);
  authorize(ctx.actor, 'subjects.manage');
  const groupIds = [...new Set(input.groupIds)];
  const pairs = [...new Map(input.teaching.map((p) => [`${p.lecturerId}:${p.groupId}`, { lecturerId: p.lecturerId, groupId: p.groupId }])).values()];
  const lecturerIds = [...new Set(pairs.map((p) => p.lecturerId))];
  const beforeGroups = before.groups.map((g) => g.id);
  const beforeLecturers = before.lecturers.map((l) => l.id);
  const problems: FieldMessages = {};
  if (groupIds.length > MAX_SUBJECT_GROUPS) problems.groupIds = `Give at most ${MAX_SUBJECT_GROUPS} groups (${groupIds.length} were given).`;
  if (lecturerIds.length > MAX_SUBJECT_GROUPS) problems.lecturerIds = `Give at most ${MAX_SUBJECT_GROUPS} lecturers (${lecturerIds.length} were given).`;
  if ([...groupIds, ...lecturerIds].some((n) => !Number.isSafeInteger(n) || n < 1)) problems.teaching = 'Name groups and lecturers by their ids (whole numbers from 1).';
  const stray = [...new Set(pairs.filter((p) => !groupIds.includes(p.groupId)).map((p) => p.groupId))];
  if (stray.length) problems.teaching = `Lecturers teach a subject to its own groups: add the group id ${stray.join(', ')} to its groups, or take it out of the teaching.`;
  if (Object.keys(problems).length === 0)
    Object.assign(
      problems,
      await checkTeaching(
        ctx,
        groupIds.filter((g) => !beforeGroups.includes(g)),
        lecturerIds.filter((l) => !beforeLecturers.includes(l)),
      ),
    );
  if (Object.keys(problems).length) throw new Invalid('Check the highlighted fields.', problems);
  const key = (p: { lecturerId: number; groupId: number }) => `${p.lecturerId}:${p.groupId}`;
  const sameSet = (a: readonly (string | number)[], b: readonly (string | number)[]) => a.length === b.length && a.every((x) => b.includes(x));
  if (sameSet(groupIds, beforeGroups) && sameSet(pairs.map(key), before.teaching.map(key))) return before;
  await repo.setSubjectGroups(ctx.db, id, groupIds);
  await repo.setTeaching(ctx.db, id, pairs);
  await repo.updateSubject(ctx.db, id, { updatedAt: ctx.clock.now() });
  const after = await repo.findSubject(ctx.db, { kind: 'all' }, id).then((row) => views(ctx, [row!]).then((v) => v[0]!));
  await recordAudit(ctx, {
    action: 'subject.updated',
    entity: 'subject',
    entityId: id,
    before: { ...auditable(before), teaching: teachingInWords(before) },
    after: { ...auditable(after), teaching: teachingInWords(after) },
  });
  return after;
}
