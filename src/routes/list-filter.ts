// What a people list reads from the address bar, forgiving what a hand-edited address gets wrong.
import type { TSchema } from 'typebox';
import { singleQueryValues } from '../lib/query-values.js';

/**
 * What every people list reads from the address bar: the search, the group, the sort and the page,
 * by the list's query schema. A parameter given twice (?q=a&q=b) answers 422 naming it (lib/query-values);
 * anything else unusable is dropped, and `problems` say so on the page rather than failing it.
 * `values` holds every parameter of the schema, as one text each, for the list's own filters.
 */
export function readListFilter(query: unknown, schema: TSchema, sorts: readonly string[]) {
  const values = singleQueryValues(schema, query);
  const problems: string[] = [];
  const q = (values.q ?? '').trim().slice(0, 100);
  let group = values.group ?? '';
  if (group && !/^[1-9]\d{0,9}$/.test(group)) {
    problems.push('The group filter was not understood and is ignored.');
    group = '';
  }
  let sort = values.sort || 'name';
  if (!sorts.includes(sort)) {
    problems.push(`Sort by one of: ${sorts.join(', ')}; sorted by name instead.`);
    sort = 'name';
  }
  const pageText = values.page ?? '1';
  const page = /^[1-9]\d{0,5}$/.test(pageText) ? Number(pageText) : 1;
  return { q, group, sort, page, problems, values };
}
