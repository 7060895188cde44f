// Streamed uploads through the app as buildApp() makes it (its sessions, CSRF check and multipart
// parser), with routes of its own calling receiveFiles(), and the local storage driver in a temporary
// folder: what is stored and recorded, what every refusal leaves (nothing), and that a file reaches
// storage while it is still arriving instead of being gathered in memory first. The database only
// holds the signed-in session here, so the suite runs on SQLite alone.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline, Transform } from 'node:stream';
import { describe, test, type TestContext } from 'node:test';
import type { FastifyReply, FastifyRequest } from 'fastify';
// eslint-disable-next-line import-x/no-restricted-paths -- a test: the whole app, with upload routes of its own added before it starts
import { buildApp } from '../app.js';
import type { ServiceContext } from '../context.js';
import { migrateOrThrow } from '../db/migrator.js';
import { ManualClock } from '../lib/clock.js';
import { Conflict } from '../lib/errors.js';
import { createLocalStorage, storedSha256, type Storage } from '../storage/index.js';
import { collectGarbage } from '../../test/collect-garbage.js';
import { openTestDatabase, testConfig } from '../../test/build-test-app.js';
import { createApiToken, createUser, TEST_PASSWORD } from '../../test/factories.js';
import { Browser } from '../../test/http.js';
import { waitFor } from '../../test/wait-for.js';
import { acceptsFiles, cleanContentType, cleanFileName, receiveFiles, type ReceivedForm } from './streamed-uploads.js';

const KB = 1024;
const MB = 1024 * KB;
const boundary = '----fms-streamed-upload-test';

type FormPart = { name: string; value: string } | { name: string; filename: string; type?: string; bytes: Buffer };

function partHead(part: FormPart): Buffer {
  if ('value' in part) return Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`);
  return Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.type ?? 'application/pdf'}\r\n\r\n`);
}

function multipart(parts: FormPart[]): Buffer {
  const pieces: Buffer[] = [];
  for (const part of parts) {
    pieces.push(partHead(part));
    if (!('value' in part)) pieces.push(part.bytes, Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(pieces);
}

const fileEnd = Buffer.from(`\r\n--${boundary}--\r\n`);

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Every file in the folder, the drivers' hidden temporary files included. */
function filesUnder(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The local driver, counting the bytes each put takes in: the test sees when storage has them. */
function watched(storage: Storage) {
  const seen = { puts: 0, bytes: 0 };
  const watching: Storage = {
    ...storage,
    put(key, stream, options) {
      seen.puts++;
      const counting = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          seen.bytes += chunk.length;
          done(null, chunk);
        },
      });
      return storage.put(key, pipeline(stream, counting, () => {}), options);
    },
  };
  return { storage: watching, seen };
}

const quietLog = { info() {}, warn() {}, error() {}, debug() {} };

interface Handled {
  form?: ReceivedForm;
  error?: unknown;
}

/**
 * The app with three upload routes: materials (up to three `file`s, the caller's work failing on
 * request), an optional single attachment, and the same materials route under /api/v1 for tokens.
 */
