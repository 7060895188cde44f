// Photos through the storage interface and the files table, on SQLite and PostgreSQL, and the
// caching headers a route sends them with.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, test, type TestContext } from 'node:test';
import Fastify from 'fastify';
import sharp from 'sharp';
import type { Actor } from '../../access.js';
import { Invalid, NotFound } from '../../lib/errors.js';
import { newStorageKey, type Storage } from '../../storage/index.js';
import { buildTestApp } from '../../../test/build-test-app.js';
import { createStudent, createUser } from '../../../test/factories.js';
import { testDatabases } from '../../../test/services.js';
import { deletePhotoFiles, discardPhotoObjects, openPhoto, photoInfo, storePhoto } from './service.js';
import { etagMatches } from '../../routes/send-file.js';
import { sendPhoto } from './send-photo.js';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

async function storedKeys(storage: Storage): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of storage.list()) keys.push(o.key);
  return keys.sort();
}

const png = (width = 1600, height = 1200) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .png()
    .toBuffer();

async function setup(t: TestContext, database: 'sqlite' | 'postgres') {
  const built = await buildTestApp(t, { database });
  const admin = await createUser(built.ctx, { role: 'admin' });
  const actor: Actor = { userId: admin.id, username: admin.username, role: 'admin', isAdmin: true, studentId: null, lecturerId: null, displayName: admin.displayName };
  const storage = built.app.deps.storage;
  return { ...built, admin, storage, pctx: { ...built.ctx, actor, storage } };
}

