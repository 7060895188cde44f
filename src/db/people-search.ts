// The lists' search: every word of the folded query must appear in the folded search_text column.
// One LIKE per word over one column, identical on SQLite and PostgreSQL (no JS function per row).
import { sql, type Expression, type SqlBool } from 'kysely';
import { escapeLike } from './search.js';

export function matchesEveryWord(column: Expression<unknown>, foldedQuery: string): Expression<SqlBool> {
  const words = foldedQuery.split(' ').filter(Boolean).slice(0, 8);
  const parts = words.map((w) => sql<SqlBool>`${column} like ${`%${escapeLike(w)}%`} escape '\\'`);
  return parts.length === 0 ? sql<SqlBool>`1 = 1` : sql<SqlBool>`(${sql.join(parts, sql` and `)})`;
}
