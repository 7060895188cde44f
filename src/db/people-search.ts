// The lists' search: every word of the folded query must appear in the folded search text of the
// record (one column, no JavaScript function per row). A substring search reads every row unless an
// index knows substrings (migration 0005, ADR 0015):
// - PostgreSQL: a pg_trgm GIN index on the column; the planner uses it for the same LIKE.
// - SQLite: an FTS5 table with the trigram tokenizer over the column finds the candidate ids; the
//   LIKE on the record's own column stays, so the answer never depends on the tokenizer's rules.
//   SQLite's planner cannot tell a rare word from a common one, so preparePeopleSearch asks the
//   index first and the query is shaped by the answer.
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
export function indexable(word: string): boolean {
  return [...word].length >= 3 && !/[\\%_]/.test(word);
}

/** A folded query made ready for one searched column: its words and, on SQLite, the candidates. */
export interface PeopleSearch {
  searched: SearchedText;
  words: string[];
  /**
   * SQLite: the ids of every record whose text can match, when the trigram index found at most
   * CANDIDATE_LIMIT of them; null: read in list order instead (PostgreSQL's planner chooses itself).
   */
  candidates: number[] | null;
  /**
   * SQLite: the candidates for counting, when the index found at most COUNT_CANDIDATE_LIMIT; a
   * word too common to page by its candidates can still be counted by them (reading 2,000 ids beats
   * walking the whole list for a word on 1% of it).
   */
  countCandidates: number[] | null;
}

/**
 * Past this many candidates a word is common: walking the list's own index in its order finds a
 * page of matches sooner than sorting every candidate (measured at 100,000 students, ADR 0015).
 */
export const CANDIDATE_LIMIT = 500;

/** Past this many candidates the matches are dense: a bounded count walking the list stops early. */
export const COUNT_CANDIDATE_LIMIT = 2000;

/**
 * Reads the trigram index once for a search (SQLite), so that a rare word's list, count and page
 * read only its candidates, and a common word's walk the list in order and stop early.
 */
export async function preparePeopleSearch(db: Db, searched: SearchedText, foldedQuery: string | null | undefined): Promise<PeopleSearch | null> {
  const words = (foldedQuery ?? '').split(' ').filter(Boolean).slice(0, MAX_WORDS);
  if (words.length === 0) return null;
  const indexed = words.filter(indexable);
  if (dialectOf(db) === 'postgres' || indexed.length === 0) return { searched, words, candidates: null, countCandidates: null };
  const s = searchedText[searched];
  const ids = await trigramCandidates(db, s.index, s.column, indexed, COUNT_CANDIDATE_LIMIT);
  return { searched, words, candidates: ids && ids.length <= CANDIDATE_LIMIT ? ids : null, countCandidates: ids };
}

/**
 * SQLite: the ids of the rows of a full-text table whose column holds every word (indexable ones:
 * see `indexable`), or null when there are more than `limit`. The caller's own comparison still
 * decides; these only narrow the rows it reads.
 */
export async function trigramCandidates(db: Db, index: string, column: string, words: readonly string[], limit: number): Promise<number[] | null> {
  const likes = words.map((w) => sql<SqlBool>`${sql.raw(column)} like ${`%${w}%`}`);
  const { rows } = await sql<{ id: number }>`select rowid as id from ${sql.raw(index)} where ${sql.join(likes, sql` and `)} limit ${limit + 1}`.execute(db);
  return rows.length > limit ? null : rows.map((r) => Number(r.id));
}

/** The search as the count should read it: by its candidates wherever the index could name them all. */
export function forCounting(search: PeopleSearch): PeopleSearch {
  return search.countCandidates ? { ...search, candidates: search.countCandidates } : search;
}

/** Every word in the record's folded text (and, on SQLite, the record among the candidates). */
export function matchesPeopleSearch(search: PeopleSearch): Expression<SqlBool> {
  const s = searchedText[search.searched];
  const column = sql.raw(`${s.table}.${s.column}`);
  const likes = search.words.map((w) => sql<SqlBool>`${column} like ${`%${escapeLike(w)}%`} escape '\\'`);
  if (search.candidates) return sql<SqlBool>`(${amongIds(`${s.table}.id`, search.candidates)} and ${sql.join(likes, sql` and `)})`;
  return sql<SqlBool>`(${sql.join(likes, sql` and `)})`;
}

/**
 * The list's archived flag, as its filter must name it. With a search's candidates in hand they are
 * the cheapest way in, but SQLite, without statistics, guesses that `archived = 0` picks few rows
 * and walks that index through the whole list: `+column` tells it not to use the index for it.
 */
export function archivedColumn(table: 'students' | 'lecturers', search: PeopleSearch | null): Expression<boolean> {
  return search?.candidates ? sql<boolean>`+${sql.raw(`${table}.archived`)}` : sql<boolean>`${sql.raw(`${table}.archived`)}`;
}

/**
 * `column in (ids)` with one JSON parameter whatever the number of ids (SQLite's json_each): one SQL
 * text, so one prepared statement, for every search.
 */
function amongIds(column: 'students.id' | 'lecturers.id' | 'users.id', ids: readonly number[]): Expression<SqlBool> {
  return sql<SqlBool>`${sql.raw(column)} in (select value from json_each(${JSON.stringify(ids)}))`;
}

/**
 * `column in (ids)` on either engine, one SQL text for any number of ids: SQLite's json_each (see
 * amongIds), PostgreSQL's unnest of one array parameter. Not `= any(array)`: PostgreSQL then
 * walks the list's order index testing each row against the array (16.7 ms for 622 accounts at
 * `large`) where the unnested ids are looked up by key and sorted (2.2 ms).
 */
export function amongIdsOn(db: Db, column: 'students.id' | 'lecturers.id' | 'users.id', ids: readonly number[]): Expression<SqlBool> {
  return dialectOf(db) === 'postgres' ? sql<SqlBool>`${sql.raw(column)} in (select unnest(${[...ids]}::int[]))` : amongIds(column, ids);
}
