// The students' calendar feed: made, replaced and turned off on /my-calendar; fetched by calendar
// apps with no cookie, as iCalendar with RFC 5545's escaping and folding; its secret held only as a
// hash and kept out of the log; every address that names no working feed answers the same 404.
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { systemActor } from '../../access.js';
import type { ServiceContext } from '../../context.js';
import { randomToken, sha256 } from '../../lib/secrets.js';
import { buildTestApp } from '../../../test/build-test-app.js';
import { createGroup, createLecturer, createStudent, createUser, TEST_PASSWORD } from '../../../test/factories.js';
import { Browser } from '../../../test/http.js';
import { signInAsNew } from '../../../test/people/page-helpers.js';
import { testDatabases, type TestDatabase } from '../../../test/services.js';
import { createExercise } from '../exercises/service.js';
import { createSubject } from '../subjects/service.js';

const DAY = 86_400_000;

async function calendarApp(t: TestContext, database: TestDatabase) {
  const logLines: string[] = [];
  const built = await buildTestApp(t, { database, env: { TIMEZONE: 'Europe/Zagreb' }, logLines });
  const system: ServiceContext = { ...built.ctx, actor: systemActor, storage: built.app.deps.storage };
  return { ...built, system, logLines };
}

/** A student of a new group, signed in, with a subject of that group to set exercises in. */
async function studentWithSubject(app: FastifyInstance, system: ServiceContext, subjectName: string) {
  const group = await createGroup(system);
  const { student, account } = await createStudent(system, { groupId: group.id }, { password: TEST_PASSWORD });
  const subject = await createSubject(system, { name: subjectName, description: '', groupIds: [group.id] });
  const browser = new Browser(app);
  await browser.signIn(account.username, TEST_PASSWORD);
  const set = (title: string, dueAt: Date | null) => createExercise(system, { subjectId: subject.id, groupIds: [group.id], title, ...(dueAt ? { dueAt: dueAt.toISOString() } : {}) });
  return { group, student, account, subject, browser, set };
}

/** Makes a feed from the page as its student does; answers the address shown once. */
async function makeFeed(browser: Browser): Promise<string> {
  const made = await browser.post('/my-calendar/new-address', {}, { from: '/my-calendar' });
  assert.equal(made.statusCode, 201, made.body.slice(0, 300));
  const address = /data-testid="feed-address">([^<]+)</.exec(made.body)?.[1];
  assert.ok(address, 'the address is on the page');
  return address;
}

/** A calendar app's fetch: no cookie, no session, nothing but the address. */
function fetchFeed(app: FastifyInstance, address: string) {
  return app.inject({ method: 'GET', url: new URL(address).pathname });
}

/** Physical lines joined back into content lines (RFC 5545 3.1: CRLF and one space or tab continue a line). */
const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, '').split('\r\n').filter(Boolean);

/** Each VEVENT's properties by name, values as written (still escaped). */
function eventsIn(ics: string): Record<string, string>[] {
  const events: Record<string, string>[] = [];
  let current: Record<string, string> | null = null;
  for (const line of unfold(ics)) {
    if (line === 'BEGIN:VEVENT') current = {};
    else if (line === 'END:VEVENT') {
      events.push(current!);
      current = null;
    } else if (current) {
      const name = /^[A-Z-]+/.exec(line)![0];
      current[name] = line.slice(line.indexOf(':') + 1);
    }
  }
  return events;
}

