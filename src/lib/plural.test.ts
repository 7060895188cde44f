import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plural } from './plural.js';

test('plural: one is singular, every other count takes an s and thousands separators', () => {
  assert.equal(plural(1, 'error'), '1 error');
  assert.equal(plural(0, 'error'), '0 errors');
  assert.equal(plural(2, 'data row'), '2 data rows');
  assert.equal(plural(12_345, 'row'), '12,345 rows');
});
