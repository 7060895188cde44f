// `fms storage copy` as an operator runs it: a separate process pointed at a folder of uploads, a
// migrated database whose files table records their checksums, and a real S3-compatible server.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { describe, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { envSchema, secretVariables } from '../config/schema.js';
import { createDb } from '../db/index.js';
import { migrateOrThrow } from '../db/migrator.js';
import { createS3Storage } from './s3.js';
import { newStorageKey } from './storage.js';
import { startS3rver, type LocalS3 } from './test-s3-server.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

// The caller's own configuration must not leak into the commands under test.
const inherited = { ...process.env };
for (const name of Object.keys(envSchema.properties)) delete inherited[name];
for (const name of secretVariables) delete inherited[`${name}_FILE`];
delete inherited.FMS_DEBUG;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function fms(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { cwd: root, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

const show = (r: Run) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

interface Upload {
  key: string;
  data: Buffer;
  contentType: string;
  /** Recorded in the files table (false: an object without a row, as a half-finished upload leaves). */
  recorded?: boolean;
  /** The checksum the files table holds, when it is not the data's own. */
  recordedSha256?: string;
}

/** An operator's deployment: UPLOAD_FOLDER with these files, a migrated SQLite database recording them, and S3. */
async function deployment(t: TestContext, uploads: Upload[], extraRows: { key: string; sha256: string }[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'fms-copy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const s3 = await startS3rver();
  t.after(() => s3.stop());
  const folder = join(dir, 'uploads');
  for (const u of uploads) {
    mkdirSync(dirname(join(folder, u.key)), { recursive: true });
    writeFileSync(join(folder, u.key), u.data);
  }
  const database = { kind: 'sqlite' as const, file: join(dir, 'fms.sqlite'), url: `sqlite:${join(dir, 'fms.sqlite')}` };
  const db = createDb(database);
  try {
    await migrateOrThrow(db);
    const rows = [
      ...uploads.filter((u) => u.recorded !== false).map((u) => ({ key: u.key, sha256: u.recordedSha256 ?? sha256(u.data), size: u.data.length, contentType: u.contentType })),
      ...extraRows.map((r) => ({ ...r, size: 1, contentType: 'text/plain' })),
    ];
    for (const r of rows)
      await db
        .insertInto('files')
        .values({ storageKey: r.key, originalName: 'original name.bin', contentType: r.contentType, size: r.size, sha256: r.sha256, uploadedBy: null, createdAt: new Date() })
        .execute();
  } finally {
    await db.destroy();
  }
  const env = { FMS_CONFIG: 'testing', LOG_LEVEL: 'silent', DATABASE_URL: database.url, UPLOAD_FOLDER: folder, ...s3.env };
  return { dir, folder, s3, env };
}

async function bucketObjects(s3: LocalS3): Promise<Record<string, string>> {
  const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.target.bucket }));
  const objects: Record<string, string> = {};
  for (const { Key } of listed.Contents ?? []) {
    const body = await s3.client.send(new GetObjectCommand({ Bucket: s3.target.bucket, Key }));
    objects[Key!] = sha256(Buffer.from(await body.Body!.transformToByteArray()));
  }
  return objects;
}

const at = (month: string) => newStorageKey(new Date(`${month}-15T12:00:00Z`));

