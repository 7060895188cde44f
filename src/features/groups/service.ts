// Groups (classes, cohorts): create, rename, describe, archive; lists with student counts.
import { authorize, can, groupScope } from '../../access.js';
import { signedInActor, type ServiceContext } from '../../context.js';
import { decodeCursor, encodeCursor } from '../../lib/cursor.js';
import { keyedWrite, nameTaken } from '../../db/unique-names.js';
import { NotFound } from '../../lib/errors.js';
import { auditSnapshot, storedValues } from '../../lib/record-fields.js';
import { uniqueNameKey } from '../../lib/text-rules.js';
import { validate } from '../../lib/validation.js';
import { recordAudit } from '../audit/service.js';
import { groupFields } from './fields.js';
import * as repo from './repository.js';
import { CreateGroupInput, ListGroupsQuery, UpdateGroupInput } from './schemas.js';

export const GROUPS_PAGE_SIZE = 100;

export interface GroupView {
  id: number;
  name: string;
  description: string;
  archived: boolean;
  studentCount: number;
  createdAt: Date;
  updatedAt: Date;
}

type GroupRow = NonNullable<Awaited<ReturnType<typeof repo.findGroup>>>;

function view(row: GroupRow): GroupView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    archived: row.archived,
    studentCount: Number(row.studentCount ?? 0),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function listGroups(ctx: ServiceContext, query: unknown) {
  const actor = signedInActor(ctx);
  const { q, archived = false, limit = GROUPS_PAGE_SIZE, cursor } = validate(ListGroupsQuery, query);
  const after = cursor ? decodeCursor(cursor, ['string', 'id']) : null;
  const rows = await repo.listGroups(ctx.db, groupScope(actor), {
    q: q || undefined,
    // Archived groups are the admins' to list; anyone else gets the active ones.
    archived: archived && can(actor, 'groups.manage'),
    limit: limit + 1,
    after: after ? { name: String(after[0]), id: Number(after[1]) } : undefined,
  });
  const items = rows.slice(0, limit).map(view);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.name, last.id]) : null };
}

/** Every group the list shows under its filter (name order), in batches, for an export. */
export async function* exportGroups(ctx: ServiceContext, query: unknown): AsyncGenerator<GroupView> {
  const { cursor: _cursor, limit: _limit, ...filter } = (query ?? {}) as Record<string, unknown>;
  let cursor: string | null = null;
  do {
    const result: Awaited<ReturnType<typeof listGroups>> = await listGroups(ctx, { ...filter, limit: 500, ...(cursor ? { cursor } : {}) });
    yield* result.items;
    cursor = result.nextCursor;
  } while (cursor);
}

export async function getGroup(ctx: ServiceContext, id: number): Promise<GroupView> {
  const row = await repo.findGroup(ctx.db, groupScope(signedInActor(ctx)), id);
  if (!row) throw new NotFound('No such group.');
  return view(row);
}

/**
 * Names are compared by their folded key (lib/text-rules uniqueNameKey), which a unique index also
 * holds (migration 0004): the key, not the name, is folded, so the name stays as it was typed.
 */
async function assertNameFree(ctx: ServiceContext, name: string, exceptId?: number) {
  // Among every group, not only those in the actor's sight: a name is unique in the department.
  const [existing] = await repo.findGroupsNamed(ctx.db, { kind: 'all' }, uniqueNameKey(name), name);
  if (existing && existing.id !== exceptId) throw nameTaken('group', existing, name);
}

export async function createGroup(ctx: ServiceContext, input: unknown): Promise<GroupView> {
  authorize(ctx.actor, 'groups.manage');
  const data = storedValues(groupFields, validate(CreateGroupInput, input)) as { name: string; description?: string };
  await assertNameFree(ctx, data.name);
  const now = ctx.clock.now();
  const { id } = await keyedWrite('group', data.name, () =>
    repo.insertGroup(ctx.db, { name: data.name, nameKey: uniqueNameKey(data.name), description: data.description ?? '', archived: false, createdAt: now, updatedAt: now }),
  );
  const group = await getGroup(ctx, id);
  await recordAudit(ctx, { action: 'group.created', entity: 'group', entityId: id, after: auditable(group) });
  return group;
}

