// One suite, run over both drivers: the local folder and S3 (a real S3-compatible server, s3rver,
// started on 127.0.0.1 for these tests). Then what only one driver does: the upload folder's
// start-up check, the bucket's health reasons, and the configuration that picks the driver.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../config/index.js';
import {
  assertUploadFolderWritable,
  createLocalStorage,
  createS3Storage,
  createStorage,
  InvalidStorageKey,
  newStorageKey,
  ObjectNotFound,
  processUser,
  RangeNotSatisfiable,
  SizeMismatch,
  storedSha256,
  UploadFolderNotWritable,
  type Storage,
} from './index.js';
import { diagnoseUploadFolder } from './local.js';
import { startS3rver, type LocalS3 } from './test-s3-server.js';
import { collectGarbage } from '../../test/collect-garbage.js';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function keysOf(storage: Storage, prefix?: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of storage.list(prefix)) keys.push(object.key);
  return keys.sort();
}

/** `total` bytes in fresh 64 KiB chunks, then optionally an error, as a slow client's upload would. */
function generated(total: number, options: { failAfter?: number; onChunk?: () => void } = {}): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (options.failAfter !== undefined && sent >= options.failAfter) {
        this.destroy(new Error('client went away'));
        return;
      }
      if (sent >= total) {
        this.push(null);
        return;
      }
      const size = Math.min(64 * 1024, total - sent);
      const chunk = Buffer.alloc(size, sent % 251);
      sent += size;
      options.onChunk?.();
      this.push(chunk);
    },
  });
}

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}


interface Driver {
  name: string;
  open(): Promise<Storage>;
  /** Every file or object the driver holds, including leftovers a listing would hide. */
  leftovers(): Promise<string[]>;
  close(): Promise<void>;
}

