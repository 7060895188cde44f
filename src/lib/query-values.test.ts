// A query parameter given twice is refused naming it, by the pages' reader and by validate alike.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Type from 'typebox';
import { Invalid } from './errors.js';
import { singleQueryValues } from './query-values.js';
import { validate } from './validation.js';

const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100, title: 'Search', errorMessage: 'Search with at most 100 characters.' })),
  group: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('')], { title: 'Group' })),
  actor: Type.Optional(Type.String()),
  tags: Type.Optional(Type.Array(Type.String())),
});

function refused(run: () => unknown): Invalid {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof Invalid, String(error));
    return error;
  }
  assert.fail('accepted');
}

describe('query parameters', () => {
  test('a page reads each parameter of its schema as one text; others are not read', () => {
    assert.deepEqual(singleQueryValues(ListQuery, { q: 'ana', group: '3', 'q[]': ['a', 'b'], 'q[a]': 'b', utm: 'x' }), { q: 'ana', group: '3', actor: undefined, tags: undefined });
    assert.deepEqual(singleQueryValues(ListQuery, undefined), { q: undefined, group: undefined, actor: undefined, tags: undefined });
  });

  test('a parameter given twice is refused, named by its title and its name in the address', () => {
    const error = refused(() => singleQueryValues(ListQuery, { q: ['a', 'b'] }));
    assert.equal(error.statusCode, 422);
    assert.equal(error.message, 'Give the search (q) only once.');
    assert.deepEqual(error.fields, { q: 'Give the search (q) only once.' });
    assert.deepEqual(refused(() => singleQueryValues(ListQuery, { group: ['1', '2'], actor: ['a', 'b'] })).fields, {
      group: 'Give the group only once.',
      actor: 'Give the actor only once.',
    });
  });

  test('validate refuses a repeated value the same way, before any other rule', () => {
    const error = refused(() => validate(ListQuery, { q: ['a', 'b'], group: 'x' }));
    assert.equal(error.message, 'Give the search (q) only once.');
    assert.deepEqual(error.fields, { q: 'Give the search (q) only once.' });
    // A field that takes a list, and one value in a list, are not repetitions.
    assert.deepEqual(validate(ListQuery, { tags: ['a', 'b'] }), { tags: ['a', 'b'] });
    assert.deepEqual(refused(() => validate(ListQuery, { q: ['a'] })).fields, { q: 'Search with at most 100 characters.' });
  });

  test('a NUL character is refused in any text field, rule or not (PostgreSQL cannot store it)', () => {
    assert.deepEqual(refused(() => validate(ListQuery, { actor: 'a\u0000b' })).fields, { actor: 'The actor contains a NUL character; retype it.' });
    const both = refused(() => validate(ListQuery, { q: 'a\u0000', group: 'x' })).fields;
    assert.equal(both.q, 'The search contains a NUL character; retype it.');
    assert.ok(both.group, 'the other fields are still checked in the same answer');
  });
});
