// The group filter of the people lists (students, lecturers) as their routes read it: a type-ahead
// whose form sends the name typed (groupName), while links keep ?group=<id>. The lists call this
// rather than listing every group in a select, so a page stays small with thousands of groups.
// Also the first suggestions of any group picker (the student form's group), worked out the same way.
import type { ServiceContext } from '../../context.js';
import { singleQueryValues } from '../../lib/query-values.js';
import { validate } from '../../lib/validation.js';
import type { TypeAheadFilterState } from '../../views/form-field.js';
import { GroupFilterQuery } from './schemas.js';
import * as groups from './service.js';
import type { GroupChoice, GroupLookup } from './service.js';

/** Where a group picker fetches its suggestions (routes.tsx, GET /groups/choices). */
export const GROUP_CHOICES_ADDRESS = '/groups/choices';

/**
 * A group picker's first suggestions after `typed`: the close matches groups.groupNamed answers a
 * name that names no group with (so they agree with the message that says so), else the first
 * groups by name (nothing typed, a group named, or nothing close).
 */
export async function groupSuggestions(ctx: ServiceContext, typed = ''): Promise<string[]> {
  const text = typed.trim();
  return suggestionsAfter(ctx, text ? await groups.groupNamed(ctx, text) : null);
}

/** groupSuggestions after a look-up already made (null: nothing typed). */
async function suggestionsAfter(ctx: ServiceContext, lookup: GroupLookup | null): Promise<string[]> {
  const close = lookup?.matches ?? [];
  return (close.length > 0 ? close : await groups.groupChoices(ctx)).map((g) => g.name);
}

/** A list's group filter (students, lecturers): what it filters by and what its picker shows. */
interface GroupFilter {
  /** The group id to filter by; null: every group. */
  groupId: number | null;
  /** The picker's text: the group's name, or what was typed when it named no group. */
  text: string;
  /** The group filtered by is archived (a link from its page). */
  archived: boolean;
  /** Typed text that named no group (the filter is then left out), with the active groups close to it. */
  unmatched: { text: string; matches: GroupChoice[] } | null;
  /** A link's ?group=<id> that is no group in the actor's sight (the list is filtered by it all the same). */
  unknownId: number | null;
  /** The picker's first suggestions (groupSuggestions). */
  suggestions: string[];
}

/**
 * Reads a list's group filter: the name typed into its picker (`name`, sent by the filter form,
 * even empty) wins over the id a link carries (`id`, ?group=<id>), which the page's own links keep.
 */
async function groupFilter(ctx: ServiceContext, given: { id: number | null; name: string | undefined }): Promise<GroupFilter> {
  const none: GroupFilter = { groupId: null, text: '', archived: false, unmatched: null, unknownId: null, suggestions: [] };
  const name = given.name === undefined ? undefined : (validate(GroupFilterQuery, { groupName: given.name }).groupName ?? '');
  if (name) {
    const lookup = await groups.groupNamed(ctx, name);
    const suggestions = await suggestionsAfter(ctx, lookup);
    return lookup.group
      ? { ...none, groupId: lookup.group.id, text: lookup.group.name, archived: lookup.group.archived, suggestions }
      : { ...none, text: name, unmatched: { text: name, matches: lookup.matches }, suggestions };
  }
  let filter = none;
  if (name === undefined && given.id !== null) {
    const group = await groups.groupChoice(ctx, given.id);
    filter = group ? { ...none, groupId: group.id, text: group.name, archived: group.archived } : { ...none, groupId: given.id, unknownId: given.id };
  }
  return { ...filter, suggestions: await suggestionsAfter(ctx, null) };
}

/**
 * The list's group filter from the address: `groupId`, the id read from ?group= ('' for none), is
 * overridden by a typed groupName. Answers the id to filter by ('' for every group), the picker's
 * state for the page, and a message when a link's id is no group in the actor's sight.
 */
export async function readGroupFilter(ctx: ServiceContext, query: unknown, groupId: string): Promise<{ group: string; picker: TypeAheadFilterState; message: string | null }> {
  const { groupName } = singleQueryValues(GroupFilterQuery, query);
  const picked = await groupFilter(ctx, { id: groupId ? Number(groupId) : null, name: groupName });
  return {
    group: picked.groupId === null ? '' : String(picked.groupId),
    picker: {
      text: picked.text,
      note: picked.archived ? 'An archived group.' : undefined,
      suggestions: { names: picked.suggestions, source: GROUP_CHOICES_ADDRESS },
      unmatched: picked.unmatched,
    },
    message: picked.unknownId === null ? null : `The group filter names no group you can see (id ${picked.unknownId}); type a group's name instead.`,
  };
}