function localDriver(): Driver {
  let folder = '';
  let storage: Storage;
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name).slice(folder.length + 1)]));
  return {
    name: 'local folder',
    async open() {
      folder = tempDir('fms-uploads-');
      storage = createLocalStorage(folder);
      return storage;
    },
    leftovers: async () => walk(folder).sort(),
    async close() {
      await storage.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

function s3Driver(): Driver {
  let s3: LocalS3;
  let storage: Storage;
  return {
    name: 'S3 (s3rver)',
    async open() {
      s3 = await startS3rver();
      storage = createS3Storage(s3.target);
      return storage;
    },
    leftovers: () => keysOf(storage),
    async close() {
      await storage.close();
      await s3.stop();
    },
  };
}

for (const driver of [localDriver(), s3Driver()]) {
  describe(`storage on ${driver.name}`, () => {
    let storage: Storage;
    before(async () => {
      storage = await driver.open();
    });
    after(() => driver.close());

    test('put, get, exists, list and delete round-trip', async () => {
      const text = 'Lecture 1: the syllabus\n';
      const put = await storage.put('2026/02/syllabus', Readable.from([Buffer.from(text)]), { contentType: 'text/plain' });
      assert.deepEqual(put, { size: Buffer.byteLength(text), sha256: sha256(text) });
      await storage.put('2026/02/photo_1.jpg', Readable.from([randomBytes(3000)]), { contentType: 'image/jpeg' });
      await storage.put('2026/03/exercise-2', Readable.from([Buffer.from('x')]), { contentType: 'application/pdf' });

      assert.equal(await storage.exists('2026/02/syllabus'), true);
      assert.equal(await storage.exists('2026/02/nothing'), false);
      assert.equal(await storage.exists('2026/02'), false, 'a folder is not an object');

      const got = await storage.get('2026/02/syllabus');
      assert.equal(got.size, Buffer.byteLength(text));
      assert.equal((await readAll(got.stream)).toString(), text);
      if (storage.kind === 's3') assert.equal(got.contentType, 'text/plain');

      assert.deepEqual(await keysOf(storage, '2026/02/'), ['2026/02/photo_1.jpg', '2026/02/syllabus']);
      assert.deepEqual(await keysOf(storage, '2026/02/s'), ['2026/02/syllabus']);
      const all: Record<string, number> = {};
      for await (const o of storage.list()) all[o.key] = o.size;
      assert.deepEqual(all, { '2026/02/syllabus': Buffer.byteLength(text), '2026/02/photo_1.jpg': 3000, '2026/03/exercise-2': 1 });

      // A put under an existing key replaces it.
      await storage.put('2026/03/exercise-2', Readable.from([Buffer.from('second version')]), { contentType: 'application/pdf' });
      assert.equal((await readAll((await storage.get('2026/03/exercise-2')).stream)).toString(), 'second version');

      for (const key of ['2026/02/syllabus', '2026/02/photo_1.jpg', '2026/03/exercise-2']) await storage.delete(key);
      assert.deepEqual(await keysOf(storage), []);
      assert.equal(await storage.exists('2026/02/syllabus'), false);
    });

    test('a missing key: get throws ObjectNotFound (a 404), exists is false, delete is quiet', async () => {
      await assert.rejects(storage.get('2026/01/missing'), (error: unknown) => {
        assert.ok(error instanceof ObjectNotFound);
        assert.equal(error.statusCode, 404);
        assert.equal(error.key, '2026/01/missing');
        return true;
      });
      await storage.delete('2026/01/missing');
    });

    test('an empty file is stored and read back', async () => {
      const put = await storage.put('2026/04/empty', Readable.from([]), { contentType: 'text/plain', size: 0 });
      assert.deepEqual(put, { size: 0, sha256: sha256('') });
      const got = await storage.get('2026/04/empty');
      assert.equal(got.size, 0);
      assert.equal((await readAll(got.stream)).length, 0);
      await storage.delete('2026/04/empty');
    });

    test('a range reads only its bytes: the start, the middle, the end, one byte, the whole file; size stays the whole size', async () => {
      const total = 200_000; // several read chunks, so a slice can start and end inside one
      const bytes = randomBytes(total);
      await storage.put('2026/04/slides', Readable.from([bytes]), { contentType: 'application/pdf' });
      const cases: [string, { start: number; end: number }, { start: number; end: number }][] = [
        ['the first 100 bytes', { start: 0, end: 99 }, { start: 0, end: 99 }],
        ['across chunks', { start: 70_000, end: 140_000 }, { start: 70_000, end: 140_000 }],
        ['the last 100 bytes', { start: total - 100, end: total - 1 }, { start: total - 100, end: total - 1 }],
        ['an end past the last byte is the last byte', { start: total - 10, end: total + 5000 }, { start: total - 10, end: total - 1 }],
        ['the first byte', { start: 0, end: 0 }, { start: 0, end: 0 }],
        ['one byte inside', { start: 12_345, end: 12_345 }, { start: 12_345, end: 12_345 }],
        ['the last byte', { start: total - 1, end: total - 1 }, { start: total - 1, end: total - 1 }],
        ['the whole file', { start: 0, end: total - 1 }, { start: 0, end: total - 1 }],
      ];
      for (const [what, range, read] of cases) {
        const got = await storage.get('2026/04/slides', { range });
        assert.equal(got.size, total, `${what}: size is the whole object's`);
        assert.deepEqual(got.range, read, what);
        assert.equal(got.length, read.end - read.start + 1, what);
        const body = await readAll(got.stream);
        assert.ok(body.equals(bytes.subarray(read.start, read.end + 1)), `${what}: the bytes ${read.start}-${read.end}`);
        if (storage.kind === 'local') assert.equal((got.stream as unknown as { bytesRead: number }).bytesRead, got.length, `${what}: only the slice was read from disk`);
      }
      const whole = await storage.get('2026/04/slides');
      assert.equal(whole.range, null);
      assert.equal(whole.length, total);
      assert.ok((await readAll(whole.stream)).equals(bytes));
      await storage.delete('2026/04/slides');
    });

    test('a range past the end is RangeNotSatisfiable (416), a range no request can mean is a RangeError', async () => {
      await storage.put('2026/04/ten', Readable.from([Buffer.from('0123456789')]), { contentType: 'text/plain' });
      await storage.put('2026/04/nothing', Readable.from([]), { contentType: 'text/plain' });
      const unsatisfiable = (key: string) => (error: unknown) => {
        assert.ok(error instanceof RangeNotSatisfiable, String(error));
        assert.equal(error.statusCode, 416);
        assert.equal(error.key, key);
        return true;
      };
      await assert.rejects(storage.get('2026/04/ten', { range: { start: 10, end: 20 } }), unsatisfiable('2026/04/ten'));
      await assert.rejects(storage.get('2026/04/nothing', { range: { start: 0, end: 0 } }), unsatisfiable('2026/04/nothing'), 'an empty file has no first byte');
      for (const range of [{ start: 5, end: 4 }, { start: -1, end: 3 }, { start: 1.5, end: 2 }, { start: 0, end: Number.NaN }]) {
        await assert.rejects(storage.get('2026/04/ten', { range }), RangeError, JSON.stringify(range));
      }
      await assert.rejects(storage.get('2026/04/missing', { range: { start: 0, end: 1 } }), ObjectNotFound);
      for (const key of ['2026/04/ten', '2026/04/nothing']) await storage.delete(key);
      assert.deepEqual(await driver.leftovers(), []);
    });

    test('keys are refused before anything is touched: ../x, /abs, a\\b and friends', async () => {
      for (const key of ['../x', '/abs', 'a\\b', 'a/../../etc/passwd', '2026/./x', 'a//b', '', 'a/.hidden', 'name with space', 'é']) {
        await assert.rejects(storage.put(key, Readable.from([Buffer.from('x')]), { contentType: 'text/plain' }), InvalidStorageKey, `put ${JSON.stringify(key)}`);
        await assert.rejects(storage.get(key), InvalidStorageKey, `get ${JSON.stringify(key)}`);
        await assert.rejects(storage.exists(key), InvalidStorageKey, `exists ${JSON.stringify(key)}`);
        await assert.rejects(storage.delete(key), InvalidStorageKey, `delete ${JSON.stringify(key)}`);
      }
      await assert.rejects(keysOf(storage, '../'), InvalidStorageKey);
      assert.deepEqual(await driver.leftovers(), []);
      const key = newStorageKey(new Date('2026-03-05T10:00:00Z'));
      assert.match(key, /^2026\/03\/[A-Za-z0-9_-]{22}$/);
    });

    test('a stream that fails halfway leaves no object and no partial file', async () => {
      // Small (one part, never sent) and large (a multipart upload already under way on S3).
      // Each with the size announced (one streamed PUT on S3) and without (a multipart form field).
      for (const [total, failAfter, size] of [
        [MiB, 256 * 1024, undefined],
        [12 * MiB, 7 * MiB, undefined],
        [MiB, 256 * 1024, MiB],
        [12 * MiB, 7 * MiB, 12 * MiB],
      ] as const) {
        await assert.rejects(storage.put('2026/05/broken', generated(total, { failAfter }), { contentType: 'application/pdf', size }), /client went away/);
        assert.equal(await storage.exists('2026/05/broken'), false);
        assert.deepEqual(await driver.leftovers(), [], 'no temporary or partial file remains');
      }
    });

    test('an aborted put and a size that does not match what was announced leave nothing', async () => {
      for (const size of [undefined, 8 * MiB]) {
        const controller = new AbortController();
        let chunks = 0;
        const onChunk = () => {
          if (++chunks === 20) controller.abort();
        };
        const put = storage.put('2026/05/aborted', generated(8 * MiB, { onChunk }), { contentType: 'video/mp4', size, signal: controller.signal });
        await assert.rejects(put);
      }
      await assert.rejects(storage.put('2026/05/short', generated(1000), { contentType: 'text/plain', size: 2000 }), SizeMismatch);
      await assert.rejects(storage.put('2026/05/long', generated(3000), { contentType: 'text/plain', size: 2000 }), SizeMismatch);
      assert.deepEqual(await driver.leftovers(), []);
    });

    test('a 20 MB upload streams through: the heap does not grow by anything near 20 MB', async (t) => {
      const total = 20 * MiB;
      // Announced (a known Content-Length, or a copy) and unannounced (a multipart form field).
      for (const size of [total, undefined]) {
        collectGarbage();
        const before = process.memoryUsage();
        let peakHeap = before.heapUsed;
        let peakBuffers = before.arrayBuffers;
        // A collection every 1 MiB makes the samples show what is still referenced, not garbage.
        let chunks = 0;
        const onChunk = () => {
          if (++chunks % 16 !== 0) return;
          collectGarbage();
          const now = process.memoryUsage();
          peakHeap = Math.max(peakHeap, now.heapUsed);
          peakBuffers = Math.max(peakBuffers, now.arrayBuffers);
        };
        const put = await storage.put('2026/06/lecture-recording', generated(total, { onChunk }), { contentType: 'video/mp4', size });
        assert.equal(put.size, total);
        const heapGrowth = (peakHeap - before.heapUsed) / MiB;
        const bufferGrowth = (peakBuffers - before.arrayBuffers) / MiB;
        t.diagnostic(
          `${driver.name}, size ${size === undefined ? 'unknown' : 'announced'}: peak heapUsed +${heapGrowth.toFixed(1)} MiB, ` +
            `peak arrayBuffers +${bufferGrowth.toFixed(1)} MiB for a 20 MiB upload`,
        );
        assert.ok(heapGrowth < 8, `heapUsed grew by ${heapGrowth.toFixed(1)} MiB`);
        // S3 needs each request's length up front: lib-storage's Upload holds the part in flight, the
        // next one filling and, for a moment, its concatenation: three 5 MiB parts, however large the
        // file. The folder holds a chunk or two.
        const bound = storage.kind === 's3' ? 3 * 5 + 3 : 4;
        assert.ok(bufferGrowth < bound, `buffers grew by ${bufferGrowth.toFixed(1)} MiB`);

        const read = await storedSha256(storage, '2026/06/lecture-recording');
        assert.deepEqual(read, put, 'what is read back hashes the same as what was written');
        await storage.delete('2026/06/lecture-recording');
      }
    });

    test('check() is ok, and describe() says where', async () => {
      assert.deepEqual(await storage.check(), { ok: true });
      assert.match(storage.describe(), storage.kind === 's3' ? /^s3:\/\/fms-uploads at http:\/\/127\.0\.0\.1:\d+$/ : /^folder \/.*fms-uploads-/);
    });
  });
}

/** The user nobody's uid (`-u`) or group name (`-gn`). */
const idOf = (flag: '-u' | '-gn') => spawnSync('id', [flag, 'nobody'], { encoding: 'utf8' }).stdout.trim();

/** assertUploadFolderWritable(dir) run by the user nobody: the error it throws, or why it could not run. */
function checkFolderAsNobody(dir: string): { name: string; message: string } | { missing: string } {
  const storage = fileURLToPath(new URL('./index.ts', import.meta.url));
  const script = `import(${JSON.stringify(storage)}).then(async (s) => { try { await s.assertUploadFolderWritable(process.argv[1]); console.log(JSON.stringify({ name: 'none', message: 'no error' })); } catch (e) { console.log(JSON.stringify({ name: e.constructor.name, message: e.message })); } })`;
  const run = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, '--import', 'tsx', '-e', script, dir], { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)), timeout: 120_000 });
  if (run.error) return { missing: `runuser could not run (${run.error.message}; Debian package util-linux)` };
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  if (run.status !== 0 || !line.startsWith('{')) return { missing: `nobody could not run node on this checkout (exit ${run.status}): ${run.stderr.trim().slice(0, 300)}` };
  return JSON.parse(line) as { name: string; message: string };
}

