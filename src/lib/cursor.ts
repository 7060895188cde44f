// Opaque keyset cursors for lists: the last row's sort key and id, as base64url JSON. Keyset pages
// stay fast at any depth (no OFFSET) and stable while rows are added.
import { Invalid } from './errors.js';

export type CursorValue = string | number | null;

/**
 * What one position of a cursor must hold: `string` and `integer` may also be null (a nullable sort
 * column), `id` is a positive whole number (the tie-breaker, never null).
 */
export type CursorPart = 'string' | 'integer' | 'number' | 'id';

/** Longest text a cursor may carry (an encoded cursor is refused above 1024 characters anyway). */
const MAX_TEXT = 500;

export function encodeCursor(values: readonly CursorValue[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

function fits(value: unknown, part: CursorPart | null): boolean {
  if (part === 'id') return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
  if (value === null) return true;
  if (typeof value === 'string') return (part === null || part === 'string') && value.length <= MAX_TEXT;
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (part === 'integer') return Number.isSafeInteger(value);
  return part === null || part === 'number';
}

/**
 * Decodes a cursor made by encodeCursor. Pass the number of values, or better the kind of each
 * value (`['string', 'id']`), so a forged cursor cannot put text where the query compares numbers.
 * A cursor that was not made here (or belongs to another sort order) is refused with a message
 * naming the field, never a 500.
 */
const refuse = () => new Invalid('The cursor is not valid for this list.', { cursor: 'Use the nextCursor value from the previous page, unchanged.' });

export function decodeCursor(text: string, shape: number | readonly CursorPart[]): CursorValue[] {
  if (typeof text !== 'string' || text.length === 0 || text.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(text)) throw refuse();
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  const parts = typeof shape === 'number' ? null : shape;
  const length = typeof shape === 'number' ? shape : shape.length;
  if (!Array.isArray(values) || values.length !== length) throw refuse();
  values.forEach((v, i) => {
    if (!fits(v, parts ? parts[i]! : null)) throw refuse();
  });
  return values as CursorValue[];
}

/**
 * A cursor for one sort order of a list: the order's name travels with the values, so a cursor made
 * for another order (whose values may have the same kinds) is refused instead of misread.
 */
export function encodeOrderedCursor(order: string, values: readonly CursorValue[]): string {
  return encodeCursor([order, ...values]);
}

export function decodeOrderedCursor(text: string, order: string, shape: readonly CursorPart[]): CursorValue[] {
  const [tag, ...values] = decodeCursor(text, ['string', ...shape]);
  if (tag !== order) throw refuse();
  return values;
}
