// Multipart forms over a real socket: the CSRF token is read from the body's first field, a forged
// upload is refused before its file is read (nothing reaches the upload folder, and the answer comes
// while the client is still sending), and a body a route leaves unread is drained so the connection
// serves the next request.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { request as httpRequest, Agent, type ClientRequest, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test/build-test-app.js';
import { createUser, TEST_PASSWORD } from '../../test/factories.js';
import { Browser } from '../../test/http.js';
import { testDatabases } from '../../test/services.js';

const boundary = '----fms-multipart-test';

function fieldPart(name: string, value: string): Buffer {
  return Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
}

function fileHeader(name: string, filename: string): Buffer {
  return Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n`);
}

const end = Buffer.from(`\r\n--${boundary}--\r\n`);

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

async function signedIn(app: FastifyInstance, role: 'admin' | 'lecturer', ctx: Parameters<typeof createUser>[0]) {
  const user = await createUser(ctx, { role });
  const browser = new Browser(app);
  await browser.signIn(user.username, TEST_PASSWORD);
  const token = await browser.csrfToken('/dashboard');
  const cookie = [...browser.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
  return { token, cookie };
}

/** Starts a multipart POST that announces `length` bytes; the caller writes the body. */
function startPost(base: string, path: string, cookie: string, length: number, agent?: Agent) {
  const request = httpRequest(`${base}${path}`, {
    method: 'POST',
    agent,
    headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(length) },
  });
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    request.on('response', resolve);
    request.on('error', reject);
  });
  return { request, answered };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function bodyOf(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function write(request: ClientRequest, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (request.write(bytes)) resolve();
    else request.once('drain', resolve);
  });
}

for (const database of await testDatabases()) {
  describe(`multipart forms over a socket on ${database}`, () => {
    test('a forged upload is refused with 403 after its first part: the file is not read and nothing is stored', async (t) => {
      const { app, ctx, config } = await buildTestApp(t, { database });
      const { cookie } = await signedIn(app, 'admin', ctx);
      const base = await app.listen({ host: '127.0.0.1', port: 0 });
      const fileBytes = 12 * 1024 * 1024;
      const firstParts = [
        ['a wrong token', Buffer.concat([fieldPart('_csrf', 'forged-token-value'), fieldPart('kind', 'students')])],
        ['no token, the file first', Buffer.alloc(0)],
      ] as const;
      for (const [what, before] of firstParts) {
        const head = Buffer.concat([before, fileHeader('file', 'students.csv')]);
        const { request, answered } = startPost(base, '/admin/imports', cookie, head.length + fileBytes + end.length);
        request.on('error', () => {}); // the server closes the connection under the rest of the body
        await write(request, head);
        await write(request, Buffer.alloc(256 * 1024, 'a'));
        // Only a quarter of a megabyte of 12 has been sent: the answer cannot wait for the rest.
        const response = await within(answered, 10_000, `${what}: the 403 must come before the file is sent`);
        assert.equal(response.statusCode, 403, what);
        assert.equal(response.headers.connection, 'close', `${what}: the connection closes instead of taking in the file`);
        assert.match(await bodyOf(response), /This form has expired or was not sent from FMS/);
        request.destroy();
      }
      assert.deepEqual(filesUnder(config.uploadFolder), [], 'nothing reached the upload folder');
      const imports = await ctx.db.selectFrom('imports').select('id').execute();
      assert.deepEqual(imports, [], 'no import was started');
    });

    test('the same upload with the token as its first field goes through', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { cookie, token } = await signedIn(app, 'admin', ctx);
      const base = await app.listen({ host: '127.0.0.1', port: 0 });
      const csv = Buffer.from('Student number,Last name,First name\n2026-0001,Novak,Ana\n');
      const body = Buffer.concat([fieldPart('_csrf', token), fieldPart('kind', 'students'), fileHeader('file', 'students.csv'), csv, end]);
      const { request, answered } = startPost(base, '/admin/imports', cookie, body.length);
      request.end(body);
      const response = await within(answered, 10_000, 'the upload');
      assert.equal(response.statusCode, 303, await bodyOf(response));
      assert.match(String(response.headers.location), /^\/admin\/imports\/\d+$/, 'on to the report: no token in the address');
    });

    test('a body the route refuses unread is drained: the kept-alive connection serves the next request', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      // A lecturer passes the CSRF check but may not import: the route answers 403 without reading the file.
      const { cookie, token } = await signedIn(app, 'lecturer', ctx);
      const base = await app.listen({ host: '127.0.0.1', port: 0 });
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      t.after(() => agent.destroy());
      const body = Buffer.concat([fieldPart('_csrf', token), fieldPart('kind', 'students'), fileHeader('file', 'big.csv'), Buffer.alloc(2 * 1024 * 1024, 'a'), end]);
      const { request, answered } = startPost(base, '/admin/imports', cookie, body.length, agent);
      request.end(body);
      const refused = await within(answered, 10_000, 'the refused upload');
      assert.equal(refused.statusCode, 403);
      assert.notEqual(refused.headers.connection, 'close');
      await bodyOf(refused);

      const next = httpRequest(`${base}/dashboard`, { agent, headers: { cookie } });
      const nextAnswered = new Promise<IncomingMessage>((resolve, reject) => next.on('response', resolve).on('error', reject));
      next.end();
      const page = await within(nextAnswered, 10_000, 'the next request on the same connection');
      assert.equal(page.statusCode, 200);
      assert.equal(next.reusedSocket, true, 'the same connection served it');
      await bodyOf(page);
    });
  });
}
