// Case-insensitive "contains" matching that behaves the same on SQLite and PostgreSQL: both sides
// lowercased, LIKE wildcards in the user's text escaped with an explicit ESCAPE character.
import { sql, type Expression, type SqlBool } from 'kysely';

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function containsIgnoringCase(column: Expression<unknown>, text: string): Expression<SqlBool> {
  const pattern = `%${escapeLike(text.toLowerCase())}%`;
  return sql<SqlBool>`lower(${column}) like ${pattern} escape '\\'`;
}

/**
 * "Contains" over a column stored in lower case (usernames, e-mails): no per-row lower(), which on
 * SQLite is a JavaScript call for every row.
 */
export function containsInLowerCase(column: Expression<unknown>, text: string): Expression<SqlBool> {
  const pattern = `%${escapeLike(text.toLowerCase())}%`;
  return sql<SqlBool>`${column} like ${pattern} escape '\\'`;
}