/** The audit snapshot: the declared fields and whether the group is archived. */
function auditable(group: GroupView) {
  return { ...auditSnapshot(groupFields, group), archived: group.archived };
}

export async function updateGroup(ctx: ServiceContext, id: number, input: unknown): Promise<GroupView> {
  // A group out of the actor's sight is "not found" before their right to change it is asked.
  const before = await getGroup(ctx, id);
  authorize(ctx.actor, 'groups.manage');
  const data = storedValues(groupFields, validate(UpdateGroupInput, input)) as { name?: string; description?: string };
  if (data.name !== undefined && data.name !== before.name) await assertNameFree(ctx, data.name, id);
  const changes = {
    ...(data.name !== undefined ? { name: data.name } : {}),
    ...(data.description !== undefined ? { description: data.description } : {}),
  };
  if (Object.entries(changes).every(([k, v]) => before[k as keyof GroupView] === v)) return before;
  const key = changes.name !== undefined && changes.name !== before.name ? { nameKey: uniqueNameKey(changes.name) } : {};
  await keyedWrite('group', changes.name, () => repo.updateGroup(ctx.db, id, { ...changes, ...key, updatedAt: ctx.clock.now() }));
  const after = await getGroup(ctx, id);
  await recordAudit(ctx, { action: 'group.updated', entity: 'group', entityId: id, before: auditable(before), after: auditable(after) });
  return after;
}

/** Archived groups leave the lists and the forms' choices but keep their students and history. */
export async function archiveGroup(ctx: ServiceContext, id: number, archived = true): Promise<GroupView> {
  const before = await getGroup(ctx, id);
  authorize(ctx.actor, 'groups.manage');
  if (before.archived === archived) return before;
  await repo.updateGroup(ctx.db, id, { archived, updatedAt: ctx.clock.now() });
  await recordAudit(ctx, { action: archived ? 'group.archived' : 'group.restored', entity: 'group', entityId: id, before: { archived: before.archived }, after: { archived } });
  return { ...before, archived };
}

/** A group as a picker offers it. */
export interface GroupChoice {
  id: number;
  name: string;
  archived: boolean;
}

/** How many groups a picker suggests at once: the page stays the same size with 2,000 groups. */
const GROUP_CHOICES_SHOWN = 20;

/** How many close matches a name that named no group is answered with. */
const GROUP_MATCHES_SHOWN = 10;

/**
 * The active groups in the actor's sight (all for admins, the taught ones for lecturers) whose
 * names contain `text`, by name, at most GROUP_CHOICES_SHOWN: what a group picker suggests as
 * someone types. Compared as names are (lib/text-rules uniqueNameKey: case, character width,
 * dashes and invisible characters aside). No text: the first groups by name.
 */
export async function groupChoices(ctx: ServiceContext, text = ''): Promise<GroupChoice[]> {
  const actor = signedInActor(ctx);
  authorize(actor, 'groups.view');
  const key = uniqueNameKey(text);
  const rows = await repo.findGroupChoices(ctx.db, groupScope(actor), { keys: key ? [key] : [], archived: false, limit: GROUP_CHOICES_SHOWN });
  return rows;
}

/** The group with this id in the actor's sight (archived ones too), or null. */
export async function groupChoice(ctx: ServiceContext, id: number): Promise<GroupChoice | null> {
  const actor = signedInActor(ctx);
  authorize(actor, 'groups.view');
  const row = await repo.findGroupChoice(ctx.db, groupScope(actor), id);
  return row ?? null;
}

/** What a typed group name means: the group it names, or the active groups it comes close to. */
export type GroupLookup = { group: GroupChoice; matches: [] } | { group: null; matches: GroupChoice[] };

/**
 * The group in the actor's sight that `text` names (archived ones too: a filter or a record may
 * hold one), compared by the folded name key as unique names are; of an old look-alike pair, the
 * one with exactly this name. Text that names no group is answered with up to GROUP_MATCHES_SHOWN
 * active groups whose names contain it, or else contain one of its words, for the person to choose.
 */
