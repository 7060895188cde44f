import type { GroupScope } from '../../access.js';
import type { Db } from '../../db/index.js';
import type { GroupsTable } from '../../db/schema.js';
import { containsIgnoringCase, containsInLowerCase } from '../../db/search.js';
import type { Insertable, SelectQueryBuilder, Updateable } from 'kysely';
import type { Database } from '../../db/schema.js';

function scoped<O>(query: SelectQueryBuilder<Database, 'groups', O>, scope: GroupScope) {
  switch (scope.kind) {
    case 'all':
      return query;
    case 'taughtBy':
      return query.where('groups.id', 'in', (eb) => eb.selectFrom('teaching').select('teaching.groupId').where('teaching.lecturerId', '=', scope.lecturerId));
    case 'memberOf':
      return query.where('groups.id', 'in', (eb) => eb.selectFrom('students').select('students.groupId').where('students.id', '=', scope.studentId));
    case 'none':
      return query.where((eb) => eb.val(false));
  }
}

function withCounts(db: Db) {
  return db
    .selectFrom('groups')
    .selectAll('groups')
    .select((eb) =>
      eb
        .selectFrom('students')
        .select((s) => s.fn.countAll<number>().as('n'))
        .whereRef('students.groupId', '=', 'groups.id')
        .where('students.archived', '=', false)
        .as('studentCount'),
    );
}

export async function listGroups(
  db: Db,
  scope: GroupScope,
  filter: { q?: string; archived: boolean; limit: number; after?: { name: string; id: number } },
) {
  let query = scoped(withCounts(db), scope).where('groups.archived', '=', filter.archived);
  if (filter.q) query = query.where((eb) => containsIgnoringCase(eb.ref('groups.name'), filter.q!));
  if (filter.after) {
    const { name, id } = filter.after;
    query = query.where((eb) => eb(eb.refTuple('groups.name', 'groups.id'), '>', eb.tuple(name, id)));
  }
  return query.orderBy('groups.name').orderBy('groups.id').limit(filter.limit).execute();
}

export function findGroup(db: Db, scope: GroupScope, id: number) {
  return scoped(withCounts(db), scope).where('groups.id', '=', id).executeTakeFirst();
}

export function insertGroup(db: Db, group: Insertable<GroupsTable> & { nameKey: string }) {
  return db.insertInto('groups').values(group).returning('id').executeTakeFirstOrThrow();
}

export async function updateGroup(db: Db, id: number, changes: Updateable<GroupsTable> & { nameKey?: string }) {
  await db.updateTable('groups').set(changes).where('id', '=', id).execute();
}

/** A group as a picker shows it: enough to name it, with no count of its students. */
const choiceColumns = ['groups.id', 'groups.name', 'groups.archived'] as const;

/**
 * Groups in the scope whose folded name (the name key; the name in lower case for an old
 * look-alike without one) contains any of `keys`, by name, at most `limit`. No keys: the first
 * groups by name. The names index gives the order, so the scan stops at `limit` matches.
 */
export function findGroupChoices(db: Db, scope: GroupScope, filter: { keys: readonly string[]; archived: false | 'either'; limit: number }) {
  let query = scoped(db.selectFrom('groups').select(choiceColumns), scope);
  if (filter.archived === false) query = query.where('groups.archived', '=', false);
  if (filter.keys.length > 0) {
    query = query.where((eb) => eb.or(filter.keys.map((key) => containsInLowerCase(eb.fn.coalesce('groups.nameKey', eb.fn('lower', ['groups.name'])), key))));
  }
  return query.orderBy('groups.name').orderBy('groups.id').limit(filter.limit).execute();
}

/**
 * The groups in the scope named `name` once folded (`key`), archived ones too, or exactly `name`
 * (an old look-alike without a key, or a row written without one): at most two, the oldest first.
 */
export function findGroupsNamed(db: Db, scope: GroupScope, key: string, name: string) {
  return scoped(db.selectFrom('groups').select(choiceColumns), scope)
    .where((eb) => eb.or([eb('groups.nameKey', '=', key), eb('groups.name', '=', name)]))
    .orderBy('groups.id')
    .limit(2)
    .execute();
}

/** The group in the scope with this id (archived ones too), as a picker shows it. */
export function findGroupChoice(db: Db, scope: GroupScope, id: number) {
  return scoped(db.selectFrom('groups').select(choiceColumns), scope).where('groups.id', '=', id).executeTakeFirst();
}

/** Every group's id by its name, for imports (a department has thousands, not millions). */
export function allGroupNames(db: Db) {
  return db.selectFrom('groups').select(['id', 'name', 'archived']).orderBy('name').execute();
}