describe('fms storage copy', { concurrency: true }, () => {
  test('--to s3 copies every upload and verifies it; a second run skips them all; a damaged copy fails until --overwrite', async (t) => {
    const uploads: Upload[] = [
      { key: at('2026-01'), data: Buffer.from('Course syllabus, autumn term\n'), contentType: 'text/plain' },
      { key: at('2026-01'), data: randomBytes(6 * 1024 * 1024 + 123), contentType: 'application/pdf' },
      { key: at('2026-02'), data: Buffer.alloc(0), contentType: 'text/plain' },
      { key: at('2025-12'), data: Buffer.from('no row for me'), contentType: 'text/plain', recorded: false },
    ];
    const { folder, s3, env } = await deployment(t, uploads);
    // A temporary file a crashed upload left behind is not an upload.
    writeFileSync(join(folder, '2026', '01', '.left-over.tmp'), 'half');

    const first = await fms(['storage', 'copy', '--to', 's3'], env);
    assert.equal(first.code, 0, show(first));
    assert.match(first.stdout, /4 object\(s\) in folder .*: 4 copied \(6 MB\), 0 already in s3:\/\/fms-uploads at http:\/\/127\.0\.0\.1:\d+ with the same SHA-256, 0 problem\(s\)/);
    assert.match(first.stdout, /Every object verified by SHA-256/);
    assert.deepEqual(await bucketObjects(s3), Object.fromEntries(uploads.map((u) => [u.key, sha256(u.data)])));
    const pdf = await s3.client.send(new HeadObjectCommand({ Bucket: s3.target.bucket, Key: uploads[1]!.key }));
    assert.equal(pdf.ContentType, 'application/pdf', 'the content type comes from the files table');

    const second = await fms(['storage', 'copy', '--to', 's3'], env);
    assert.equal(second.code, 0, show(second));
    assert.match(second.stdout, /4 object\(s\) .*: 0 copied \(0 bytes\), 4 already in .* with the same SHA-256, 0 problem\(s\)/);

    // Bit rot, or someone else's write: the object in the bucket no longer matches the source.
    const damaged = uploads[0]!;
    await s3.client.send(new PutObjectCommand({ Bucket: s3.target.bucket, Key: damaged.key, Body: 'Course syllabus, autumn term?\n' }));
    const third = await fms(['storage', 'copy', '--to', 's3'], env);
    assert.equal(third.code, 1, show(third));
    assert.match(third.stderr, new RegExp(`FAIL ${damaged.key}: already in the target with different content .*run again with --overwrite`));
    assert.match(third.stdout, /0 copied .* 3 already in .* 1 problem\(s\)/);

    const repaired = await fms(['storage', 'copy', '--to', 's3', '--overwrite'], env);
    assert.equal(repaired.code, 0, show(repaired));
    assert.match(repaired.stdout, /1 copied .* 3 already in/);
    assert.equal((await bucketObjects(s3))[damaged.key], sha256(damaged.data));
  });

  test('a file that no longer matches the files table is not copied, and a row without a file is reported', async (t) => {
    const good = { key: at('2026-03'), data: Buffer.from('fine'), contentType: 'text/plain' };
    const rotten = { key: at('2026-03'), data: Buffer.from('changed on disk'), contentType: 'text/plain', recordedSha256: sha256(Buffer.from('as uploaded')) };
    const lost = { key: at('2026-03'), sha256: sha256(Buffer.from('gone')) };
    const { s3, env } = await deployment(t, [good, rotten], [lost]);

    const result = await fms(['storage', 'copy', '--to', 's3'], env);
    assert.equal(result.code, 1, show(result));
    assert.match(result.stderr, new RegExp(`FAIL ${rotten.key}: the source's sha256 \\w{12}… differs from the files table's \\w{12}…`));
    assert.match(result.stderr, new RegExp(`FAIL ${lost.key}: listed in the files table but missing from folder `));
    assert.match(result.stdout, /2 object\(s\) .*: 1 copied .* 2 problem\(s\)/);
    assert.deepEqual(Object.keys(await bucketObjects(s3)), [good.key], 'the damaged file did not reach the bucket');
  });

  test('--to local copies the bucket back into UPLOAD_FOLDER, creating it', async (t) => {
    const { folder, s3, env } = await deployment(t, []);
    rmSync(folder, { recursive: true, force: true });
    const bucket = createS3Storage(s3.target);
    t.after(() => bucket.close());
    const objects = [
      { key: at('2026-04'), data: randomBytes(70_000) },
      { key: at('2026-05'), data: Buffer.from('news cover') },
    ];
    for (const o of objects) await bucket.put(o.key, Readable.from([o.data]), { contentType: 'application/octet-stream' });

    const back = await fms(['storage', 'copy', '--to', 'local'], env);
    assert.equal(back.code, 0, show(back));
    assert.match(back.stdout, /2 object\(s\) in s3:\/\/fms-uploads .*: 2 copied/);
    assert.match(back.stdout, /Unset S3_BUCKET/);
    for (const o of objects) assert.deepEqual(readFileSync(join(folder, o.key)), o.data);
  });

  test('without the bucket configured, or with an unknown direction, the command says what to set', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'fms-copy-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const env = { FMS_CONFIG: 'testing', DATABASE_URL: `sqlite:${join(dir, 'fms.sqlite')}`, UPLOAD_FOLDER: join(dir, 'uploads') };
    const [noBucket, wrongWay] = await Promise.all([fms(['storage', 'copy', '--to', 's3'], env), fms(['storage', 'copy', '--to', 'ftp'], env)]);
    assert.equal(noBucket.code, 1, show(noBucket));
    assert.match(noBucket.stderr, /fms: fms storage copy needs both sides: UPLOAD_FOLDER \(.*\) and the bucket; set S3_BUCKET, S3_ENDPOINT/);
    assert.equal(wrongWay.code, 1, show(wrongWay));
    assert.match(wrongWay.stderr, /--to takes s3 or local, not "ftp"/);
    assert.equal(existsSync(join(dir, 'fms.sqlite')), false, 'nothing was created');
  });

  test('fms storage check says where uploads go and whether they can be written', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'fms-copy-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'not-a-folder'), '');
    const fine = await fms(['storage', 'check'], { FMS_CONFIG: 'testing', UPLOAD_FOLDER: dir });
    assert.equal(fine.code, 0, show(fine));
    assert.equal(fine.stdout, `Uploads go to folder ${dir}: writable.\n`);
    const blocked = join(dir, 'not-a-folder', 'uploads');
    const broken = await fms(['storage', 'check'], { FMS_CONFIG: 'testing', UPLOAD_FOLDER: blocked });
    assert.equal(broken.code, 1, show(broken));
    assert.match(broken.stderr, new RegExp(`UPLOAD_FOLDER ${blocked} cannot be created by user \\S+ \\(uid \\d+\\) because ${join(dir, 'not-a-folder')} is a file`));
  });
});