export async function groupNamed(ctx: ServiceContext, text: string): Promise<GroupLookup> {
  const actor = signedInActor(ctx);
  authorize(actor, 'groups.view');
  const scope = groupScope(actor);
  const name = text.trim().normalize('NFC');
  const key = uniqueNameKey(name);
  if (key) {
    const named = await repo.findGroupsNamed(ctx.db, scope, key, name);
    const group = named.find((g) => g.name === name) ?? named[0];
    if (group) return { group, matches: [] };
  }
  const near = async (keys: string[]) => (keys.length ? repo.findGroupChoices(ctx.db, scope, { keys, archived: false, limit: GROUP_MATCHES_SHOWN }) : []);
  let matches = await near(key ? [key] : []);
  if (matches.length === 0) {
    // "CS 1O1" for CS-101: any word of two or more letters or digits (at most four) may find it.
    const words = [...new Set(key.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 2))].slice(0, 4);
    matches = await near(words);
  }
  return { group: null, matches };
}

/**
 * Every group by its folded name key (archived ones included, flagged), for imports that name
 * groups in a column: look a cell up with `groupNameKey(text)`, so "cs-101" or "ＣＳ-101" finds CS-101.
 * Of old look-alikes (migration 0004) the oldest has the key, as in the database; the others stay
 * in the map (callers look groups up by id too) under a key no text folds to.
 */
export async function groupIdsByName(ctx: ServiceContext): Promise<Map<string, { id: number; name: string; archived: boolean }>> {
  authorize(ctx.actor, 'groups.chooseAny');
  const rows = await repo.allGroupNames(ctx.db);
  const byKey = new Map<string, { id: number; name: string; archived: boolean }>();
  for (const g of [...rows].sort((a, b) => a.id - b.id)) {
    const key = uniqueNameKey(g.name);
    byKey.set(byKey.has(key) ? `\u0000${g.id}` : key, g);
  }
  return byKey;
}

/** The key groupIdsByName's map is keyed by. */
export const groupNameKey = uniqueNameKey;

/** At most this many groups in a field of groups, one a line (a subject's). */
export const GROUP_LINES_MAX = 200;

/**
 * A field of groups, one a line (the groups that take a subject), read as groupNamed reads each
 * line: the ids named, in the order given, each once (blank lines skipped), and one message per
 * line that names no group or an archived one, starting "Line N:" (N counts every line, so it is the
 * line the person sees), offering the close matches. `keep`: archived groups that may stay (already
 * chosen). Nothing is written: with errors, the form is shown again.
 */
export async function groupsNamed(ctx: ServiceContext, lines: readonly string[], options: { keep?: readonly number[] } = {}): Promise<{ ids: number[]; errors: string[] }> {
  authorize(signedInActor(ctx), 'groups.chooseAny');
  const given = lines.filter((l) => l.trim() !== '').length;
  if (given > GROUP_LINES_MAX) return { ids: [], errors: [`Give at most ${GROUP_LINES_MAX} groups, one a line (${given} lines were given).`] };
  const keep = new Set(options.keep ?? []);
  const ids: number[] = [];
  const errors: string[] = [];
  for (const [index, line] of lines.entries()) {
    const text = line.trim();
    if (!text) continue;
    const lookup = await groupNamed(ctx, text.slice(0, 100));
    const n = index + 1;
    if (!lookup.group) {
      const names = lookup.matches.map((m) => m.name);
      errors.push(
        names.length === 0
          ? `Line ${n}: no group is named "${text}"; check the name on the Groups page.`
          : `Line ${n}: no group is named "${text}". Did you mean ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`}?`,
      );
    } else if (lookup.group.archived && !keep.has(lookup.group.id)) errors.push(`Line ${n}: ${lookup.group.name} is archived; choose an active group.`);
    else if (!ids.includes(lookup.group.id)) ids.push(lookup.group.id);
  }
  return { ids, errors };
}
