// News: who reads which article (public, everyone, students, lecturers, chosen groups) on the list,
// the article page, its files, the feed and the API; who may publish to whom; what the Markdown
// and the titles may not smuggle in; covers and audio; changing and deleting, in the audit trail.
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { createApiToken, createGroup, createLecturer, createStudent } from '../../../test/factories.js';
import type { Browser } from '../../../test/http.js';
import { pagesApp, png, postMultipart, signInAsNew } from '../../../test/people/page-helpers.js';
import { testDatabases, type TestDatabase } from '../../../test/services.js';
import { createSubject } from '../subjects/service.js';

const feedback = (body: string) => [...body.matchAll(/class="(?:invalid-feedback[^"]*|alert alert-danger)"[^>]*>([^<]+)</g)].map((m) => m[1]).join(' | ');

/** The titles a news list shows, in order. */
const titlesIn = (body: string) => [...body.matchAll(/class="stretched-link[^"]*"[^>]*>([^<]+)</g)].map((m) => m[1]!.trim());

/** Posts the news form as an admin or a lecturer sends it (the groups ticked, or named one a line). */
function publish(browser: Browser, form: { category?: string; title: string; body?: string; audience: string; groupIds?: number[]; groups?: string }) {
  const fields: Record<string, string> = { category: form.category ?? 'general', title: form.title, body: form.body ?? '', audience: form.audience };
  if (form.groups !== undefined) fields.groups = form.groups;
  // URLSearchParams from a record cannot repeat a name: one ticked group is enough where used.
  if (form.groupIds?.length) fields.groupIds = String(form.groupIds[0]);
  return browser.post('/news', fields, { from: '/news/new' });
}

/**
 * A department: CS-101 and MA-101 take Databases, taught by Horvat; Petrova teaches Algorithms to
 * PH-101. A student in CS-101 and one in PH-101. The admin publishes one article per audience.
 */
async function department(t: TestContext, database: TestDatabase) {
  const built = await pagesApp(t, database);
  const { app, admin, system } = built;
  const cs = await createGroup(system, { name: 'CS-101' });
  const ma = await createGroup(system, { name: 'MA-101' });
  const ph = await createGroup(system, { name: 'PH-101' });
  const horvat = await createLecturer(system, { lastName: 'Horvat', firstName: 'Ivan', email: 'ivan.horvat@example.edu' });
  const petrova = await createLecturer(system, { lastName: 'Petrova', firstName: 'Ana', email: 'ana.petrova@example.edu' });
  await createSubject(system, { name: 'Databases', description: '', groupIds: [cs.id, ma.id], lecturerIds: [horvat.lecturer.id] });
  await createSubject(system, { name: 'Algorithms', description: '', groupIds: [ph.id], lecturerIds: [petrova.lecturer.id] });
  const signIn = (account: { username: string; oneTimePassword: string }) => signInAsNew(app, account.username, account.oneTimePassword);
  const ids: Record<string, number> = {};
  for (const [audience, extra] of [
    ['public', {}],
    ['everyone', {}],
    ['students', {}],
    ['lecturers', {}],
    ['groups', { groups: 'CS-101' }],
  ] as const) {
    const made = await publish(admin, { title: `For ${audience}`, body: `Read this, ${audience}.`, audience, ...extra });
    assert.equal(made.statusCode, 303, feedback(made.body));
    ids[audience] = Number(String(made.headers.location).split('/').pop());
  }
  return {
    ...built,
    groups: { cs, ma, ph },
    ids,
    horvat: await signIn(horvat.account),
    horvatUserId: horvat.account.userId,
    petrova: await signIn(petrova.account),
    csStudent: await signIn((await createStudent(system, { groupId: cs.id })).account),
    phStudent: await signIn((await createStudent(system, { groupId: ph.id })).account),
  };
}

for (const database of await testDatabases()) {
  describe(`news on ${database}`, () => {
    test('each reader sees the articles of their audience, newest first, and no other: on the list and on the article page', async (t) => {
      const d = await department(t, database);
      const visitor = new (await import('../../../test/http.js')).Browser(d.app);
      const expected: [string, Browser, string[]][] = [
        ['visitor', visitor, ['public']],
        ['admin', d.admin, ['groups', 'lecturers', 'students', 'everyone', 'public']],
        ['student of CS-101', d.csStudent, ['groups', 'students', 'everyone', 'public']],
        ['student of PH-101', d.phStudent, ['students', 'everyone', 'public']],
        ['lecturer of CS-101', d.horvat, ['groups', 'lecturers', 'everyone', 'public']],
        ['lecturer of PH-101', d.petrova, ['lecturers', 'everyone', 'public']],
      ];
      for (const [who, browser, audiences] of expected) {
        const list = await browser.get('/news');
        assert.equal(list.statusCode, 200, who);
        assert.deepEqual(titlesIn(list.body), audiences.map((a) => `For ${a}`), `${who} reads ${audiences.join(', ')}`);
        for (const [audience, id] of Object.entries(d.ids)) {
          const page = await browser.get(`/news/${id}`);
          if (audiences.includes(audience)) {
            assert.equal(page.statusCode, 200, `${who} opens the article for ${audience}`);
            assert.match(page.body, new RegExp(`Read this, ${audience}.`));
          } else if (who === 'visitor') {
            // A visitor is asked to sign in, whether or not the article exists: nothing is revealed.
            assert.equal(page.statusCode, 303, `${who} is sent to sign in for ${audience}`);
            assert.match(String(page.headers.location), /^\/login/);
          } else assert.equal(page.statusCode, 404, `${who} does not find the article for ${audience}`);
        }
      }
      assert.equal((await visitor.get('/news/999999')).statusCode, 303, 'a visitor asking for a missing article is sent to sign in too');
      assert.match((await visitor.get('/news')).body, /href="\/login\?next=%2Fnews"/, "the visitor's Sign in link comes back to the news");
      const damaged = await d.csStudent.get('/news?cursor=not-a-cursor');
      assert.equal(damaged.statusCode, 200, 'a damaged Older link starts again from the newest');
      assert.equal(titlesIn(damaged.body)[0], 'For groups');
      assert.equal((await d.csStudent.get('/news/999999')).statusCode, 404);
    });

    test('the list filters by category and pages with Older links; the feed and the public API carry public news only', async (t) => {
      const d = await department(t, database);
      for (let i = 1; i <= 23; i++) assert.equal((await publish(d.admin, { category: 'event', title: `Event ${i}`, audience: 'public' })).statusCode, 303);
      const first = await d.csStudent.get('/news?category=event');
      assert.equal(titlesIn(first.body).length, 20);
      assert.equal(titlesIn(first.body)[0], 'Event 23', 'newest first');
      const next = /<a class="page-link" href="([^"]+)" rel="next">Older<\/a>/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
      assert.ok(next, `an Older link in ${/<nav aria-label="More news".*?<\/nav>/s.exec(first.body)?.[0]}`);
      const second = await d.csStudent.get(next);
      assert.equal(second.statusCode, 200, `${next}: ${feedback(second.body)}`);
      assert.deepEqual(titlesIn(second.body), ['Event 3', 'Event 2', 'Event 1']);
      assert.equal((await d.csStudent.get('/news?category=nonsense')).statusCode, 422);

      const feed = await new (await import('../../../test/http.js')).Browser(d.app).get('/news/feed.atom');
      assert.equal(feed.statusCode, 200);
      assert.match(String(feed.headers['content-type']), /^application\/atom\+xml/);
      assert.match(feed.body, /For public/);
      assert.doesNotMatch(feed.body, /For (everyone|students|lecturers|groups)/, 'only public news in the feed');
      assert.match(feed.body, /<category label="Event" term="event"\/>/, 'Atom wants a category\'s term');
      // The feed made once is given again until an article in it changes; then it is made anew.
      assert.equal((await d.app.inject({ method: 'GET', url: '/news/feed.atom' })).body, feed.body);
      const publicUrl = `/news/${d.ids.public}`;
      const renamed = await d.admin.post(publicUrl, { category: 'event', title: 'For public, renamed', body: 'Open day.', audience: 'public' }, { from: `${publicUrl}/edit` });
      assert.equal(renamed.statusCode, 303, feedback(renamed.body));
      const changedFeed = (await d.app.inject({ method: 'GET', url: '/news/feed.atom' })).body;
      assert.match(changedFeed, /For public, renamed/);
      assert.notEqual(changedFeed, feed.body);

      const api = await d.app.inject({ method: 'GET', url: '/api/public/news?limit=5' });
      assert.equal(api.statusCode, 200, api.body);
      const answer = api.json() as { items: { title: string; audience: string; url: string }[]; nextCursor: string | null };
      assert.equal(answer.items.length, 5);
      assert.ok(answer.items.every((i) => i.audience === 'public'));
      assert.equal(answer.items[0]!.title, 'Event 23');
      assert.equal((answer.items[0] as unknown as { categoryLabel: string }).categoryLabel, 'Event', 'the category as the pages name it');
      const unknownCategory = await d.app.inject({ method: 'GET', url: '/api/public/news?category=nope' });
      assert.equal(unknownCategory.statusCode, 422);
      assert.match(unknownCategory.body, /Choose a category: general, announcement, event, exam, research, student life, or none for all/);
      assert.ok(answer.nextCursor);
      const rest = await d.app.inject({ method: 'GET', url: `/api/public/news?limit=100&cursor=${answer.nextCursor}` });
      assert.equal((rest.json() as { items: unknown[] }).items.length, 19, '23 events and the first public article, less the 5 already read');
    });

    test('a lecturer publishes only to groups they teach; an admin must name groups that exist', async (t) => {
      const d = await department(t, database);
      const everyone = await publish(d.horvat, { title: 'To all', audience: 'everyone' });
      assert.equal(everyone.statusCode, 422);
      assert.match(feedback(everyone.body), /Lecturers publish news to the groups they teach/);
      const other = await publish(d.horvat, { title: 'To physics', audience: 'groups', groupIds: [d.groups.ph.id] });
      assert.equal(other.statusCode, 422);
      assert.match(feedback(other.body), /You do not teach the group/);
      const none = await publish(d.horvat, { title: 'To nobody', audience: 'groups' });
      assert.equal(none.statusCode, 422);
      assert.match(feedback(none.body), /Choose one or more groups/);
      const made = await publish(d.horvat, { title: 'Lab moved', body: 'Room 12 today.', audience: 'groups', groupIds: [d.groups.cs.id] });
      assert.equal(made.statusCode, 303, feedback(made.body));
      assert.ok(titlesIn((await d.csStudent.get('/news')).body).includes('Lab moved'));
      assert.ok(!titlesIn((await d.phStudent.get('/news')).body).includes('Lab moved'));
      const unknown = await publish(d.admin, { title: 'Typo', audience: 'groups', groups: 'CS-10l' });
      assert.equal(unknown.statusCode, 422);
      assert.match(feedback(unknown.body), /no group is named &#34;CS-10l&#34;. Did you mean CS-101/);
      const students = await d.csStudent.get('/news/new');
      assert.equal(students.statusCode, 403, 'students do not publish');
    });

    test('no script survives in a title or body: the page, the list and the feed show it as text', async (t) => {
      const d = await department(t, database);
      const made = await publish(d.admin, {
        title: '<script>alert(1)</script> & more',
        body: 'Hello <img src=x onerror=alert(2)> [click](javascript:alert(3)) **bold**',
        audience: 'public',
      });
      assert.equal(made.statusCode, 303, feedback(made.body));
      const page = await d.admin.get(String(made.headers.location));
      assert.doesNotMatch(page.body, /<script>alert|<img src=x|href="javascript:/);
      assert.match(page.body, /<h1 class="h2">&lt;script>alert\(1\)&lt;\/script> &amp; more<\/h1>/);
      assert.match(page.body, /<strong>bold<\/strong>/);
      const list = await d.admin.get('/news');
      assert.doesNotMatch(list.body, /<script>alert/);
      const feed = await d.app.inject({ method: 'GET', url: '/news/feed.atom' });
      assert.doesNotMatch(feed.body, /<script>alert/);
      assert.match(feed.body, /&lt;script>alert\(1\)/, 'escaped inside the CDATA of a type="html" title');
    });

    test('its author changes and deletes it, another lecturer may not; both are in the audit trail', async (t) => {
      const d = await department(t, database);
      const made = await publish(d.horvat, { title: 'Lab moved', body: 'Room 12.', audience: 'groups', groupIds: [d.groups.cs.id] });
      const url = String(made.headers.location);
      const changed = await d.horvat.post(url, { category: 'announcement', title: 'Lab moved again', body: 'Room 14.', audience: 'groups', groupIds: String(d.groups.ma.id) }, { from: `${url}/edit` });
      assert.equal(changed.statusCode, 303, feedback(changed.body));
      const page = await d.horvat.get(url);
      assert.match(page.body, /Lab moved again/);
      assert.match(page.body, /For: MA-101/);
      assert.equal((await d.csStudent.get(url)).statusCode, 404, 'CS-101 no longer reads it');
      assert.equal((await d.petrova.get(`/news/${d.ids.lecturers}/edit`)).statusCode, 403, "another's article: readable, not changeable");
      // An admin adds PH-101 (which Horvat does not teach); Horvat's next save keeps it.
      const widened = await d.admin.post(url, { category: 'announcement', title: 'Lab moved again', body: 'Room 14.', audience: 'groups', groups: 'MA-101\nPH-101' }, { from: `${url}/edit` });
      assert.equal(widened.statusCode, 303, feedback(widened.body));
      const form = await d.horvat.get(`${url}/edit`);
      assert.match(form.body, /id="field-groupIds-\d+" value="\d+" checked disabled/, 'the admin\'s group shows, fixed');
      const kept = await d.horvat.post(url, { category: 'announcement', title: 'Lab moved, final', body: 'Room 14.', audience: 'groups', groupIds: String(d.groups.ma.id) }, { from: `${url}/edit` });
      assert.equal(kept.statusCode, 303, feedback(kept.body));
      assert.match((await d.horvat.get(url)).body, /For: MA-101, PH-101/);
      const refused = await d.petrova.post(`/news/${d.ids.lecturers}/delete`, {}, { from: `/news/${d.ids.lecturers}` });
      assert.equal(refused.statusCode, 403);
      const deleted = await d.horvat.post(`${url}/delete`, {}, { from: url });
      assert.equal(deleted.statusCode, 303);
      assert.equal((await d.horvat.get(url)).statusCode, 404);
      const trail = await d.admin.get(`/admin/audit?entity=news`);
      for (const action of ['news.published', 'news.updated', 'news.deleted']) assert.match(trail.body, new RegExp(action.replace('.', '\\.')), `${action} in the audit trail`);
    });

    test('a cover is re-encoded with a thumbnail and shown to its readers; a non-image is refused and nothing kept; audio streams with Range', async (t) => {
      const d = await department(t, database);
      const url = `/news/${d.ids.students}`;
      const storedFiles = async () => Number((await d.db.selectFrom('files').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const filesBefore = await storedFiles();
      const refused = await postMultipart(d.admin, `${url}/cover`, url, {}, { field: 'cover', filename: 'cover.png', type: 'image/png', bytes: Buffer.from('not an image at all') });
      assert.equal(refused.statusCode, 422);
      const said = /id="cover-error"[^>]*>([^<]+)</.exec(refused.body)?.[1] ?? '';
      assert.match(said, /^The cover image cannot be used: upload a JPEG, PNG or WebP image/);
      assert.equal(said.split('JPEG, PNG or WebP').length, 2, `its advice is said once: ${said}`);
      assert.equal(await storedFiles(), filesBefore, 'a refused cover keeps no file');
      const cover = await postMultipart(d.admin, `${url}/cover`, url, {}, { field: 'cover', filename: 'campus.png', type: 'image/png', bytes: await png(2400, 1200) });
      assert.equal(cover.statusCode, 303, cover.body.slice(0, 300));
      const image = await d.csStudent.get(`${url}/cover`);
      assert.equal(image.statusCode, 200);
      assert.match(String(image.headers['content-type']), /^image\/jpeg/);
      assert.equal((await d.csStudent.get(`${url}/cover/thumbnail`)).statusCode, 200);
      assert.equal((await d.horvat.get(`${url}/cover`)).statusCode, 404, 'a lecturer does not read the students-only article, nor its cover');
      assert.equal(image.headers['cross-origin-resource-policy'], 'same-origin', "a students' cover stays on this site");
      const publicUrl = `/news/${d.ids.public}`;
      assert.equal((await postMultipart(d.admin, `${publicUrl}/cover`, publicUrl, {}, { field: 'cover', filename: 'open-day.png', type: 'image/png', bytes: await png(800, 400) })).statusCode, 303);
      const publicCover = await d.app.inject({ method: 'GET', url: `${publicUrl}/cover` });
      assert.equal(publicCover.headers['cross-origin-resource-policy'], 'cross-origin', 'a public cover may be shown by other sites');
      const feed = await d.app.inject({ method: 'GET', url: '/news/feed.atom' });
      assert.match(feed.body, new RegExp(`<link rel="enclosure" href="(http://[^"]+${publicUrl}/cover.jpeg)" type="image/jpeg"/>`));
      const byName = await d.app.inject({ method: 'GET', url: `${publicUrl}/cover.jpeg` });
      assert.equal(byName.statusCode, 200);
      assert.equal(byName.headers.etag, publicCover.headers.etag, 'the same file by either name');
      const list = await d.csStudent.get('/news');
      assert.match(list.body, new RegExp(`src="${url}/cover/thumbnail"`));

      const filesBeforeAudio = await storedFiles();
      const wrong = await postMultipart(d.admin, `${url}/audio`, url, {}, { field: 'file', filename: 'notes.pdf', type: 'application/pdf', bytes: Buffer.from('%PDF-1.4') });
      assert.equal(wrong.statusCode, 422);
      assert.match(wrong.body, /not an audio file browsers play/);
      assert.equal(await storedFiles(), filesBeforeAudio, 'a refused audio keeps no file');
      assert.equal((await d.db.selectFrom('news').select('audioFileId').where('id', '=', d.ids.students!).executeTakeFirstOrThrow()).audioFileId, null, 'a refused audio is not the article\'s');
      const sound = Buffer.alloc(64 * 1024, 7);
      const audio = await postMultipart(d.admin, `${url}/audio`, url, {}, { field: 'file', filename: 'talk.mp3', type: 'audio/mpeg', bytes: sound });
      assert.equal(audio.statusCode, 303, audio.body.slice(0, 300));
      const part = await d.csStudent.get(`${url}/audio`, { range: 'bytes=1000-1999' });
      assert.equal(part.statusCode, 206);
      assert.equal(part.rawPayload.length, 1000);
      assert.match(String(part.headers['content-type']), /^audio\/mpeg/);
      const page = await d.csStudent.get(url);
      assert.match(page.body, new RegExp(`<audio controls="" preload="metadata" src="${url}/audio"`));
      const token = await createApiToken(d.system, d.adminUser.id);
      const viaApi = await d.app.inject({ method: 'GET', url: `/api/v1${url}/audio`, headers: { authorization: `Bearer ${token}`, range: 'bytes=0-9' } });
      assert.equal(viaApi.statusCode, 206, 'a script with a token downloads the audio through the API');
      const removed = await d.admin.post(`${url}/audio/remove`, {}, { from: url });
      assert.equal(removed.statusCode, 303);
      assert.equal((await d.csStudent.get(`${url}/audio`)).statusCode, 404);
    });

    test('the API publishes, lists what the caller may read, and refuses a lecturer the whole department', async (t) => {
      const d = await department(t, database);
      const token = await createApiToken(d.system, d.adminUser.id);
      const call = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
        d.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload: payload as object } : {}) });
      const lecturerToken = await createApiToken(d.system, d.horvatUserId);
      const asLecturer = await d.app.inject({ method: 'POST', url: '/api/v1/news', headers: { authorization: `Bearer ${lecturerToken}` }, payload: { category: 'general', title: 'To all', audience: 'everyone' } });
      assert.equal(asLecturer.statusCode, 422, asLecturer.body);
      assert.match((asLecturer.json() as { error: { fields: { audience: string } } }).error.fields.audience, /groups they teach/, 'a lecturer may not publish to the whole department');
      const groupsElsewhere = await call('POST', '/api/v1/news', { category: 'general', title: 'Mixed', audience: 'everyone', groupIds: [d.groups.cs.id] });
      assert.equal(groupsElsewhere.statusCode, 422, 'groups sent with another audience are refused, not dropped');
      assert.match(groupsElsewhere.body, /Groups are read only for the audience/);
      const made = await call('POST', '/api/v1/news', { category: 'exam', title: 'Exam timetable', body: 'See **below**.', audience: 'groups', groupIds: [d.groups.ph.id] });
      assert.equal(made.statusCode, 201, made.body);
      const article = made.json() as { id: number; audience: string; groups: { name: string }[]; summary: string; url: string };
      assert.deepEqual(article.groups.map((g) => g.name), ['PH-101']);
      assert.equal(article.summary, 'See below.');
      const bad = await call('POST', '/api/v1/news', { category: 'gossip', title: '', audience: 'all' });
      assert.equal(bad.statusCode, 422);
      assert.deepEqual(Object.keys((bad.json() as { error: { fields: object } }).error.fields).sort(), ['audience', 'category', 'title'], 'every field at once');
      const before = (await call('GET', `/api/v1/news/${article.id}`)).json() as { updatedAt: string | null };
      const same = await d.app.inject({ method: 'PATCH', url: `/api/v1/news/${article.id}`, headers: { authorization: `Bearer ${token}` }, payload: { audience: 'groups', title: 'Exam timetable' } });
      assert.equal(same.statusCode, 200, same.body);
      assert.equal((same.json() as { updatedAt: string | null }).updatedAt, before.updatedAt, 'a save that changes nothing changes nothing');
      const listed = await call('GET', '/api/v1/news?category=exam');
      assert.deepEqual((listed.json() as { items: { title: string }[] }).items.map((i) => i.title), ['Exam timetable']);
      const listedGroups = (await call('GET', '/api/v1/news')).json() as { items: { title: string; groups: { name: string }[] }[] };
      assert.deepEqual(listedGroups.items.find((i) => i.title === 'Exam timetable')?.groups.map((g) => g.name), ['PH-101'], 'a list item names its groups');
      const publicOnly = await d.app.inject({ method: 'GET', url: '/api/public/news' });
      assert.ok(!(publicOnly.json() as { items: { title: string }[] }).items.some((i) => i.title === 'Exam timetable'));
      assert.equal(publicOnly.headers['access-control-allow-origin'], '*');
      const refusedPublic = await d.app.inject({ method: 'GET', url: '/api/public/news?limit=1000' });
      assert.equal(refusedPublic.statusCode, 422);
      assert.equal(refusedPublic.headers['access-control-allow-origin'], '*', 'a refusal is readable by other sites too');
      const doc = (await d.app.inject({ method: 'GET', url: '/api/docs/openapi.json' })).json() as { paths: Record<string, unknown>; info: { description: string } };
      for (const path of ['/news', '/news/{id}', '/news/{id}/audio']) assert.ok(doc.paths[path], `${path} in the OpenAPI document`);
      assert.match(doc.info.description, /GET \/api\/public\/news/, 'the document names the public news');
    });
  });
}