const unescapeText = (value: string) => value.replace(/\\([\\;,nN])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
const icsInstant = (at: Date) => at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
/** A due time with whole seconds, as iCalendar writes it. */
const dueIn = (now: Date, ms: number) => new Date(Math.floor((now.getTime() + ms) / 1000) * 1000);

for (const database of await testDatabases()) {
  describe(`calendar feed on ${database}`, () => {
    test('a student makes a feed; a calendar app fetches it without a cookie and gets each deadline, escaped and folded', async (t) => {
      const { app, db, system, clock, logLines } = await calendarApp(t, database);
      const me = await studentWithSubject(app, system, 'Databases, advanced; part 2');
      const now = clock.now();
      const joinsDue = dueIn(now, 3 * DAY);
      const joins = await me.set('Joins; keys, and a \\ backslash', joinsDue);
      const longTitle = `Normalisation: ${'čćžšđ and more words '.repeat(8)}end`;
      const long = await me.set(longTitle, dueIn(now, 10 * DAY));
      const late = await me.set('Indexes', dueIn(now, -2 * DAY));
      await me.set('Reading list', null);
      // A title written by a script before the rules (one line, no control characters) applied.
      const scripted = await me.set('Scripted', dueIn(now, 5 * DAY));
      await db.updateTable('exercises').set({ title: 'First line\nsecond line\u0007' }).where('id', '=', scripted.id).execute();

      const off = await me.browser.get('/my-calendar');
      assert.equal(off.statusCode, 200);
      assert.match(off.body, /Your calendar feed is off\./);
      assert.match((await me.browser.get('/my-exercises')).body, /<a [^>]*href="\/my-calendar"[^>]*>\s*Calendar feed/, 'My exercises links to the feed');

      const address = await makeFeed(me.browser);
      assert.match(address, /^http:\/\/localhost(:80)?\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
      const secret = /\/calendar\/([^/]+)\.ics$/.exec(address)![1]!;
      const page = await me.browser.get('/my-calendar');
      assert.match(page.body, /Your calendar feed is on\./);
      assert.ok(!page.body.includes(secret), 'the address is shown once, not on later visits');

      const feed = await fetchFeed(app, address);
      assert.equal(feed.statusCode, 200, feed.body.slice(0, 300));
      assert.equal(feed.headers['content-type'], 'text/calendar; charset=utf-8');
      assert.equal(feed.headers['x-content-type-options'], 'nosniff');
      assert.match(String(feed.headers['cache-control']), /private/);
      assert.match(String(feed.headers['cache-control']), /no-store/);
      assert.equal(feed.headers['set-cookie'], undefined, 'no session or CSRF cookie is asked of or given to a calendar app');
      assert.ok(feed.headers['ratelimit-remaining'] !== undefined, 'the rate limit counts the fetch');

      const ics = feed.body;
      assert.ok(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n'));
      assert.ok(ics.trimEnd().endsWith('END:VCALENDAR'));
      for (const line of ics.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, `a line of ${Buffer.byteLength(line)} octets: ${line}`);

      const events = eventsIn(ics);
      assert.equal(events.length, 4, 'one event per exercise with a due time');
      const byUid = new Map(events.map((e) => [e.UID!, e]));
      const joinsEvent = byUid.get(`exercise-${joins.id}@localhost`);
      assert.ok(joinsEvent, `UIDs: ${[...byUid.keys()].join(', ')}`);
      assert.equal(joinsEvent.SUMMARY, 'Databases\\, advanced\\; part 2: Joins\\; keys\\, and a \\\\ backslash');
      assert.equal(joinsEvent.DTSTART, icsInstant(joinsDue));
      assert.match(joinsEvent.DTSTAMP!, /^\d{8}T\d{6}Z$/);
      assert.equal(joinsEvent.URL, `${address.slice(0, address.indexOf('/calendar/'))}/exercises/${joins.id}`, 'links go to the site the feed came from');
      assert.equal(joinsEvent.DTEND, undefined, 'a deadline is a moment: no DTEND (RFC 5545 3.6.1)');
      assert.match(joinsEvent.DESCRIPTION!, /\\nState: open\.\\n/, 'line breaks in the description are escaped');
      assert.match(unescapeText(joinsEvent.DESCRIPTION!), /^Due \w{3}, \d{1,2} \w{3} \d{4}, \d{2}:\d{2} Europe\/Zagreb\.\nState: open\.\nhttp:\/\/localhost(:80)?\/exercises\/\d+$/);

      const longEvent = byUid.get(`exercise-${long.id}@localhost`)!;
      assert.equal(unescapeText(longEvent.SUMMARY!), `Databases, advanced; part 2: ${longTitle}`, 'a long title unfolds to itself');
      assert.ok(ics.split('\r\n').filter((l) => l.startsWith(' ')).length >= 3, 'long lines are folded');
      assert.match(unescapeText(byUid.get(`exercise-${late.id}@localhost`)!.DESCRIPTION!), /State: overdue\./);
      assert.equal(byUid.get(`exercise-${scripted.id}@localhost`)!.SUMMARY, 'Databases\\, advanced\\; part 2: First line\\nsecond line', 'a newline is escaped, a control character dropped');

      // The secret is nowhere at rest: not in the table, not in the audit trail, not in the log.
      const rows = await db.selectFrom('calendarFeeds').selectAll().execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.secretHash, sha256(secret));
      assert.ok(!JSON.stringify(rows).includes(secret), 'the table holds no plaintext secret');
      const audit = await db.selectFrom('auditLog').select(['action', 'actorId', 'entity', 'entityId', 'after']).where('action', 'like', 'calendar.%').execute();
      assert.deepEqual(
        audit.map((a) => [a.action, a.actorId, a.entity, a.entityId]),
        [['calendar.feed_made', me.account.userId, 'user', String(me.account.userId)]],
      );
      assert.ok(!JSON.stringify(audit).includes(secret));
      const log = logLines.join('\n');
      assert.match(log, /"url":"\/calendar\/\[secret\]\.ics"/, 'the fetch is logged');
      assert.ok(!log.includes(secret), 'the log never holds the secret');
      assert.match((await me.browser.get('/my-calendar')).body, /A calendar app last fetched it around /);
    });

    test('a new address ends the old one at once; turning the feed off ends it too; every dead address is the same 404', async (t) => {
      const { app, db, system, clock } = await calendarApp(t, database);
      const me = await studentWithSubject(app, system, 'Algebra');
      await me.set('Matrices', dueIn(clock.now(), DAY));
      const first = await makeFeed(me.browser);
      assert.equal((await fetchFeed(app, first)).statusCode, 200);

      const second = await makeFeed(me.browser);
      assert.notEqual(second, first);
      // Each error page carries a fresh CSRF token (for its sign-in link's forms); all else is the same.
      const page = async (url: string) => {
        const response = await app.inject({ method: 'GET', url });
        return { status: response.statusCode, body: response.body.replace(/<meta name="csrf-token" content="[^"]*"\/>/, '') };
      };
      const old = await fetchFeed(app, first);
      assert.equal(old.statusCode, 404);
      const revoked = await page(new URL(first).pathname);
      assert.deepEqual(revoked, await page(`/calendar/${randomToken(32)}.ics`), 'a revoked address reads exactly as one never made');
      assert.deepEqual(revoked, await page('/no-such-page'), 'and as any unknown address');
      assert.ok(old.headers['ratelimit-remaining'] !== undefined, 'guesses are rate limited');
      const fresh = await fetchFeed(app, second);
      assert.equal(fresh.statusCode, 200);
      assert.match(fresh.body, /SUMMARY:Algebra: Matrices/);
      assert.equal((await db.selectFrom('calendarFeeds').selectAll().execute()).length, 1, 'one feed per student');

      for (const url of ['/calendar/short.ics', `/calendar/${new URL(second).pathname.slice(10, -4)}.txt`, `/calendar/${new URL(second).pathname.slice(10, -4)}`, '/calendar/%00.ics'])
        assert.equal((await app.inject({ method: 'GET', url })).statusCode, 404, url);

      const turnedOff = await me.browser.post('/my-calendar/turn-off', {}, { from: '/my-calendar' });
      assert.equal(turnedOff.statusCode, 303);
      assert.match((await me.browser.get('/my-calendar')).body, /Your calendar feed is off; its address no longer works\./);
      assert.equal((await fetchFeed(app, second)).statusCode, 404);
      assert.equal((await db.selectFrom('calendarFeeds').selectAll().execute()).length, 0);
      const again = await me.browser.post('/my-calendar/turn-off', {}, { from: '/my-calendar' });
      assert.equal(again.statusCode, 303);
      assert.match((await me.browser.get('/my-calendar')).body, /Your calendar feed was already off\./);

      const actions = await db.selectFrom('auditLog').select('action').where('action', 'like', 'calendar.%').orderBy('id').execute();
      assert.deepEqual(
        actions.map((a) => a.action),
        ['calendar.feed_made', 'calendar.feed_replaced', 'calendar.feed_turned_off'],
      );
    });

    test("a student's address shows only that student's deadlines, and ends for good when the account is reset or disabled", async (t) => {
      const { app, system, clock } = await calendarApp(t, database);
      const ana = await studentWithSubject(app, system, 'Physics');
      const ben = await studentWithSubject(app, system, 'Chemistry');
      await ana.set('Pendulum', dueIn(clock.now(), DAY));
      await ben.set('Titration', dueIn(clock.now(), DAY));
      const anaAddress = await makeFeed(ana.browser);
      const anaFeed = (await fetchFeed(app, anaAddress)).body;
      const benAddress = await makeFeed(ben.browser);
      const benFeed = (await fetchFeed(app, benAddress)).body;
      assert.match(anaFeed, /Physics: Pendulum/);
      assert.doesNotMatch(anaFeed, /Titration|Chemistry/);
      assert.match(benFeed, /Chemistry: Titration/);
      assert.doesNotMatch(benFeed, /Pendulum|Physics/);
      // A signed-in student's cookie changes nothing: the address alone says whose feed it is.
      assert.doesNotMatch((await ana.browser.get(new URL(benAddress).pathname)).body, /Pendulum/);

      const adminUser = await createUser(system, { role: 'admin' });
      const admin = new Browser(app);
      await admin.signIn(adminUser.username, TEST_PASSWORD);
      // An admin's reset ends the feed, as it revokes API tokens: the old address stays dead.
      const reset = await admin.post(`/admin/accounts/${ana.account.userId}/reset-password`, {}, { from: `/admin/accounts/${ana.account.userId}` });
      assert.equal(reset.statusCode, 200, reset.body.slice(0, 300));
      assert.equal((await fetchFeed(app, anaAddress)).statusCode, 404, 'a reset account\'s feed answers 404');
      const oneTimePassword = /data-testid="one-time-password">([^<]+)</.exec(reset.body)![1]!;
      await signInAsNew(app, ana.account.username, oneTimePassword);
      assert.equal((await fetchFeed(app, anaAddress)).statusCode, 404, 'and stays dead once a password is chosen: its owner makes a new one');
      assert.equal(await system.db.selectFrom('calendarFeeds').select('id').where('userId', '=', ana.account.userId).executeTakeFirst(), undefined, 'the feed is gone, not paused');

      const disabled = await admin.post(`/admin/accounts/${ben.account.userId}/disable`, {}, { from: `/admin/accounts/${ben.account.userId}` });
      assert.equal(disabled.statusCode, 303, disabled.body.slice(0, 300));
      assert.equal((await fetchFeed(app, benAddress)).statusCode, 404, "a disabled account's feed answers 404");
      await admin.post(`/admin/accounts/${ben.account.userId}/enable`, {}, { from: `/admin/accounts/${ben.account.userId}` });
      assert.equal((await fetchFeed(app, benAddress)).statusCode, 404, 'and stays dead when the account is enabled again');
    });

    test('lecturers and admins are refused the calendar page and its forms (403); visitors are sent to sign in', async (t) => {
      const { app, system } = await calendarApp(t, database);
      const adminUser = await createUser(system, { role: 'admin' });
      const admin = new Browser(app);
      await admin.signIn(adminUser.username, TEST_PASSWORD);
      const teacher = await createLecturer(system, {}, { password: TEST_PASSWORD });
      const lecturer = new Browser(app);
      await lecturer.signIn(teacher.account.username, TEST_PASSWORD);
      for (const browser of [admin, lecturer]) {
        const page = await browser.get('/my-calendar');
        assert.equal(page.statusCode, 403);
        assert.match(page.body, /lists a student&#39;s own deadlines|lists a student's own deadlines/);
        const token = await browser.csrfToken('/dashboard');
        for (const action of ['new-address', 'turn-off']) assert.equal((await browser.post(`/my-calendar/${action}`, { _csrf: token })).statusCode, 403, action);
      }
      const visitor = await app.inject({ method: 'GET', url: '/my-calendar' });
      assert.equal(visitor.statusCode, 303);
      assert.match(String(visitor.headers.location), /^\/login\?next=%2Fmy-calendar/);
    });
  });
}
