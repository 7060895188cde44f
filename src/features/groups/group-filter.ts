// The group filter of the people lists (students, lecturers) as their routes read it: a type-ahead
// whose form sends the name typed (groupName), while links keep ?group=<id>. The lists call this
// rather than listing every group in a select, so a page stays small with thousands of groups.
import type { ServiceContext } from '../../context.js';
import { singleQueryValues } from '../../lib/query-values.js';
import { typeAheadSuggestions, type TypeAheadFilterState } from '../../views/form-field.js';
import { GroupFilterQuery } from './schemas.js';
import * as groups from './service.js';

/** Where a group picker fetches its suggestions (routes.tsx, GET /groups/choices). */
export const GROUP_CHOICES_ADDRESS = '/groups/choices';

/**
 * The list's group filter from the address: `groupId`, the id read from ?group= ('' for none), is
 * overridden by a typed groupName. Answers the id to filter by ('' for every group), the picker's
 * state for the page, and a message when a link's id is no group in the actor's sight.
 */
export async function readGroupFilter(ctx: ServiceContext, query: unknown, groupId: string): Promise<{ group: string; picker: TypeAheadFilterState; message: string | null }> {
  const { groupName } = singleQueryValues(GroupFilterQuery, query);
  const picked = await groups.groupFilter(ctx, { id: groupId ? Number(groupId) : null, name: groupName });
  return {
    group: picked.groupId === null ? '' : String(picked.groupId),
    picker: {
      text: picked.text,
      note: picked.archived ? 'An archived group.' : undefined,
      suggestions: typeAheadSuggestions(picked.suggestions, GROUP_CHOICES_ADDRESS),
      unmatched: picked.unmatched,
    },
    message: picked.unknownId === null ? null : `The group filter names no group you can see (id ${picked.unknownId}); type a group's name instead.`,
  };
}
