import type { Insertable, SelectQueryBuilder, Updateable } from 'kysely';
import type { SubjectScope } from '../../access.js';
import type { Db } from '../../db/index.js';
import type { Database, SubjectMaterialsTable, SubjectsTable } from '../../db/schema.js';
import { containsIgnoringCase } from '../../db/search.js';

/** The subjects in the scope: a lecturer's through teaching, a student's through their group. */
function scoped<O>(query: SelectQueryBuilder<Database, 'subjects', O>, scope: SubjectScope) {
  switch (scope.kind) {
    case 'all':
      return query;
    case 'taughtBy':
      return query.where('subjects.id', 'in', (eb) => eb.selectFrom('teaching').select('teaching.subjectId').where('teaching.lecturerId', '=', scope.lecturerId));
    case 'takenBy':
      return query.where('subjects.id', 'in', (eb) =>
        eb
          .selectFrom('subjectGroups')
          .select('subjectGroups.subjectId')
          .where('subjectGroups.groupId', '=', (s) => s.selectFrom('students').select('students.groupId').where('students.id', '=', scope.studentId)),
      );
    case 'none':
      return query.where((eb) => eb.val(false));
  }
}

const columns = ['subjects.id', 'subjects.name', 'subjects.description', 'subjects.archived', 'subjects.createdAt', 'subjects.updatedAt'] as const;

export function listSubjects(db: Db, scope: SubjectScope, filter: { q?: string; archived: boolean; limit: number; after?: { name: string; id: number } }) {
  // Everyone's list walks the name index of the archived flag; a lecturer's or a student's starts
  // from their few subjects instead (NOT keeps SQLite off the flag's index, which reads them all).
  let query = scoped(db.selectFrom('subjects').select(columns), scope).where((eb) =>
    scope.kind === 'all' ? eb('subjects.archived', '=', filter.archived) : filter.archived ? eb.ref('subjects.archived') : eb.not(eb.ref('subjects.archived')),
  );
  // A department has hundreds of subjects, not 100,000: a substring test over their names is cheap.
  if (filter.q) query = query.where((eb) => containsIgnoringCase(eb.ref('subjects.name'), filter.q!));
  if (filter.after) {
    const { name, id } = filter.after;
    query = query.where((eb) => eb(eb.refTuple('subjects.name', 'subjects.id'), '>', eb.tuple(name, id)));
  }
  return query.orderBy('subjects.name').orderBy('subjects.id').limit(filter.limit).execute();
}

export function findSubject(db: Db, scope: SubjectScope, id: number) {
  return scoped(db.selectFrom('subjects').select(columns), scope).where('subjects.id', '=', id).executeTakeFirst();
}

/** The subjects (active and archived) whose folded name keys are among these, with the page's columns. */
export function findSubjectsByKeys(db: Db, nameKeys: readonly string[]) {
  if (nameKeys.length === 0) return Promise.resolve([]);
  return db.selectFrom('subjects').select(columns).where('subjects.nameKey', 'in', nameKeys).execute();
}

