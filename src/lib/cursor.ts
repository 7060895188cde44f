// Opaque keyset cursors for lists: the last row's sort key and id, as base64url JSON. Keyset pages
// stay fast at any depth (no OFFSET) and stable while rows are added.
import { Invalid } from './errors.js';

export type CursorValue = string | number | null;

export function encodeCursor(values: readonly CursorValue[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by encodeCursor with `length` values. A cursor that was not made here (or
 * belongs to another sort order) is refused with a message naming the field, never a 500.
 */
export function decodeCursor(text: string, length: number): CursorValue[] {
  const refuse = () => new Invalid('The cursor is not valid for this list.', { cursor: 'Use the nextCursor value from the previous page, unchanged.' });
  if (text.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(text)) throw refuse();
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(values) || values.length !== length) throw refuse();
  for (const v of values) if (v !== null && typeof v !== 'string' && typeof v !== 'number') throw refuse();
  return values as CursorValue[];
}
