// The deferred response serializers answer exactly as Fastify's own (only the schema's properties,
// shared schemas by reference), and build each route's serializer once, on its first answer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import Fastify from 'fastify';
import { deferredSerializers } from './lazy-serializers.js';

test('serializers are built on a route’s first answer, once, and answer as Fastify’s own', async (t) => {
  const built: string[] = [];
  const eager = SerializerSelector();
  const counted: ReturnType<typeof SerializerSelector> = (externalSchemas, options) => {
    const compile = eager(externalSchemas, options);
    return (route) => {
      built.push(route.url);
      return compile(route);
    };
  };
  const app = Fastify({ schemaController: { compilersFactory: { buildSerializer: deferredSerializers(counted) } } });
  t.after(() => app.close());
  app.addSchema({ $id: 'Person', type: 'object', properties: { name: { type: 'string' } } });
  const person = { name: 'Ana', passwordHash: 'secret' };
  app.get('/own', { schema: { response: { 200: { type: 'object', properties: { name: { type: 'string' } } } } } }, async () => person);
  app.get('/shared', { schema: { response: { 200: { type: 'object', properties: { person: { $ref: 'Person#' }, count: { type: 'integer' } } } } } }, async () => ({ person, count: '7', extra: true }));
  app.get('/unused', { schema: { response: { 200: { type: 'object', properties: { never: { type: 'string' } } } } } }, async () => ({ never: 'x' }));
  await app.ready();
  assert.deepEqual(built, [], 'nothing is built before the first answer');

  const own = await app.inject({ url: '/own' });
  assert.equal(own.statusCode, 200);
  assert.equal(own.body, '{"name":"Ana"}', 'the hash is left out: the schema was applied');
  const shared = await app.inject({ url: '/shared' });
  assert.equal(shared.body, '{"person":{"name":"Ana"},"count":7}', 'the shared schema by reference; the integer coerced as Fastify does');
  assert.equal((await app.inject({ url: '/own' })).body, own.body);
  assert.equal((await app.inject({ url: '/shared' })).body, shared.body);
  assert.deepEqual(built, ['/own', '/shared'], 'one build per route answered, none for the route never asked');
});
