// What a list of named records (groups, subjects) reads from the address bar and links back to: the
// search, the archived switch (the admins'), and a cursor to the next page.
import type { TSchema } from 'typebox';
import { Invalid } from '../lib/errors.js';
import { singleQueryValues } from '../lib/query-values.js';

export interface NamedListQuery {
  q: string;
  archived: boolean;
  cursor: string | undefined;
}

/** The list's search, archived switch (only for those who may see archived records) and cursor. A parameter given twice answers 422. */
export function readNamedListQuery(query: unknown, schema: TSchema, mayManage: boolean): NamedListQuery {
  const values = singleQueryValues(schema, query);
  return { q: (values.q ?? '').slice(0, 100), archived: mayManage && values.archived === 'true', cursor: values.cursor || undefined };
}

/** Loads the page; a damaged "next page" link starts again from the first page. */
export async function loadNamedListPage<T>(query: NamedListQuery, load: (options: { q: string; archived: boolean; cursor?: string }) => Promise<T>): Promise<T> {
  const { q, archived, cursor } = query;
  try {
    return await load({ q, archived, ...(cursor ? { cursor } : {}) });
  } catch (error) {
    if (!(error instanceof Invalid) || !cursor) throw error;
    return load({ q, archived });
  }
}

/** The list's address with its search and switch, and `extra` (a cursor). */
export function namedListLink(base: string, query: Pick<NamedListQuery, 'q' | 'archived'>, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ ...(query.q ? { q: query.q } : {}), ...(query.archived ? { archived: 'true' } : {}), ...extra }).toString();
  return params ? `${base}?${params}` : base;
}