describe('the upload folder', () => {
  const user = processUser();

  function assertNamesPathAndUser(error: unknown, path: string) {
    assert.ok(error instanceof UploadFolderNotWritable, String(error));
    assert.ok(error.message.includes(path), `names the path: ${error.message}`);
    assert.ok(error.message.includes(user.name) && error.message.includes(`uid ${user.uid}`), `names the user: ${error.message}`);
    assert.ok(error.message.startsWith('UPLOAD_FOLDER '), 'names the variable');
    return true;
  }

  test('is created at start when missing', async (t: TestContext) => {
    const dir = tempDir('fms-folder-');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const folder = join(dir, 'var', 'uploads');
    await assertUploadFolderWritable(folder);
    assert.ok(statSync(folder).isDirectory());
  });

  test('that cannot be made (its parent is a file) stops the start, naming the path, the user and the culprit', async (t) => {
    // Works as root too: no permission bit stops root, but nothing can be created under a file.
    const dir = tempDir('fms-folder-');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'data'), 'not a folder');
    const folder = join(dir, 'data', 'uploads');
    await assert.rejects(assertUploadFolderWritable(folder), (error) => {
      assertNamesPathAndUser(error, folder);
      assert.match((error as Error).message, new RegExp(`${join(dir, 'data')} is a file`));
      return true;
    });
    const health = await createLocalStorage(folder).check();
    assert.equal(health.ok, false);
    assert.ok(health.reason?.includes(folder) && health.reason.includes(user.name));

    const fileAsFolder = join(dir, 'data');
    await assert.rejects(assertUploadFolderWritable(fileAsFolder), (error) => {
      assertNamesPathAndUser(error, fileAsFolder);
      assert.match((error as Error).message, /is a file, not a folder/);
      return true;
    });
  });

  test('without write permission names the path, the user and the chown to run', async (t) => {
    const dir = tempDir('fms-folder-');
    t.after(() => {
      chmodSync(dir, 0o700);
      rmSync(dir, { recursive: true, force: true });
    });
    if (process.getuid?.() !== 0) {
      chmodSync(dir, 0o500);
      await assert.rejects(assertUploadFolderWritable(dir), (error) => {
        assertNamesPathAndUser(error, dir);
        assert.ok((error as Error).message.includes(`sudo chown -R ${user.owner} ${dir}`));
        return true;
      });
      return;
    }
    // No permission bit stops root: the check runs as the user nobody instead, as FMS would run as
    // its own service user, on a folder that only root may write.
    chmodSync(dir, 0o555);
    const asNobody = checkFolderAsNobody(dir);
    if ('missing' in asNobody) {
      const message = `running as root, the check needs the user nobody: ${asNobody.missing}`;
      if (process.env.CI === 'true') assert.fail(`CI=true: ${message}`);
      t.skip(message);
      return;
    }
    const { name, message } = asNobody;
    assert.equal(name, 'UploadFolderNotWritable', message);
    assert.ok(message.startsWith('UPLOAD_FOLDER '), `names the variable: ${message}`);
    assert.ok(message.includes(`${dir} is not writable by user nobody (uid ${idOf('-u')})`), `names the path and the user: ${message}`);
    assert.ok(message.includes(`sudo chown -R nobody:${idOf('-gn')} ${dir}`), `names the chown to run: ${message}`);
  });

  test('missing at check time: readiness says so with the command to create it', async (t) => {
    const dir = tempDir('fms-folder-');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const folder = join(dir, 'uploads');
    const health = await createLocalStorage(folder).check();
    assert.equal(health.ok, false);
    assert.match(health.reason ?? '', /does not exist/);
    assert.ok(health.reason?.includes(`sudo mkdir -p ${folder} && sudo chown -R ${user.owner} ${folder}`), health.reason);
  });

  test('files are 0600 and folders 0700 even under umask 002, so nginx in FMS\'s group cannot reach them', async (t) => {
    const dir = tempDir('fms-folder-');
    const previous = process.umask(0o002);
    t.after(() => {
      process.umask(previous);
      rmSync(dir, { recursive: true, force: true });
    });
    const folder = join(dir, 'var', 'uploads');
    await assertUploadFolderWritable(folder);
    const storage = createLocalStorage(folder);
    await storage.put('2026/12/photo', Readable.from([Buffer.from('a student photo')]), { contentType: 'image/jpeg' });
    const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
    assert.equal(mode(join(dir, 'var')), '700', 'a parent made at start');
    assert.equal(mode(folder), '700', 'UPLOAD_FOLDER made at start');
    assert.equal(mode(join(folder, '2026')), '700');
    assert.equal(mode(join(folder, '2026', '12')), '700');
    assert.equal(mode(join(folder, '2026', '12', 'photo')), '600');
  });

  test('the dry run (fms doctor) makes nothing and says what the start-up check says', async (t) => {
    const dir = tempDir('fms-folder-');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const missing = join(dir, 'var', 'uploads');
    assert.deepEqual(await diagnoseUploadFolder(missing), { problem: null, exists: false }, 'made at start: fine');
    assert.deepEqual(readdirSync(dir), [], 'nothing was made');
    assert.deepEqual(await diagnoseUploadFolder(dir), { problem: null, exists: true });

    writeFileSync(join(dir, 'data'), 'not a folder');
    for (const folder of [join(dir, 'data'), join(dir, 'data', 'uploads'), join(dir, 'data', 'more', 'uploads')]) {
      const diagnosis = await diagnoseUploadFolder(folder);
      const atStart = await assertUploadFolderWritable(folder).then(
        () => assert.fail(`${folder} passed`),
        (error: Error) => error.message,
      );
      assert.equal(diagnosis.problem, atStart, folder);
      assert.match(atStart, folder === join(dir, 'data') ? /is a file, not a folder.*set UPLOAD_FOLDER to another folder, or move the file away$/ : /because .*data is a file: set UPLOAD_FOLDER to another folder, or move that file away$/);
    }
  });

  test('a put into a folder whose subfolder path is blocked by a file fails cleanly', async (t) => {
    const dir = tempDir('fms-folder-');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, '2026'), 'in the way');
    const storage = createLocalStorage(dir);
    await assert.rejects(storage.put('2026/01/x', Readable.from([Buffer.from('x')]), { contentType: 'text/plain' }), (error) => {
      assert.ok(error instanceof UploadFolderNotWritable);
      assert.match(error.message, new RegExp(`because ${join(dir, '2026')} is a file`));
      return true;
    });
    assert.deepEqual(readdirSync(dir), ['2026'], 'nothing else was written');
  });
});

