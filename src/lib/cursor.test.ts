import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeCursor, decodeOrderedCursor, encodeCursor, encodeOrderedCursor } from './cursor.js';
import { Invalid } from './errors.js';

function refused(text: string, shape: Parameters<typeof decodeCursor>[1]) {
  assert.throws(
    () => decodeCursor(text, shape),
    (error: unknown) => error instanceof Invalid && error.statusCode === 422 && typeof error.fields.cursor === 'string',
    `accepted ${JSON.stringify(text)}`,
  );
}

const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('keyset cursors', () => {
  test('round-trip the sort key and id, opaque and URL-safe', () => {
    const values = ['Šarić, Ana / "x"?', 'CS-101', null, 42];
    const cursor = encodeCursor(values);
    assert.match(cursor, /^[A-Za-z0-9_-]+$/, 'safe in a query string without escaping');
    assert.ok(!cursor.includes('Ana'), 'not readable as is');
    assert.deepEqual(decodeCursor(cursor, 4), values);
    assert.deepEqual(decodeCursor(cursor, ['string', 'string', 'string', 'id']), values);
    assert.deepEqual(decodeCursor(encodeCursor([2.5, 7, 1]), ['number', 'integer', 'id']), [2.5, 7, 1]);
  });

  test('garbage, truncated, padded or oversized cursors are Invalid on the cursor field', () => {
    for (const text of ['', 'not base64!', '%%%', '====', 'a'.repeat(1025), encodeCursor(['x', 1]).slice(0, -3), raw({ name: 'x', id: 1 }), raw('x'), raw(null)]) refused(text, 2);
  });

  test('a cursor of another length (another sort order) is refused', () => {
    refused(encodeCursor(['x', 1]), 3);
    refused(encodeCursor(['x', 'y', 1]), ['string', 'id']);
  });

  test('the kinds are checked: no text where a number is compared, no missing or fractional id', () => {
    refused(encodeCursor(['x', 'abc']), ['string', 'id']);
    refused(encodeCursor(['x', null]), ['string', 'id']);
    refused(encodeCursor(['x', 0]), ['string', 'id']);
    refused(encodeCursor(['x', 1.5]), ['string', 'id']);
    refused(encodeCursor([1, 2]), ['string', 'id']);
    refused(encodeCursor(['1', 2]), ['integer', 'id']);
    refused(raw([{ nested: true }, 1]), 2);
    refused(raw([true, 1]), 2);
    refused(raw(['x'.repeat(501), 1]), 2);
    refused(Buffer.from('[1e400,1]').toString('base64url'), 2); // JSON's 1e400 parses to Infinity
  });
});

test('an ordered cursor is refused for another order, even when its values have the same kinds', () => {
  const byName = encodeOrderedCursor('name', ['novak\u0001sara', 7]);
  assert.deepEqual(decodeOrderedCursor(byName, 'name', ['string', 'id']), ['novak\u0001sara', 7]);
  assert.throws(() => decodeOrderedCursor(byName, 'number', ['string', 'id']), /not valid for this list/);
  assert.throws(() => decodeOrderedCursor(encodeCursor(['novak', 7]), 'name', ['string', 'id']), /not valid for this list/);
});
