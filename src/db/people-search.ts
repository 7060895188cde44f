// The lists' search: every word of the folded query must appear in the folded search text of the
// record (one column, no JavaScript function per row). A substring search reads every row unless an
// index knows substrings (migration 0005, ADR 0015):
// - PostgreSQL: a pg_trgm GIN index on the column; the planner uses it for the same LIKE.
// - SQLite: an FTS5 table with the trigram tokenizer over the column finds the candidate ids; the
//   LIKE on the record's own column stays, so the answer never depends on the tokenizer's rules.
// Neither planner can be trusted to tell a rare word from a common one when the list is ordered:
// SQLite has no statistics, and PostgreSQL's guess follows ANALYZE's sample (at `large` "lovr" was
// walked in name order for 39 ms, or read through the index in 3 ms, depending on the sample). So
// preparePeopleSearch asks the index first, unordered, and the list's query is shaped by the answer.
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

/** A folded query made ready for one searched column: its words and the candidates the trigram index named. */
export interface PeopleSearch {
  searched: SearchedText;
  engine: 'sqlite' | 'postgres';
  words: string[];
  /**
   * The ids of every record whose text can match, when the trigram index found at most
   * CANDIDATE_LIMIT of them; null: read in list order instead.
   */
  candidates: number[] | null;
}

/**
 * Past this many candidates a word is common: walking the list's own index in its order finds a
 * page of matches sooner than sorting every candidate, and a bounded count stops early. Below it,
 * reading the candidates by key wins even when they are many: a name's matches cluster in name
 * order ("lovr": 622 Lovrić… students), so walking the list for them read 42,000 entries at `large`
 * (26 ms on PostgreSQL) where sorting 622 candidates took 2–4 ms (ADR 0015).
 */
export const CANDIDATE_LIMIT = 2000;

/**
 * Reads the trigram index once for a search, so that a rare word's list, count and page read only
 * its candidates, and a common word's walk the list in order and stop early.
 */
export async function preparePeopleSearch(db: Db, searched: SearchedText, foldedQuery: string | null | undefined): Promise<PeopleSearch | null> {
  const words = (foldedQuery ?? '').split(' ').filter(Boolean).slice(0, MAX_WORDS);
  if (words.length === 0) return null;
  const engine = dialectOf(db);
  const indexed = words.filter(indexable);
  if (indexed.length === 0) return { searched, engine, words, candidates: null };
  const s = searchedText[searched];
  const candidates =
    engine === 'sqlite' ? await trigramCandidates(db, s.index, s.column, indexed, CANDIDATE_LIMIT) : await trigramIndexedIds(db, s.table, s.column, indexed, CANDIDATE_LIMIT);
  return { searched, engine, words, candidates };
}

/**
 * PostgreSQL: the ids of the rows whose column holds every word, or null when there are more than
 * `limit`. Unordered, so the planner reads them through the trigram index (2–4 ms for 600–2,000
 * of 100,000 students) instead of walking an order's index.
 */
async function trigramIndexedIds(db: Db, table: string, column: string, words: readonly string[], limit: number): Promise<number[] | null> {
  const likes = words.map((w) => sql<SqlBool>`${sql.raw(column)} like ${`%${w}%`}`);
  const { rows } = await sql<{ id: number }>`select id from ${sql.raw(table)} where ${sql.join(likes, sql` and `)} limit ${limit + 1}`.execute(db);
  return rows.length > limit ? null : rows.map((r) => Number(r.id));
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

/** Every word in the record's folded text (and the record among the candidates, when there are any). */
export function matchesPeopleSearch(search: PeopleSearch): Expression<SqlBool> {
  const s = searchedText[search.searched];
  const column = sql.raw(`${s.table}.${s.column}`);
  const likes = search.words.map((w) => sql<SqlBool>`${column} like ${`%${escapeLike(w)}%`} escape '\\'`);
  if (search.candidates) return sql<SqlBool>`(${amongIdsFor(search.engine, `${s.table}.id`, search.candidates)} and ${sql.join(likes, sql` and `)})`;
  return sql<SqlBool>`(${sql.join(likes, sql` and `)})`;
}

/**
 * The list's archived flag, as its filter must name it. With a search's candidates in hand they are
 * the cheapest way in, but SQLite, without statistics, guesses that `archived = 0` picks few rows
 * and walks that index through the whole list: `+column` tells it not to use the index for it.
 */
export function archivedColumn(table: 'students' | 'lecturers', search: PeopleSearch | null): Expression<boolean> {
  return search?.candidates && search.engine === 'sqlite' ? sql<boolean>`+${sql.raw(`${table}.archived`)}` : sql<boolean>`${sql.raw(`${table}.archived`)}`;
}

/**
 * `column in (ids)` with one JSON parameter whatever the number of ids (SQLite's json_each): one SQL
 * text, so one prepared statement, for every search.
 */
function amongIds(column: IdColumn, ids: readonly number[]): Expression<SqlBool> {
  return sql<SqlBool>`${sql.raw(column)} in (select value from json_each(${JSON.stringify(ids)}))`;
}

/**
 * `column in (ids)` on either engine, one SQL text for any number of ids: SQLite's json_each (see
 * amongIds), PostgreSQL's unnest of one array parameter. Not `= any(array)`: PostgreSQL then
 * walks the list's order index testing each row against the array (16.7 ms for 622 accounts at
 * `large`) where the unnested ids are looked up by key and sorted (2.2 ms).
 */
export function amongIdsOn(db: Db, column: IdColumn, ids: readonly number[]): Expression<SqlBool> {
  return amongIdsFor(dialectOf(db), column, ids);
}

/** The id columns amongIdsOn is used on, as SQL names them. */
type IdColumn = 'students.id' | 'lecturers.id' | 'users.id' | 'submissions.student_id';

function amongIdsFor(engine: 'sqlite' | 'postgres', column: IdColumn, ids: readonly number[]): Expression<SqlBool> {
  return engine === 'postgres' ? sql<SqlBool>`${sql.raw(column)} in (select unnest(${[...ids]}::int[]))` : amongIds(column, ids);
}