/** How many subjects are running (not archived). */
export async function countActiveSubjects(db: Db): Promise<number> {
  const row = await db.selectFrom('subjects').select((eb) => eb.fn.countAll<number>().as('n')).where((eb) => eb.not(eb.ref('subjects.archived'))).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Subjects whose name has this folded key (one, or old look-alikes), in the whole department. */
export function findSubjectsNamed(db: Db, nameKey: string, name: string) {
  return db
    .selectFrom('subjects')
    .select(['id', 'name', 'archived'])
    .where((eb) => eb.or([eb('nameKey', '=', nameKey), eb('name', '=', name)]))
    .orderBy('id')
    .execute();
}

/** The groups of these subjects, by name. */
export function groupsOfSubjects(db: Db, subjectIds: readonly number[]) {
  if (subjectIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('subjectGroups')
    .innerJoin('groups', 'groups.id', 'subjectGroups.groupId')
    .select(['subjectGroups.subjectId', 'groups.id', 'groups.name', 'groups.archived'])
    .where('subjectGroups.subjectId', 'in', subjectIds)
    .orderBy('groups.name')
    .execute();
}

/** Who teaches these subjects to which group, with the lecturers' names. */
export function teachingOfSubjects(db: Db, subjectIds: readonly number[]) {
  if (subjectIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('teaching')
    .innerJoin('lecturers', 'lecturers.id', 'teaching.lecturerId')
    .select(['teaching.subjectId', 'teaching.groupId', 'teaching.lecturerId', 'lecturers.lastName', 'lecturers.firstName', 'lecturers.sortName'])
    .where('teaching.subjectId', 'in', subjectIds)
    .orderBy('lecturers.sortName')
    .orderBy('teaching.lecturerId')
    .execute();
}

export async function insertSubject(db: Db, subject: Insertable<SubjectsTable>) {
  return db.insertInto('subjects').values(subject).returning('id').executeTakeFirstOrThrow();
}

export async function updateSubject(db: Db, id: number, changes: Updateable<SubjectsTable>) {
  await db.updateTable('subjects').set(changes).where('id', '=', id).execute();
}

/** Makes the subject's groups exactly these. */
export async function setSubjectGroups(db: Db, subjectId: number, groupIds: readonly number[]) {
  await db.deleteFrom('subjectGroups').where('subjectId', '=', subjectId).$if(groupIds.length > 0, (q) => q.where('groupId', 'not in', groupIds)).execute();
  if (groupIds.length === 0) return;
  const present = new Set((await db.selectFrom('subjectGroups').select('groupId').where('subjectId', '=', subjectId).execute()).map((r) => r.groupId));
  const missing = groupIds.filter((g) => !present.has(g));
  if (missing.length) await db.insertInto('subjectGroups').values(missing.map((groupId) => ({ subjectId, groupId }))).execute();
}

/** Makes the subject's teaching exactly these (lecturer, group) pairs. */
export async function setTeaching(db: Db, subjectId: number, pairs: readonly { lecturerId: number; groupId: number }[]) {
  const existing = await db.selectFrom('teaching').select(['id', 'lecturerId', 'groupId']).where('subjectId', '=', subjectId).execute();
  const key = (p: { lecturerId: number; groupId: number }) => `${p.lecturerId}:${p.groupId}`;
  const wanted = new Set(pairs.map(key));
  const gone = existing.filter((p) => !wanted.has(key(p))).map((p) => p.id);
  if (gone.length) await db.deleteFrom('teaching').where('id', 'in', gone).execute();
  const have = new Set(existing.map(key));
  const added = pairs.filter((p) => !have.has(key(p)));
  if (added.length) await db.insertInto('teaching').values(added.map((p) => ({ subjectId, ...p }))).execute();
}

/** Active groups among these ids (a subject is given only groups that exist and are not archived). */
export function activeGroupsAmong(db: Db, ids: readonly number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('groups').select(['id', 'name']).where('id', 'in', ids).where('archived', '=', false).execute();
}

/** Active lecturers among these ids. */
export function activeLecturersAmong(db: Db, ids: readonly number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('lecturers').select(['id', 'lastName', 'firstName']).where('id', 'in', ids).where('archived', '=', false).execute();
}

const materialColumns = [
  'subjectMaterials.id',
  'subjectMaterials.subjectId',
  'subjectMaterials.title',
  'subjectMaterials.createdAt',
  'subjectMaterials.updatedAt',
  'files.id as fileId',
  'files.originalName',
  'files.contentType',
  'files.size',
  'files.sha256',
  'files.storageKey',
  'files.createdAt as fileCreatedAt',
] as const;

/** The materials of these subjects, newest first within each. */
export function materialsOfSubjects(db: Db, subjectIds: readonly number[]) {
  if (subjectIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('subjectMaterials')
    .innerJoin('files', 'files.id', 'subjectMaterials.fileId')
    .select(materialColumns)
    .where('subjectMaterials.subjectId', 'in', subjectIds)
    .orderBy('subjectMaterials.subjectId')
    .orderBy('subjectMaterials.createdAt', 'desc')
    .orderBy('subjectMaterials.id', 'desc')
    .execute();
}

/** One material, if its subject is in the scope. */
export function findMaterial(db: Db, scope: SubjectScope, id: number) {
  return db
    .selectFrom('subjectMaterials')
    .innerJoin('files', 'files.id', 'subjectMaterials.fileId')
    .select(materialColumns)
    .where('subjectMaterials.id', '=', id)
    .where('subjectMaterials.subjectId', 'in', (eb) => scoped(eb.selectFrom('subjects').select('subjects.id'), scope))
    .executeTakeFirst();
}

export async function insertMaterial(db: Db, material: Insertable<SubjectMaterialsTable>) {
  return db.insertInto('subjectMaterials').values(material).returning('id').executeTakeFirstOrThrow();
}

export async function updateMaterial(db: Db, id: number, changes: Updateable<SubjectMaterialsTable>) {
  await db.updateTable('subjectMaterials').set(changes).where('id', '=', id).execute();
}

export async function deleteMaterial(db: Db, id: number) {
  await db.deleteFrom('subjectMaterials').where('id', '=', id).execute();
}