describe('the bucket', () => {
  let s3: LocalS3;
  before(async () => {
    s3 = await startS3rver();
  });
  after(() => s3.stop());

  test('an unknown access key: check() names the key variables', async () => {
    // s3rver checks the access key id but not V4 signatures, so the id is what can be wrong here.
    const storage = createS3Storage({ ...s3.target, accessKeyId: 'NOT-A-KEY' });
    const health = await storage.check();
    await storage.close();
    assert.equal(health.ok, false);
    assert.match(health.reason ?? '', /S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY/);
  });

  test('a missing bucket: check() names S3_BUCKET', async () => {
    const storage = createS3Storage({ ...s3.target, bucket: 'no-such-bucket' });
    const health = await storage.check();
    await storage.close();
    assert.equal(health.ok, false);
    assert.match(health.reason ?? '', /bucket no-such-bucket does not exist .*S3_BUCKET/);
  });

  test('an endpoint that refuses or never answers: check() fails fast, naming S3_ENDPOINT', async (t) => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => void sockets.add(socket)); // accepts connections, never answers
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    t.after(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((done) => silent.close(() => done()));
    });
    const port = (silent.address() as { port: number }).port;

    // The reason names the 0.5 s limit only when that timeout is what ended the wait: no stopwatch needed.
    const hanging = createS3Storage({ ...s3.target, endpoint: `http://127.0.0.1:${port}` }, { checkTimeoutMs: 500 });
    const slow = await hanging.check();
    assert.equal(slow.ok, false);
    assert.match(slow.reason ?? '', /did not answer within 0\.5 s: check S3_ENDPOINT/);
    await hanging.close();

    // A port nobody listens on: reserve one, then free it.
    const probe = createServer();
    await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
    const closedPort = (probe.address() as { port: number }).port;
    await new Promise<void>((done) => probe.close(() => done()));
    // Fast here means the refusal itself is reported, not the 2 s timeout waited out (with retries).
    const refused = createS3Storage({ ...s3.target, endpoint: `http://127.0.0.1:${closedPort}` }, { checkTimeoutMs: 2000 });
    const down = await refused.check();
    await refused.close();
    assert.equal(down.ok, false);
    assert.match(down.reason ?? '', /^cannot reach s3:\/\/\S+ at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): check S3_ENDPOINT and that the server is running$/);
  });
});

