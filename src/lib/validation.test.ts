import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Type from 'typebox';
import { Invalid } from './errors.js';
import { validate } from './validation.js';

// A form like the ones features define: some fields with their own message, some without.
const ProfileForm = Type.Object({
  username: Type.String({ minLength: 3, maxLength: 20, errorMessage: 'Use 3–20 letters or digits.' }),
  displayName: Type.Optional(Type.String({ maxLength: 10, title: 'Display name' })),
  age: Type.Optional(Type.Integer({ minimum: 16, maximum: 120, title: 'Age' })),
  weight: Type.Optional(Type.Number({ minimum: 1 })),
  password: Type.Optional(Type.String({ minLength: 1 })),
  newPassword: Type.Optional(Type.String()),
  subscribed: Type.Optional(Type.Boolean()),
});

/** The Invalid error validate throws for this input (fails the test when it accepts it). */
function invalid(input: unknown, message?: string): Invalid {
  try {
    validate(ProfileForm, input, message);
  } catch (error) {
    assert.ok(error instanceof Invalid, `expected Invalid, got ${String(error)}`);
    return error;
  }
  assert.fail(`validate accepted ${JSON.stringify(input)}`);
}

describe('validate', () => {
  test('accepts good input and returns it typed', () => {
    assert.deepEqual(validate(ProfileForm, { username: 'ana', age: 30 }), { username: 'ana', age: 30 });
  });

  test("a field's errorMessage is what the user reads", () => {
    const error = invalid({ username: 'ab' });
    assert.equal(error.statusCode, 422);
    assert.equal(error.message, 'Check the highlighted fields.');
    assert.deepEqual(error.fields, { username: 'Use 3–20 letters or digits.' });
  });

  test('the errorMessage is used whatever rule the field broke', () => {
    for (const username of ['ab', 'a'.repeat(21), 42, ['ana']]) {
      assert.deepEqual(invalid({ username }).fields, { username: 'Use 3–20 letters or digits.' }, JSON.stringify(username));
    }
  });

  test('without an errorMessage the field is named by its title', () => {
    const fields = invalid({ username: 'ana', age: 12, displayName: 'A very long display name' }).fields;
    assert.match(fields.age!, /^Age /);
    assert.match(fields.age!, /16/, 'the message says what the limit is');
    assert.match(fields.displayName!, /^Display name /);
    assert.deepEqual(Object.keys(fields).sort(), ['age', 'displayName']);
  });

  test('every broken field is reported at once, one message each', () => {
    const fields = invalid({ username: 'x', age: 'old', weight: 0 }).fields;
    assert.deepEqual(Object.keys(fields).sort(), ['age', 'username', 'weight']);
  });

  test('a missing required field is reported under its own name', () => {
    assert.deepEqual(invalid({ age: 30 }).fields, { username: 'Use 3–20 letters or digits.' });
  });

  test('several missing required fields are each reported', () => {
    const TwoRequired = Type.Object({
      username: Type.String({ minLength: 1, errorMessage: 'Enter your username.' }),
      password: Type.String({ minLength: 1, errorMessage: 'Enter your password.' }),
    });
    try {
      validate(TwoRequired, {});
      assert.fail('accepted an empty body');
    } catch (error) {
      assert.ok(error instanceof Invalid);
      assert.deepEqual(error.fields, { username: 'Enter your username.', password: 'Enter your password.' });
    }
  });

  test('the summary message can be chosen by the caller', () => {
    assert.equal(invalid({ username: '' }, 'Could not save the profile.').message, 'Could not save the profile.');
  });

  test('stray spaces around text are trimmed before the rules apply', () => {
    assert.deepEqual(validate(ProfileForm, { username: '  ana  ', displayName: '\tAna\n' }), { username: 'ana', displayName: 'Ana' });
    // "  ab  " is five characters as typed but two after trimming: too short.
    assert.deepEqual(invalid({ username: '  ab  ' }).fields, { username: 'Use 3–20 letters or digits.' });
  });

  test('passwords are never trimmed: a space may be part of one', () => {
    const out = validate(ProfileForm, { username: 'ana', password: '  secret  ', newPassword: ' new one ' });
    assert.equal(out.password, '  secret  ');
    assert.equal(out.newPassword, ' new one ');
  });

  test('form strings are converted to numbers and booleans', () => {
    const out = validate(ProfileForm, { username: 'ana', age: '42', weight: '70.5', subscribed: 'true' });
    assert.deepEqual(out, { username: 'ana', age: 42, weight: 70.5, subscribed: true });
    assert.equal(typeof out.age, 'number');
    assert.deepEqual(Object.keys(invalid({ username: 'ana', age: 'forty' }).fields), ['age']);
  });

  test('a fraction typed into a whole-number field is refused, not silently cut down', () => {
    // A score of "4.5" must not be saved as 4 without a word.
    for (const age of ['42.5', '42.9']) {
      assert.deepEqual(Object.keys(invalid({ username: 'ana', age }).fields), ['age'], age);
    }
  });

  test('null sent for a text field is refused, not stored as the text "null"', () => {
    assert.deepEqual(Object.keys(invalid({ username: null }).fields), ['username']);
    assert.deepEqual(Object.keys(invalid({ username: 'ana', displayName: null }).fields), ['displayName']);
  });

  test('unknown fields are dropped, not passed on to the service', () => {
    const out = validate(ProfileForm, { username: 'ana', role: 'admin', isAdmin: 'true' });
    assert.deepEqual(out, { username: 'ana' });
  });

  test('the caller’s input is not modified', () => {
    const input = { username: '  ana  ', age: '42' };
    validate(ProfileForm, input);
    assert.deepEqual(input, { username: '  ana  ', age: '42' });
  });

  test('input that is not an object at all is refused', () => {
    for (const input of [null, undefined, 'username=ana', 42, ['ana']]) {
      assert.ok(invalid(input) instanceof Invalid, JSON.stringify(input));
    }
  });
});

test('a select with an empty choice still turns digits into the id it names', () => {
  const schema = Type.Object({ groupId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null(), Type.Literal('')])) });
  assert.deepEqual(validate(schema, { groupId: '7' }), { groupId: 7 });
  assert.deepEqual(validate(schema, { groupId: '' }), { groupId: '' });
  assert.throws(() => validate(schema, { groupId: '7.5' }), /Check the highlighted fields/);
});
