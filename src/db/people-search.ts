// The lists' search: every word of the folded query must appear in the folded search text of the
// record (one column, no JavaScript function per row). A substring search reads every row unless an
// index knows substrings (migration 0005, ADR 0015):
// - PostgreSQL: a pg_trgm GIN index on the column; the planner uses it for the same LIKE.
// - SQLite: an FTS5 table with the trigram tokenizer over the column finds the candidate ids; the
//   LIKE on the record's own column stays, so the answer never depends on the tokenizer's rules.
import { sql, type Expression, type SqlBool } from 'kysely';
import { dialectOf, type Db } from './index.js';
import { escapeLike } from './search.js';

/** The searched columns, as the record tables name them, and their SQLite full-text tables. */
const searchedText = {
  'students.searchText': { table: 'students', column: 'search_text', index: 'students_search' },
  'students.teachingSearchText': { table: 'students', column: 'teaching_search_text', index: 'students_search' },
  'lecturers.searchText': { table: 'lecturers', column: 'search_text', index: 'lecturers_search' },
} as const;

export type SearchedText = keyof typeof searchedText;

/** At most this many words count; the rest of a pasted paragraph is ignored. */
const MAX_WORDS = 8;

/**
 * The trigram index answers words of 3 characters or more; LIKE's own wildcards and escape are
 * left to the plain comparison, as FTS5's LIKE takes no ESCAPE clause.
 */
function indexable(word: string): boolean {
  return [...word].length >= 3 && !/[\\%_]/.test(word);
}

export function matchesEveryWord(db: Db, searched: SearchedText, foldedQuery: string): Expression<SqlBool> {
  const words = foldedQuery.split(' ').filter(Boolean).slice(0, MAX_WORDS);
  if (words.length === 0) return sql<SqlBool>`1 = 1`;
  const s = searchedText[searched];
  const column = sql.raw(`${s.table}.${s.column}`);
  const likes = words.map((w) => sql<SqlBool>`${column} like ${`%${escapeLike(w)}%`} escape '\\'`);
  const indexed = words.filter(indexable);
  if (dialectOf(db) === 'postgres' || indexed.length === 0) return sql<SqlBool>`(${sql.join(likes, sql` and `)})`;
  const candidates = indexed.map((w) => sql<SqlBool>`${sql.raw(s.column)} like ${`%${w}%`}`);
  return sql<SqlBool>`(${sql.raw(`${s.table}.id`)} in (select rowid from ${sql.raw(s.index)} where ${sql.join(candidates, sql` and `)}) and ${sql.join(likes, sql` and `)})`;
}
