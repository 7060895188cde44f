// reply.html(): the page goes out as UTF-8 bytes with their own length, whether the view gave a
// string or (an async component) a promise of one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fastifyCookie from '@fastify/cookie';
import Fastify from 'fastify';
import fp from 'fastify-plugin';
import html from './html.js';

test('reply.html sends a page from a string or a promise as UTF-8 of the right length; a failed one is a 500', async (t) => {
  const app = Fastify();
  t.after(() => app.close());
  app.decorate('deps', { config: { cookieSecure: false } } as never);
  await app.register(fastifyCookie, { secret: 'a secret of the test, long enough' });
  // html() declares its need of the CSRF plugin, for pageContext(), which no route here calls.
  await app.register(fp(async () => {}, { name: 'fms-csrf' }));
  await app.register(html);
  app.get('/string', (_request, reply) => reply.html('<p>Šarić — Петрова</p>'));
  app.get('/promise', (_request, reply) => reply.html(Promise.resolve('<p>Միքայել</p>')));
  app.get('/rejected', (_request, reply) => reply.html(Promise.reject(new Error('a view failed'))));

  for (const [path, page] of [['/string', '<p>Šarić — Петрова</p>'], ['/promise', '<p>Միքայել</p>']] as const) {
    const answer = await app.inject(path);
    assert.equal(answer.statusCode, 200, path);
    assert.equal(answer.body, page, path);
    assert.equal(answer.headers['content-type'], 'text/html; charset=utf-8', path);
    assert.equal(answer.headers['content-length'], String(Buffer.byteLength(page)), path);
  }
  assert.equal((await app.inject('/rejected')).statusCode, 500);
});
