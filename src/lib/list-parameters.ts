// The query parameters lists share, declared once with the title their messages name them by
// ("Give the search (q) only once.") and the rule their values follow.
import Type from 'typebox';
import { singleLineText } from './text-rules.js';

// Search text follows the single-line rule too: a NUL byte is not text to PostgreSQL, which would
// fail the query, and nobody searches for an invisible character on purpose.
export const SearchParameter = Type.Optional(singleLineText({ maxLength: 100, title: 'Search', errorMessage: 'Search with at most 100 characters.' }));

export const ArchivedParameter = Type.Optional(Type.Boolean({ title: 'Archived switch', errorMessage: 'Use true or false.' }));

export const LimitParameter = (maximum: number) =>
  Type.Optional(Type.Integer({ minimum: 1, maximum, title: 'Page size', errorMessage: `Use a limit from 1 to ${maximum}.` }));

export const CursorParameter = Type.Optional(Type.String({ maxLength: 1024, title: 'Page cursor', errorMessage: 'Follow the link to the next page unchanged.' }));

export const PageParameter = (maximum: number) =>
  Type.Optional(Type.Integer({ minimum: 1, maximum, title: 'Page', errorMessage: 'Use a page number from 1.' }));

/** A group chosen by its id; "" is "any group". */
export const GroupParameter = Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('')], { title: 'Group', errorMessage: 'Choose a group from the list.' }));

/** One of a list's sort keys; "" is the default order. */
export const SortParameter = <S extends string>(sorts: readonly S[]) =>
  Type.Optional(Type.Union([...sorts.map((s) => Type.Literal(s)), Type.Literal('')], { title: 'Sort order', errorMessage: `Sort by one of: ${sorts.join(', ')}.` }));