async function uploadApp(t: TestContext, maxContentLength: number) {
  const { db } = await openTestDatabase(t, 'sqlite');
  await migrateOrThrow(db);
  const folder = mkdtempSync(join(tmpdir(), 'fms-streamed-'));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  const config = testConfig({ UPLOAD_FOLDER: folder, MAX_CONTENT_LENGTH: String(maxContentLength) });
  const { storage, seen } = watched(createLocalStorage(folder));
  const clock = new ManualClock(new Date());
  const app = await buildApp({ config, db, clock, storage, logger: false, maintenanceCacheMs: 0, pressure: { maxEventLoopDelay: 10_000 } });
  // Uploads a failed test left open would keep the server from closing.
  const uploading = new Set<ClientRequest>();
  t.after(async () => {
    for (const request of uploading) request.destroy();
    await app.close();
  });

  const handled: Handled[] = [];
  const materials = async (request: FastifyRequest) => {
    const outcome: Handled = {};
    handled.push(outcome);
    try {
      const form = (outcome.form = await receiveFiles(request));
      if (form.fields.outcome === 'the transaction fails') {
        await form.discard();
        throw new Conflict('The materials could not be recorded.');
      }
      return { fields: form.fields, files: form.files };
    } catch (error) {
      outcome.error = error;
      throw error;
    }
  };
  app.post('/test/materials', { config: acceptsFiles(3) }, materials);
  app.post('/api/v1/test/materials', { config: acceptsFiles(3) }, materials);
  app.post('/test/attachment', async (request: FastifyRequest, _reply: FastifyReply) => {
    const form = await receiveFiles(request, { field: 'attachment', required: false });
    return { fields: form.fields, files: form.files };
  });
  await app.ready();

  const ctx: ServiceContext = { db, actor: null, clock, config, log: quietLog, ip: null };
  const user = await createUser(ctx, { role: 'lecturer' });
  const browser = new Browser(app);
  await browser.signIn(user.username, TEST_PASSWORD);
  const token = await browser.csrfToken('/dashboard');
  const cookie = [...browser.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');

  const post = (url: string, parts: FormPart[], headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url,
      headers: { cookie, accept: 'application/json', 'content-type': `multipart/form-data; boundary=${boundary}`, ...headers },
      payload: multipart(parts),
    });
  /** A form as the browser sends it: the CSRF token first. */
  const send = (url: string, parts: FormPart[]) => post(url, [{ name: '_csrf', value: token }, ...parts]);

  /** Starts a multipart POST of `length` bytes over a socket (after app.listen); the caller writes the body. */
  function startPost(base: string, path: string, length: number) {
    const request = httpRequest(`${base}${path}`, {
      method: 'POST',
      headers: { cookie, accept: 'application/json', 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(length) },
    });
    uploading.add(request);
    const answered = new Promise<IncomingMessage>((resolve, reject) => {
      request.on('response', resolve);
      request.on('error', reject);
    });
    return { request, answered };
  }

  async function stored(): Promise<string[]> {
    const keys: string[] = [];
    for await (const object of storage.list()) keys.push(object.key);
    return keys;
  }

  return { app, ctx, user, folder, storage, seen, token, handled, post, send, startPost, stored };
}

interface StoredFileJson {
  storageKey: string;
  originalName: string;
  contentType: string;
  size: number;
  sha256: string;
}

