// What validate() refuses an input with, or null when it takes it: for tests of the field rules.
import assert from 'node:assert/strict';
import type { TSchema } from 'typebox';
import { Invalid } from '../src/lib/errors.js';
import { validate } from '../src/lib/validation.js';

export function refusal(schema: TSchema, input: Record<string, unknown>): Invalid | null {
  try {
    validate(schema, input);
    return null;
  } catch (error) {
    assert.ok(error instanceof Invalid, String(error));
    return error;
  }
}
