// A photo the browser kept is shown again only while its viewer may see it: every use is a
// conditional request (Cache-Control: no-cache), and the route's access check runs before the ETag
// is compared, so a viewer who lost access, or signed out, gets 404 or the sign-in page, never 304.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { systemActor } from '../../access.js';
import type { ServiceContext } from '../../context.js';
import { buildTestApp } from '../../../test/build-test-app.js';
import { createGroup, createLecturer, createStudent, createUser, teach, TEST_PASSWORD } from '../../../test/factories.js';
import { Browser } from '../../../test/http.js';
import { testDatabases } from '../../../test/services.js';
import { setStudentPhotoFiles } from '../students/service.js';
import { storePhoto } from './service.js';
import { PHOTO_CACHE_CONTROL } from './send-photo.js';

const png = () =>
  sharp({ create: { width: 200, height: 240, channels: 3, background: { r: 90, g: 160, b: 60 } } })
    .png()
    .toBuffer();

for (const database of await testDatabases()) {
  describe(`photo access on ${database}`, () => {
    async function department(t: Parameters<typeof buildTestApp>[0]) {
      const built = await buildTestApp(t, { database });
      const system: ServiceContext = { ...built.ctx, actor: systemActor, storage: built.app.deps.storage };
      const group = await createGroup(built.ctx, { name: 'Photo-101' });
      const { student, account: studentAccount } = await createStudent(built.ctx, { groupId: group.id }, { password: TEST_PASSWORD });
      const stored = await storePhoto(system, { bytes: await png(), filename: 'face.png' });
      await setStudentPhotoFiles(system, student.id, { photoFileId: stored.photoFileId, thumbnailFileId: stored.thumbnailFileId });
      const { lecturer, account: lecturerAccount } = await createLecturer(built.ctx, {}, { password: TEST_PASSWORD });
      const subject = await teach(built.ctx, lecturer.id, group.id);
      const signIn = async (who: 'admin' | 'lecturer' | 'student') => {
        const username = who === 'lecturer' ? lecturerAccount.username : who === 'student' ? studentAccount.username : (await createUser(built.ctx, { role: 'admin' })).username;
        const browser = new Browser(built.app);
        await browser.signIn(username, TEST_PASSWORD);
        return browser;
      };
      return { ...built, student, lecturer, subject, signIn };
    }

    test('photos are private and revalidated before every use; while access lasts, revalidation is a 304', async (t) => {
      const { student, signIn } = await department(t);
      const viewer = await signIn('admin');
      for (const url of [`/students/${student.id}/photo`, `/students/${student.id}/photo/thumbnail`]) {
        const first = await viewer.get(url);
        assert.equal(first.statusCode, 200, url);
        assert.equal(first.headers['cache-control'], 'private, no-cache', 'kept only in this browser, and asked for again before use');
        assert.equal(PHOTO_CACHE_CONTROL, 'private, no-cache');
        const again = await viewer.get(url, { 'if-none-match': String(first.headers.etag) });
        assert.equal(again.statusCode, 304, url);
        assert.equal(again.rawPayload.length, 0, 'the bytes are not sent again');
        assert.equal(again.headers['cache-control'], 'private, no-cache');
      }
    });

    test('a lecturer who stops teaching the group gets 404 for the photo they kept, not 304', async (t) => {
      const { db, student, subject, signIn } = await department(t);
      const teacher = await signIn('lecturer');
      const urls = [`/students/${student.id}/photo`, `/students/${student.id}/photo/thumbnail`];
      const etags: string[] = [];
      for (const url of urls) {
        const seen = await teacher.get(url);
        assert.equal(seen.statusCode, 200, `${url} while teaching`);
        etags.push(String(seen.headers.etag));
        assert.equal((await teacher.get(url, { 'if-none-match': etags.at(-1)! })).statusCode, 304);
      }

      await db.deleteFrom('teaching').where('subjectId', '=', subject.id).execute();
      for (const [i, url] of urls.entries()) {
        for (const ifNoneMatch of [etags[i]!, `W/${etags[i]!}`, '*']) {
          const refused = await teacher.get(url, { 'if-none-match': ifNoneMatch });
          assert.equal(refused.statusCode, 404, `${url} with If-None-Match ${ifNoneMatch}`);
          assert.equal(refused.headers.etag, undefined, 'nothing that confirms the kept copy');
          assert.ok(!String(refused.headers['content-type']).startsWith('image/'));
        }
      }
    });

    test('after sign-out, a kept photo is not revalidated: the browser is sent to sign in', async (t) => {
      const { student, signIn } = await department(t);
      const own = await signIn('student');
      const url = `/students/${student.id}/photo`;
      const seen = await own.get(url);
      assert.equal(seen.statusCode, 200, 'a student sees their own photo');
      const etag = String(seen.headers.etag);

      const out = await own.post('/logout', {}, { from: '/dashboard' });
      assert.equal(out.statusCode, 303);
      const after = await own.get(url, { 'if-none-match': etag });
      assert.equal(after.statusCode, 303, 'not 304');
      assert.match(String(after.headers.location), /^\/login/);
    });
  });
}