describe('streamed uploads', () => {
  test('one file is stored under a new key with its name, type, size and SHA-256; fields before and after it are kept', async (t) => {
    const { send, storage, stored } = await uploadApp(t, 64 * KB);
    const bytes = Buffer.from('%PDF-1.7\n'.padEnd(40 * KB, 'x'));
    const response = await send('/test/materials', [
      { name: 'subject', value: 'Algebra' },
      { name: 'file', filename: 'Lecture 1.pdf', type: 'application/pdf', bytes },
      { name: 'title', value: 'Week one' },
    ]);
    assert.equal(response.statusCode, 200, response.body);
    const { fields, files } = response.json<{ fields: Record<string, string>; files: StoredFileJson[] }>();
    assert.deepEqual(fields, { subject: 'Algebra', title: 'Week one' });
    assert.equal(files.length, 1);
    const [file] = files;
    assert.match(file!.storageKey, /^\d{4}\/\d{2}\/[A-Za-z0-9_-]{22}$/, 'a key of the app, not the client name');
    assert.deepEqual({ ...file, storageKey: undefined }, { storageKey: undefined, originalName: 'Lecture 1.pdf', contentType: 'application/pdf', size: bytes.length, sha256: sha256(bytes) });
    assert.deepEqual(await stored(), [file!.storageKey]);
    assert.deepEqual(await storedSha256(storage, file!.storageKey), { size: bytes.length, sha256: sha256(bytes) }, 'the bytes stored are the bytes sent');
  });

  test('several files are stored in the order sent, and a title after them still arrives', async (t) => {
    const { send, stored } = await uploadApp(t, 64 * KB);
    const sent = [Buffer.alloc(10 * KB, 'a'), Buffer.alloc(1, 'b'), Buffer.alloc(20 * KB, 'c')];
    const response = await send('/test/materials', [
      { name: 'file', filename: 'one.pdf', bytes: sent[0]! },
      { name: 'file', filename: 'two.txt', type: 'text/plain', bytes: sent[1]! },
      { name: 'file', filename: 'three.zip', type: 'application/zip', bytes: sent[2]! },
      { name: 'title', value: 'Exercises' },
    ]);
    assert.equal(response.statusCode, 200, response.body);
    const { fields, files } = response.json<{ fields: Record<string, string>; files: StoredFileJson[] }>();
    assert.deepEqual(fields, { title: 'Exercises' });
    assert.deepEqual(
      files.map((f) => [f.originalName, f.contentType, f.size, f.sha256]),
      [
        ['one.pdf', 'application/pdf', 10 * KB, sha256(sent[0]!)],
        ['two.txt', 'text/plain', 1, sha256(sent[1]!)],
        ['three.zip', 'application/zip', 20 * KB, sha256(sent[2]!)],
      ],
    );
    assert.equal(new Set(files.map((f) => f.storageKey)).size, 3, 'each file has a key of its own');
    assert.deepEqual((await stored()).sort(), files.map((f) => f.storageKey).sort());
  });

  test('a file over MAX_CONTENT_LENGTH is refused with 413 and nothing stays in storage, not even the files before it', async (t) => {
    const { send, folder, seen } = await uploadApp(t, 64 * KB);
    const response = await send('/test/materials', [
      { name: 'file', filename: 'small.pdf', bytes: Buffer.alloc(10 * KB, 'a') },
      { name: 'file', filename: 'huge.pdf', bytes: Buffer.alloc(64 * KB + 1, 'b') },
      { name: 'title', value: 'Too much' },
    ]);
    assert.equal(response.statusCode, 413, response.body);
    const { error } = response.json<{ error: { code: string; message: string; fields: Record<string, string> } }>();
    assert.equal(error.code, 'too_large');
    assert.equal(error.message, 'The file is larger than the limit of 64 KB.');
    assert.deepEqual(error.fields, { file: 'Choose a file of at most 64 KB.' });
    assert.equal(seen.puts, 2, 'both files went to storage as they arrived');
    assert.deepEqual(filesUnder(folder), [], 'the stored file and the partial one are gone');
  });

  test('a file of exactly MAX_CONTENT_LENGTH is accepted', async (t) => {
    const { send } = await uploadApp(t, 64 * KB);
    const response = await send('/test/materials', [{ name: 'file', filename: 'edge.pdf', bytes: Buffer.alloc(64 * KB, 'e') }]);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json<{ files: StoredFileJson[] }>().files[0]!.size, 64 * KB);
  });

  test('files that together pass MAX_CONTENT_LENGTH are refused with 413, as the whole request would be behind nginx', async (t) => {
    const { send, folder } = await uploadApp(t, 64 * KB);
    const response = await send('/test/materials', [
      { name: 'file', filename: 'a.pdf', bytes: Buffer.alloc(40 * KB, 'a') },
      { name: 'file', filename: 'b.pdf', bytes: Buffer.alloc(40 * KB, 'b') },
    ]);
    assert.equal(response.statusCode, 413, response.body);
    const { error } = response.json<{ error: { message: string; fields: Record<string, string> } }>();
    assert.equal(error.message, 'The files together are larger than the limit of 64 KB.');
    assert.deepEqual(error.fields, { file: 'Choose files of at most 64 KB in all, or upload them a few at a time.' });
    assert.deepEqual(filesUnder(folder), []);
  });

  test('an empty file is refused naming it, and the files stored before it are deleted', async (t) => {
    const { send, folder } = await uploadApp(t, 64 * KB);
    const response = await send('/test/materials', [
      { name: 'file', filename: 'notes.pdf', bytes: Buffer.alloc(5 * KB, 'n') },
      { name: 'file', filename: 'blank.pdf', bytes: Buffer.alloc(0) },
    ]);
    assert.equal(response.statusCode, 422, response.body);
    const { error } = response.json<{ error: { message: string; fields: Record<string, string> } }>();
    assert.equal(error.message, 'The file "blank.pdf" is empty.');
    assert.deepEqual(error.fields, { file: 'Choose a file that is not empty: "blank.pdf" has no content.' });
    assert.deepEqual(filesUnder(folder), []);
  });

  test('more files than the route takes are refused naming the field, and nothing is stored', async (t) => {
    const { send, folder } = await uploadApp(t, 64 * KB);
    const four = ['1', '2', '3', '4'].map((n) => ({ name: 'file', filename: `part${n}.pdf`, bytes: Buffer.alloc(KB, n) }));
    const response = await send('/test/materials', four);
    assert.equal(response.statusCode, 422, response.body);
    const { error } = response.json<{ error: { message: string; fields: Record<string, string> } }>();
    assert.equal(error.message, 'Too many files: this form takes at most 3 files.');
    assert.deepEqual(error.fields, { file: 'Choose at most 3 files at a time.' });
    assert.deepEqual(filesUnder(folder), []);

    // A route that did not say otherwise takes one file, as every other form.
    const two = await send('/test/attachment', [
      { name: 'attachment', filename: 'a.pdf', bytes: Buffer.alloc(KB, 'a') },
      { name: 'attachment', filename: 'b.pdf', bytes: Buffer.alloc(KB, 'b') },
    ]);
    assert.equal(two.statusCode, 422, two.body);
    assert.deepEqual(two.json<{ error: { fields: Record<string, string> } }>().error.fields, { attachment: 'Choose one file at a time.' });
    assert.deepEqual(filesUnder(folder), []);
  });

  test('a file input left empty is no file: an optional attachment gives none, a required one asks for a file', async (t) => {
    const { send, seen } = await uploadApp(t, 64 * KB);
    const optional = await send('/test/attachment', [
      { name: 'note', value: 'See you' },
      { name: 'attachment', filename: '', type: 'application/octet-stream', bytes: Buffer.alloc(0) },
    ]);
    assert.equal(optional.statusCode, 200, optional.body);
    assert.deepEqual(optional.json(), { fields: { note: 'See you' }, files: [] });

    const required = await send('/test/materials', [{ name: 'file', filename: '', type: 'application/octet-stream', bytes: Buffer.alloc(0) }]);
    assert.equal(required.statusCode, 422, required.body);
    assert.deepEqual(required.json<{ error: { fields: Record<string, string> } }>().error.fields, { file: 'Choose a file to upload; none was sent.' });
    assert.equal(seen.puts, 0, 'nothing was sent to storage for an empty input');
  });

  test('when the caller\'s work fails after the files are in, discard() leaves storage empty', async (t) => {
    const { send, folder, seen } = await uploadApp(t, 64 * KB);
    const response = await send('/test/materials', [
      { name: 'file', filename: 'a.pdf', bytes: Buffer.alloc(KB, 'a') },
      { name: 'file', filename: 'b.pdf', bytes: Buffer.alloc(KB, 'b') },
      { name: 'outcome', value: 'the transaction fails' },
    ]);
    assert.equal(response.statusCode, 409, response.body);
    assert.equal(seen.puts, 2);
    assert.deepEqual(filesUnder(folder), []);
  });

  test('a form without its CSRF token is refused before any of it is stored; the token in htmx\'s header still works', async (t) => {
    const { post, seen, folder, token } = await uploadApp(t, 64 * KB);
    const file = { name: 'file', filename: 'a.pdf', bytes: Buffer.alloc(KB, 'a') };
    for (const [what, parts] of [
      ['no token', [file]],
      ['a forged token', [{ name: '_csrf', value: 'forged' }, file]],
    ] as const) {
      const response = await post('/test/materials', [...parts]);
      assert.equal(response.statusCode, 403, `${what}: ${response.body}`);
    }
    assert.equal(seen.puts, 0, 'storage was never asked');
    assert.deepEqual(filesUnder(folder), []);

    const htmx = await post('/test/materials', [file], { 'x-csrf-token': token });
    assert.equal(htmx.statusCode, 200, htmx.body);
  });

  test('an API token needs no CSRF token, and the route\'s file limit holds there too', async (t) => {
    const { app, ctx, user, folder } = await uploadApp(t, 64 * KB);
    const apiToken = await createApiToken(ctx, user.id);
    const files = ['1', '2', '3'].map((n) => ({ name: 'file', filename: `part${n}.pdf`, bytes: Buffer.alloc(KB, n) }));
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/test/materials',
      headers: { authorization: `Bearer ${apiToken}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: multipart(files),
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json<{ files: StoredFileJson[] }>().files.length, 3);
    assert.equal(filesUnder(folder).length, 3);
  });

  test('the client\'s name is shown as its base name without control characters; its type is kept only when well formed', async (t) => {
    const { send } = await uploadApp(t, 64 * KB);
    const bytes = Buffer.from('hello');
    const cases: [filename: string, type: string, name: string, contentType: string][] = [
      ['Vježba 1 — uvod.pdf', 'application/pdf', 'Vježba 1 — uvod.pdf', 'application/pdf'],
      ['..\\..\\windows\\win.ini', 'Text/Plain; charset=UTF-8', 'win.ini', 'text/plain'],
      ['report\u202Efdp.exe', 'application/x-msdownload', 'reportfdp.exe', 'application/x-msdownload'],
      ['tab\there.txt', 'not a type', 'tabhere.txt', 'application/octet-stream'],
    ];
    for (const [filename, type, name, contentType] of cases) {
      const response = await send('/test/materials', [{ name: 'file', filename, type, bytes }]);
      assert.equal(response.statusCode, 200, `${filename}: ${response.body}`);
      const [file] = response.json<{ files: StoredFileJson[] }>().files;
      assert.deepEqual([file!.originalName, file!.contentType], [name, contentType], filename);
      assert.doesNotMatch(file!.storageKey, /win|report|tab|uvod/, 'the key owes nothing to the name');
    }
  });

  test('names and types are cleaned for display and for the files table', () => {
    assert.equal(cleanFileName('/etc/passwd'), 'passwd');
    assert.equal(cleanFileName('..'), 'upload');
    assert.equal(cleanFileName('\u0000\u0007'), 'upload');
    const long = `${'a'.repeat(300)}.pdf`;
    assert.equal(cleanFileName(long).length, 255);
    assert.ok(cleanFileName(long).endsWith('.pdf'), 'a long name keeps its extension');
    assert.equal(cleanContentType('image/svg+xml'), 'image/svg+xml');
    assert.equal(cleanContentType('text/html\r\nSet-Cookie: a=b'), 'application/octet-stream');
    assert.equal(cleanContentType(''), 'application/octet-stream');
    assert.equal(cleanContentType('application/vnd.openxmlformats-officedocument.wordprocessingml.document'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  });
});

function write(request: ClientRequest, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (request.write(bytes)) resolve();
    else request.once('drain', resolve);
  });
}

async function bodyOf(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('streamed uploads over a socket', () => {
  test('a client that goes away mid-upload leaves nothing in storage: neither the file it was sending nor the one before', async (t) => {
    const { app, folder, seen, token, handled, startPost, stored } = await uploadApp(t, 50 * MB);
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const first = Buffer.alloc(100 * KB, 'f');
    const head = Buffer.concat([
      partHead({ name: '_csrf', value: token }),
      partHead({ name: 'file', filename: 'slides.pdf', bytes: first }),
      first,
      Buffer.from('\r\n'),
      partHead({ name: 'file', filename: 'lecture.mp4', type: 'video/mp4', bytes: Buffer.alloc(0) }),
    ]);
    const { request, answered } = startPost(base, '/test/materials', head.length + 10 * MB + fileEnd.length);
    answered.catch(() => {}); // no answer comes: the client has gone
    await write(request, head);
    await write(request, Buffer.alloc(512 * KB, 'p'));
    await waitFor('the second file to reach storage', () => seen.puts === 2 && seen.bytes > first.length, { seen: () => `${seen.puts} puts, ${seen.bytes} bytes` });
    assert.equal((await stored()).length, 1, 'the first file is stored');
    assert.equal(filesUnder(folder).length, 2, 'and the second is being written');
    request.destroy();
    await waitFor('the route to give up', () => handled[0]?.error !== undefined || handled[0]?.form !== undefined);
    assert.equal(handled[0]!.form, undefined, 'the route got no form');
    await waitFor('both files to be removed', () => filesUnder(folder).length === 0, { seen: () => filesUnder(folder).join(', ') });
  });

  test('a 30 MB file reaches storage while it is still arriving, and the memory held stays far below its size', async (t) => {
    const { app, storage, seen, token, startPost } = await uploadApp(t, 50 * MB);
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const gc = collectGarbage;
    const chunk = Buffer.alloc(64 * KB);
    for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31) % 251;
    const chunks = (30 * MB) / chunk.length;
    const expected = createHash('sha256');
    for (let i = 0; i < chunks; i++) expected.update(chunk);

    const head = Buffer.concat([partHead({ name: '_csrf', value: token }), partHead({ name: 'file', filename: 'recording.zip', type: 'application/zip', bytes: Buffer.alloc(0) })]);
    const { request, answered } = startPost(base, '/test/materials', head.length + 30 * MB + fileEnd.length);
    gc();
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = 0;
    const sample = () => {
      gc();
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
    };

    // The first 2 MB, then a pause: a reader that gathered the file would have given storage nothing yet.
    await write(request, head);
    for (let i = 0; i < (2 * MB) / chunk.length; i++) await write(request, chunk);
    await waitFor('storage to receive bytes while 28 MB are still to come', () => seen.bytes >= MB, { seen: () => `${seen.bytes} bytes` });

    for (let i = (2 * MB) / chunk.length; i < chunks; i++) {
      await write(request, chunk);
      if (i % 32 === 0) sample();
    }
    request.end(fileEnd);
    const response = await answered;
    const body = await bodyOf(response);
    sample();
    assert.equal(response.statusCode, 200, body);
    const [file] = (JSON.parse(body) as { files: StoredFileJson[] }).files;
    assert.deepEqual([file!.size, file!.sha256], [30 * MB, expected.digest('hex')]);
    assert.deepEqual(await storedSha256(storage, file!.storageKey), { size: 30 * MB, sha256: file!.sha256 });
    // Holding the file would take 30 MB; streaming holds a few buffers of 64 KB.
    assert.ok(peak < 4 * MB, `the buffers held grew by ${(peak / MB).toFixed(1)} MB during a 30 MB upload`);
  });
});