for (const database of await testDatabases()) {
  describe(`photos on ${database}`, () => {
    test('a PNG named photo.jpg is stored as what it is: a re-encoded JPEG and a thumbnail, objects and rows', async (t) => {
      const { db, pctx, storage, admin } = await setup(t, database);
      const stored = await storePhoto(pctx, { bytes: await png(), filename: 'C:\\Users\\ana\\photo.jpg' });
      assert.deepEqual([stored.photo.width, stored.photo.height, stored.thumbnail.width, stored.thumbnail.height], [1024, 768, 160, 160]);

      const rows = await db.selectFrom('files').selectAll().orderBy('id').execute();
      assert.deepEqual(
        rows.map((r) => [r.id, r.originalName, r.contentType, r.uploadedBy]),
        [
          [stored.photoFileId, 'photo.jpg', 'image/jpeg', admin.id],
          [stored.thumbnailFileId, 'photo-thumbnail.jpg', 'image/jpeg', admin.id],
        ],
      );
      assert.deepEqual(await storedKeys(storage), rows.map((r) => r.storageKey).sort());
      for (const row of rows) {
        const bytes = await readAll((await storage.get(row.storageKey)).stream);
        assert.equal(row.size, bytes.length);
        assert.equal(row.sha256, sha256(bytes), 'the row records the stored bytes');
        assert.equal((await sharp(bytes).metadata()).format, 'jpeg');
      }

      const opened = await openPhoto(pctx, stored.thumbnailFileId);
      const bytes = await readAll(opened.stream);
      assert.equal(opened.contentType, 'image/jpeg');
      assert.equal(opened.size, bytes.length);
      assert.equal(opened.sha256, sha256(bytes));
      assert.deepEqual(await photoInfo(pctx, stored.thumbnailFileId), { fileId: opened.fileId, contentType: opened.contentType, size: opened.size, sha256: opened.sha256, updatedAt: opened.updatedAt });
      const meta = await sharp(bytes).metadata();
      assert.deepEqual([meta.width, meta.height], [160, 160]);
    });

    test('a refused upload (text named photo.jpg) stores nothing; a storage failure half-way leaves nothing either', async (t) => {
      const { db, pctx, storage } = await setup(t, database);
      await assert.rejects(storePhoto(pctx, { bytes: Buffer.from('hello, I am text'), filename: 'photo.jpg' }), (e: unknown) => e instanceof Invalid && /JPEG, PNG or WebP/.test(e.fields.photo ?? ''));
      assert.equal((await db.selectFrom('files').select('id').execute()).length, 0);
      assert.deepEqual(await storedKeys(storage), []);

      let puts = 0;
      const failing: Storage = {
        ...storage,
        put: (key, stream, options) => (++puts === 2 ? Promise.reject(new Error('disk full')) : storage.put(key, stream, options)),
        delete: (key) => storage.delete(key),
      };
      await assert.rejects(storePhoto({ ...pctx, storage: failing }, { bytes: await png(300, 200), filename: 'a.png' }), /disk full/);
      assert.equal(puts, 2);
      assert.deepEqual(await storedKeys(storage), [], 'the photo written before the failure was removed');
      assert.equal((await db.selectFrom('files').select('id').execute()).length, 0);
    });

    test('only photos open: an unknown id, another kind of file and a missing object are 404', async (t) => {
      const { db, pctx, storage } = await setup(t, database);
      await assert.rejects(openPhoto(pctx, 999_999), NotFound);
      await assert.rejects(photoInfo(pctx, -1), NotFound);
      const key = newStorageKey(new Date());
      await storage.put(key, Readable.from([Buffer.from('%PDF-1.4 thesis')]), { contentType: 'application/pdf' });
      const { id: pdfId } = await db
        .insertInto('files')
        .values({ storageKey: key, originalName: 'thesis.pdf', contentType: 'application/pdf', size: 15, sha256: 'x'.repeat(64), uploadedBy: null, createdAt: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow();
      await assert.rejects(openPhoto(pctx, pdfId), NotFound);

      const stored = await storePhoto(pctx, { bytes: await png(50, 50), filename: 'x.png' });
      await storage.delete(stored.storageKeys[0]!);
      await assert.rejects(openPhoto(pctx, stored.photoFileId), NotFound);

      // deletePhotoFiles ignores ids that are not photos.
      const deleted = await deletePhotoFiles(pctx, [pdfId]);
      assert.deepEqual(deleted.fileIds, []);
      assert.ok(await storage.exists(key));
    });

    test('replacing a photo: rows go with the transaction (people keep no dangling reference), objects after commit', async (t) => {
      const { db, pctx, storage } = await setup(t, database);
      const { student } = await createStudent(pctx);
      const old = await storePhoto(pctx, { bytes: await png(400, 300), filename: 'old.png' });
      await db.updateTable('students').set({ photoFileId: old.photoFileId, photoThumbnailFileId: old.thumbnailFileId }).where('id', '=', student.id).execute();

      // A rolled-back replacement changes nothing, and its objects stay because removal never ran.
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          const removal = await deletePhotoFiles({ ...pctx, db: trx }, [old.photoFileId, old.thumbnailFileId]);
          assert.equal(removal.fileIds.length, 2);
          throw new Error('something later in the unit of work failed');
        }),
        /something later/,
      );
      assert.equal((await db.selectFrom('files').select('id').execute()).length, 2);
      for (const key of old.storageKeys) assert.ok(await storage.exists(key));

      const removal = await db.transaction().execute(async (trx) => {
        const tctx = { ...pctx, db: trx };
        const removed = await deletePhotoFiles(tctx, [old.photoFileId, old.thumbnailFileId, null]);
        for (const key of old.storageKeys) assert.ok(await storage.exists(key), 'objects stay until the commit');
        return removed;
      });
      const row = await db.selectFrom('students').select(['photoFileId', 'photoThumbnailFileId']).where('id', '=', student.id).executeTakeFirstOrThrow();
      assert.deepEqual(row, { photoFileId: null, photoThumbnailFileId: null }, 'ON DELETE SET NULL cleared the references');
      await removal.removeStoredObjects();
      for (const key of old.storageKeys) assert.equal(await storage.exists(key), false);
      await removal.removeStoredObjects();

      // Outside a transaction the objects go at once.
      const other = await storePhoto(pctx, { bytes: await png(40, 40), filename: 'y.png' });
      await deletePhotoFiles(pctx, [other.photoFileId, other.thumbnailFileId]);
      assert.deepEqual(await storedKeys(storage), []);

      // And a store whose transaction rolled back can be discarded.
      const orphan = await storePhoto(pctx, { bytes: await png(40, 40), filename: 'z.png' });
      await discardPhotoObjects(pctx, orphan.storageKeys);
      for (const key of orphan.storageKeys) assert.equal(await storage.exists(key), false);
    });

    test('sendPhoto: private, revalidated before every use, ETag by SHA-256, 304 when the browser has it, nosniff, inline', async (t) => {
      const { pctx } = await setup(t, database);
      const stored = await storePhoto(pctx, { bytes: await png(300, 300), filename: 'me.png' });
      const server = Fastify();
      t.after(() => server.close());
      server.get<{ Params: { id: string } }>('/photos/:id', async (request, reply) => {
        const id = Number(request.params.id);
        // Two ways a route may call it: with an open stream, or lazily (no storage read for a 304).
        if (request.headers['x-lazy']) {
          const info = await photoInfo(pctx, id);
          return sendPhoto(reply, request.headers['if-none-match'], { ...info, open: async () => (await openPhoto(pctx, id)).stream });
        }
        return sendPhoto(reply, request.headers['if-none-match'], await openPhoto(pctx, id));
      });

      const expected = await photoInfo(pctx, stored.photoFileId);
      for (const lazy of [{}, { 'x-lazy': '1' }]) {
        const first = await server.inject({ url: `/photos/${stored.photoFileId}`, headers: lazy });
        assert.equal(first.statusCode, 200);
        assert.equal(first.headers['content-type'], 'image/jpeg');
        assert.equal(first.headers['content-length'], String(expected.size));
        assert.equal(first.headers['cache-control'], 'private, no-cache');
        assert.equal(first.headers.etag, `"${expected.sha256}"`);
        assert.equal(first.headers['x-content-type-options'], 'nosniff');
        assert.equal(first.headers['content-disposition'], 'inline');
        assert.equal(first.headers['last-modified'], expected.updatedAt.toUTCString());
        assert.equal(sha256(first.rawPayload), expected.sha256);

        for (const ifNoneMatch of [`"${expected.sha256}"`, `W/"${expected.sha256}"`, `"other", "${expected.sha256}"`, '*']) {
          const again = await server.inject({ url: `/photos/${stored.photoFileId}`, headers: { ...lazy, 'if-none-match': ifNoneMatch } });
          assert.equal(again.statusCode, 304, ifNoneMatch);
          assert.equal(again.rawPayload.length, 0);
          assert.equal(again.headers.etag, `"${expected.sha256}"`);
          assert.equal(again.headers['cache-control'], 'private, no-cache');
        }
        const changed = await server.inject({ url: `/photos/${stored.photoFileId}`, headers: { ...lazy, 'if-none-match': '"0000"' } });
        assert.equal(changed.statusCode, 200);
        assert.equal(changed.rawPayload.length, expected.size);
      }
    });
  });
}

test('etagMatches follows If-None-Match: lists, weak tags, the wildcard', () => {
  assert.equal(etagMatches(undefined, '"a"'), false);
  assert.equal(etagMatches('"a"', '"a"'), true);
  assert.equal(etagMatches('W/"a"', '"a"'), true);
  assert.equal(etagMatches('"b" , "a"', '"a"'), true);
  assert.equal(etagMatches(['"b"', '"a"'], '"a"'), true);
  assert.equal(etagMatches('"ab"', '"a"'), false);
  assert.equal(etagMatches('a', '"a"'), false);
  assert.equal(etagMatches('*', '"a"'), true);
});
