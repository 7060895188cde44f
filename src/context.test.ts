import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemActor } from './access.js';
import { signedInActor, type ServiceContext } from './context.js';
import { NotFound } from './lib/errors.js';

test('signedInActor: the actor when there is one; with nobody signed in, 404 like any record out of scope', () => {
  const ctx = { actor: systemActor } as ServiceContext;
  assert.equal(signedInActor(ctx), systemActor);
  assert.throws(() => signedInActor({ ...ctx, actor: null }), (e: unknown) => e instanceof NotFound && e.statusCode === 404);
});