describe('configuration picks the driver', () => {
  const load = (env: Record<string, string>) => loadConfig({ FMS_CONFIG: 'testing', ...env }, { dotenvDir: false });
  const problemsOf = (env: Record<string, string>) => {
    try {
      load(env);
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      return error.problems;
    }
    assert.fail('the configuration was accepted');
  };

  test('UPLOAD_FOLDER by default, S3 when S3_BUCKET is set', async () => {
    const local = load({ UPLOAD_FOLDER: '/srv/fms/uploads' });
    assert.deepEqual(local.storage, { kind: 'local', folder: '/srv/fms/uploads' });
    assert.equal(createStorage(local).kind, 'local');

    const s3 = load({ S3_BUCKET: 'fms-uploads', S3_ENDPOINT: 'http://127.0.0.1:9000', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'secret' });
    assert.deepEqual(s3.storage, {
      kind: 's3',
      bucket: 'fms-uploads',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      accessKeyId: 'id',
      secretAccessKey: 'secret',
      forcePathStyle: true,
    });
    const storage = createStorage(s3);
    assert.equal(storage.kind, 's3');
    assert.equal(storage.describe(), 's3://fms-uploads at http://127.0.0.1:9000');
    await storage.close();

    const aws = load({ S3_BUCKET: 'fms-uploads', S3_REGION: 'eu-central-1', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'secret' });
    assert.equal(aws.storage.kind === 's3' && aws.storage.forcePathStyle, false, 'AWS itself uses virtual-hosted buckets');
    assert.equal(aws.storage.kind === 's3' && aws.storage.endpoint, null);
    const explicit = load({ S3_BUCKET: 'fms-uploads', S3_ENDPOINT: 'https://s3.example.org', S3_FORCE_PATH_STYLE: 'false', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'secret' });
    assert.equal(explicit.storage.kind === 's3' && explicit.storage.forcePathStyle, false);
  });

  test('the keys may come from *_FILE secrets', (t) => {
    const dir = tempDir('fms-secrets-');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'id'), 'key-id-from-file\n');
    writeFileSync(join(dir, 'secret'), 'secret-from-file\n');
    const config = load({ S3_BUCKET: 'fms-uploads', S3_ACCESS_KEY_ID_FILE: join(dir, 'id'), S3_SECRET_ACCESS_KEY_FILE: join(dir, 'secret') });
    assert.equal(config.storage.kind === 's3' && config.storage.accessKeyId, 'key-id-from-file');
    assert.equal(config.storage.kind === 's3' && config.storage.secretAccessKey, 'secret-from-file');
  });

  test('every S3 problem is reported at once, naming the variable', () => {
    const problems = problemsOf({ S3_BUCKET: 'Bad_Bucket', S3_ENDPOINT: 'minio:9000', S3_FORCE_PATH_STYLE: 'yes' });
    assert.ok(problems.some((p) => p.startsWith('S3_BUCKET "Bad_Bucket" is not a bucket name')), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('S3_ENDPOINT "minio:9000" is not an http(s) URL')));
    assert.ok(problems.some((p) => p.startsWith('S3_ACCESS_KEY_ID is missing') && p.includes('S3_ACCESS_KEY_ID_FILE')));
    assert.ok(problems.some((p) => p.startsWith('S3_SECRET_ACCESS_KEY is missing')));
    assert.ok(problems.some((p) => p.startsWith('S3_FORCE_PATH_STYLE') && p.includes('true or false')));

    const stray = problemsOf({ S3_ENDPOINT: 'http://127.0.0.1:9000', S3_ACCESS_KEY_ID: 'id' });
    assert.deepEqual(stray, ['S3_ENDPOINT, S3_ACCESS_KEY_ID are set but S3_BUCKET is not: set S3_BUCKET to store uploads in S3, or unset them to use UPLOAD_FOLDER']);
  });
});
