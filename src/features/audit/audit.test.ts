// The audit trail as admins browse it: filters, keyset pages, the page itself (403 for others), the
// before/after changes rendered and escaped, and a record's own history; on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import type { Actor } from '../../access.js';
import { Forbidden, Invalid } from '../../lib/errors.js';
import { auditChanges, RecordHistory } from '../../views/record-history.js';
import { fieldLabelsOf } from './field-labels.js';
import { buildTestApp } from '../../../test/build-test-app.js';
import { createUser, TEST_PASSWORD } from '../../../test/factories.js';
import { Browser } from '../../../test/http.js';
import { csvLines, xlsxRows } from '../../../test/sheet-rows.js';
import { testDatabases, type TestDatabase } from '../../../test/services.js';
import { listAuditPage, recordAudit, recordAuditMany, recordHistory } from './service.js';

const actorOf = (user: { id: number; username: string; role: Actor['role'] }): Actor => ({
  userId: user.id,
  username: user.username,
  role: user.role,
  isAdmin: user.role === 'admin',
  studentId: null,
  lecturerId: null,
  displayName: user.username,
});

/** Two admins' work over three UTC days, around the day boundaries, and a lecturer who may not look. */
async function department(t: TestContext, database: TestDatabase) {
  const built = await buildTestApp(t, { database });
  const { ctx, clock } = built;
  clock.set('2026-02-20T12:00:00Z');
  const ana = await createUser(ctx, { role: 'admin', username: 'ana' });
  const boss = await createUser(ctx, { role: 'admin', username: 'boss' });
  const lecturer = await createUser(ctx, { role: 'lecturer', username: 'lena' });
  const as = (user: typeof ana, ip: string | null = '198.51.100.7') => ({ ...ctx, actor: actorOf(user), ip });
  const at = async (instant: string, work: () => Promise<void>) => {
    clock.set(instant);
    await work();
  };
  await at('2026-03-01T10:00:00.000Z', () => recordAudit(as(ana), { action: 'group.created', entity: 'group', entityId: 7, after: { name: 'G-1', description: '' } }));
  await at('2026-03-01T23:59:59.999Z', () =>
    recordAudit(as(ana, '203.0.113.9'), {
      action: 'student.updated',
      entity: 'student',
      entityId: 12,
      before: { firstName: 'Ivo', lastName: 'Kos', email: 'ivo@example.edu' },
      after: { firstName: '<script>alert(1)</script>', lastName: 'Kos', email: 'ivo@example.edu' },
    }),
  );
  await at('2026-03-02T00:00:00.000Z', () => recordAudit(as(boss), { action: 'student.archived', entity: 'student', entityId: 12, before: { archived: false }, after: { archived: true } }));
  await at('2026-03-03T08:00:00.000Z', () => recordAudit(as(boss), { action: 'lecturer.updated', entity: 'lecturer', entityId: 5, before: { position: 'Assistant' }, after: { position: 'Professor' } }));
  await at('2026-03-03T09:00:00.000Z', () => recordAudit(as(boss), { action: 'student_card.printed', entity: 'student', entityId: 12 }));
  return { ...built, ana, boss, lecturer, as };
}

const actions = (page: { entries: { action: string }[] }) => page.entries.map((e) => e.action);

for (const database of await testDatabases()) {
  describe(`audit trail on ${database}`, () => {
    test('filters: actor, action exactly or by prefix, record, UTC days; bad filters name the field', async (t) => {
      const { ctx, as, ana, boss } = await department(t, database);
      const admin = as(ana);

      assert.deepEqual(actions(await listAuditPage(admin, { actor: 'ana' })), ['student.updated', 'group.created']);
      assert.deepEqual(actions(await listAuditPage(admin, { actor: 'BOSS' })), ['student_card.printed', 'lecturer.updated', 'student.archived']);
      const system = await listAuditPage(admin, { actor: 'system' });
      assert.deepEqual([...new Set(actions(system))], ['account.created'], 'the factories made the accounts from the command line');
      assert.ok(system.entries.every((e) => e.actorId === null && e.actorUsername === null));

      assert.deepEqual(actions(await listAuditPage(admin, { action: 'student.' })), ['student.archived', 'student.updated'], 'a prefix, and student_card. is another prefix');
      assert.deepEqual(actions(await listAuditPage(admin, { action: 'student.*' })), ['student.archived', 'student.updated']);
      assert.deepEqual(actions(await listAuditPage(admin, { action: 'student.updated' })), ['student.updated']);
      assert.deepEqual(actions(await listAuditPage(admin, { action: 'student' })), [], 'without a dot the action is exact');

      assert.deepEqual(actions(await listAuditPage(admin, { entity: 'student', entityId: '12' })), ['student_card.printed', 'student.archived', 'student.updated']);
      assert.deepEqual(actions(await listAuditPage(admin, { entity: 'student', entityId: '12', actor: 'boss', action: 'student.' })), ['student.archived']);

      assert.deepEqual(actions(await listAuditPage(admin, { from: '2026-03-01', to: '2026-03-01' })), ['student.updated', 'group.created'], 'the last millisecond of the day is in, the next midnight out');
      assert.deepEqual(actions(await listAuditPage(admin, { from: '2026-03-02' })), ['student_card.printed', 'lecturer.updated', 'student.archived']);
      assert.deepEqual(actions(await listAuditPage(admin, { to: '2026-02-28' })).length, 3, 'only the three accounts made before March');
      assert.equal((await listAuditPage(admin, { from: '2026-03-03', to: '2026-03-03', actor: 'boss' })).entries.length, 2);

      const entry = (await listAuditPage(admin, { action: 'student.updated' })).entries[0]!;
      assert.equal(entry.actorUsername, 'ana');
      assert.equal(entry.ip, '203.0.113.9');
      assert.equal(entry.at.toISOString(), '2026-03-01T23:59:59.999Z');
      assert.equal(entry.entityId, '12');
      assert.deepEqual(JSON.parse(entry.before!), { firstName: 'Ivo', lastName: 'Kos', email: 'ivo@example.edu' });

      const refused = async (query: Record<string, string>) => {
        const error = await listAuditPage(admin, query).then(
          () => assert.fail(`accepted ${JSON.stringify(query)}`),
          (e: unknown) => e,
        );
        assert.ok(error instanceof Invalid, String(error));
        return error.fields;
      };
      assert.match((await refused({ actor: 'nobody' })).actor!, /No account is named "nobody"/);
      assert.match((await refused({ from: '2026-02-30' })).from!, /There is no day 2026-02-30/);
      assert.match((await refused({ from: '01.03.2026' })).from!, /YYYY-MM-DD/);
      assert.match((await refused({ from: '2026-03-03', to: '2026-03-01' })).to!, /before the from date/);
      assert.match((await refused({ action: 'student.%' })).action!, /ending in a dot/);
      assert.match((await refused({ before: 'not-a-cursor' })).before!, /first page/);

      for (const actor of [null, actorOf({ ...boss, role: 'lecturer' }), actorOf({ id: 0, username: 'x', role: 'student' })])
        await assert.rejects(listAuditPage({ ...ctx, actor: actor && { ...actor, isAdmin: false } }, {}), Forbidden);
    });

    test('keyset pages: newest first, entries sharing an instant split cleanly, older and newer links', async (t) => {
      const { ctx, as, ana, clock } = await department(t, database);
      const pager = await createUser(ctx, { role: 'admin', username: 'pager' });
      // 125 entries, five to an instant (a bulk import writes many with one timestamp).
      for (let i = 0; i < 25; i++) {
        clock.set(new Date(Date.UTC(2026, 3, 1, 8, i)));
        // Three actions under one prefix: a prefix's pages are merged from each action's.
        const action = (j: number) => ['student.created', 'student.updated', 'student.photo_changed'][(i + j) % 3]!;
        await recordAuditMany(as(pager), [0, 1, 2, 3, 4].map((j) => ({ action: action(j), entity: 'student', entityId: 1000 + i * 5 + j })));
      }
      const admin = as(ana);
      for (const filter of [{ actor: 'pager' }, { actor: 'pager', action: 'student.' }]) {
        const seen: number[] = [];
        const pages = [];
        let page = await listAuditPage(admin, filter);
        assert.equal(page.newerCursor, null, 'the first page has nothing newer');
        for (;;) {
          pages.push(page);
          seen.push(...page.entries.map((e) => Number(e.entityId)));
          if (!page.olderCursor) break;
          page = await listAuditPage(admin, { ...filter, before: page.olderCursor });
        }
        assert.deepEqual(pages.map((p) => p.entries.length), [50, 50, 25]);
        assert.deepEqual(seen, Array.from({ length: 125 }, (_, i) => 1124 - i), 'every entry once, newest first');

        const back = await listAuditPage(admin, { ...filter, after: pages[2]!.newerCursor! });
        assert.deepEqual(back.entries.map((e) => e.id), pages[1]!.entries.map((e) => e.id), 'newer from page 3 is page 2');
        assert.ok(back.newerCursor && back.olderCursor);
        const first = await listAuditPage(admin, { ...filter, after: back.newerCursor });
        assert.deepEqual(first.entries.map((e) => e.id), pages[0]!.entries.map((e) => e.id));
        assert.equal(first.newerCursor, null);
      }

      const small = await listAuditPage(admin, { actor: 'pager', limit: '10' });
      assert.equal(small.entries.length, 10);
      assert.equal((await listAuditPage(admin, { actor: 'pager', limit: 10, before: small.olderCursor! })).entries[0]!.entityId, '1114');

      // A prefix over more actions than are expanded one by one is read as one range.
      clock.set('2026-04-02T00:00:00Z');
      await recordAuditMany(as(pager), Array.from({ length: 70 }, (_, i) => ({ action: `bulk.kind_${String(i % 35).padStart(2, '0')}`, entity: 'x', entityId: 5000 + i })));
      const bulk: string[] = [];
      let cursor: string | null = null;
      do {
        const result: Awaited<ReturnType<typeof listAuditPage>> = await listAuditPage(admin, { action: 'bulk.', limit: 20, ...(cursor ? { before: cursor } : {}) });
        bulk.push(...result.entries.map((e) => e.entityId!));
        cursor = result.olderCursor;
      } while (cursor);
      assert.deepEqual(bulk, Array.from({ length: 70 }, (_, i) => String(5069 - i)));
    });

    test('the page: admins filter and follow Older; changes are field by field and escaped; others get 403', async (t) => {
      const { app, ana, lecturer, as, clock } = await department(t, database);
      assert.ok(app.hasRoute({ method: 'GET', url: '/admin/audit' }), "app.ts does not mount the audit pages: add `await app.register(auditRoutes, { prefix: '/admin/audit' })` to buildApp");
      // A hostile action name, record and address (anything a feature might write) must stay text.
      clock.set('2026-02-25T00:00:00Z');
      await recordAudit(as(ana, '<b>ip</b>'), { action: 'x.<img src=x onerror=alert(2)>', entity: '<i>e</i>', entityId: '"><svg onload=alert(3)>', before: '<u>', after: { '<k>': '</td><script>alert(4)</script>' } });
      // 60 sign-ins: more than a page.
      clock.set('2026-03-03T09:10:00Z');
      await recordAuditMany(as(ana), Array.from({ length: 60 }, (_, i) => ({ action: 'auth.sign_in', entity: 'user', entityId: 9000 + i })));
      clock.set('2026-03-03T09:30:00Z');
      const browser = new Browser(app);
      await browser.signIn(ana.username, TEST_PASSWORD);

      const page = await browser.get('/admin/audit?action=student.&entity=student&entityId=12');
      assert.equal(page.statusCode, 200, page.body.slice(0, 500));
      assert.match(page.headers['content-type'] as string, /text\/html/);
      assert.match(page.body, /<code>student\.updated<\/code>/);
      assert.match(page.body, /<code>student\.archived<\/code>/);
      assert.ok(!page.body.includes('<code>student_card.printed</code>') && !page.body.includes('<code>lecturer.updated</code>'), 'other actions are filtered out');
      assert.match(page.body, /<a href="\/students\/12">student #12<\/a>/);
      assert.match(page.body, /203\.0\.113\.9/);
      assert.match(page.body, /2026-03-01 23:59:59 UTC/);
      assert.match(page.body, /value="student\." /, 'the filter stays in the form');

      const row = /<tr data-entry-id="\d+">(?:(?!<\/tr>\s*<tr data-entry-id)[\s\S])*?student\.updated[\s\S]*?<\/details>/.exec(page.body)?.[0] ?? '';
      assert.match(row, /<details class="audit-changes"><summary class="small">1 field: First name<\/summary>/, 'only the changed field, by its label');
      assert.match(row, /<th scope="row" class="fw-normal">First name<\/th>[\s\S]*Ivo[\s\S]*&lt;script(&gt;|>)alert\(1\)&lt;\/script/);
      assert.ok(!row.includes('Last name') && !row.includes('ivo@example.edu'), 'unchanged fields are not listed');
      assert.ok(!page.body.includes('<script>alert(1)'), 'the name is escaped');

      const hostile = await browser.get('/admin/audit?from=2026-02-25&to=2026-02-25');
      assert.equal(hostile.statusCode, 200);
      assert.equal((hostile.body.match(/data-entry-id=/g) ?? []).length, 1);
      for (const raw of ['<img src=x', '<svg onload', '<script>alert(4)', '<b>ip</b>', '<i>e</i>', '<k>', '<u>']) assert.equal(hostile.body.includes(raw), false, `${raw} is escaped`);
      assert.match(hostile.body, /&lt;\/td(&gt;|>)&lt;script(&gt;|>)alert\(4\)&lt;\/script/);

      // Pages: Older leads to the rest and keeps the filter; Newer leads back.
      const first = await browser.get('/admin/audit?action=auth.sign_in');
      assert.equal((first.body.match(/data-entry-id=/g) ?? []).length, 50);
      assert.match(first.body, /<li class="page-item disabled"><a class="page-link" href="#" rel="prev">/, 'nothing newer on the first page');
      const older = /<a class="page-link" href="([^"]+)" rel="next">/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
      assert.ok(older && older.includes('before=') && older.includes('action=auth.sign_in'), 'the older link keeps the filter');
      const second = await browser.get(older);
      assert.equal(second.statusCode, 200);
      // The 60 written above and ana's own sign-in: 61 in all.
      assert.equal((second.body.match(/data-entry-id=/g) ?? []).length, 11);
      assert.match(second.body, /href="\/admin\/accounts\/9000"/);
      const newer = /<a class="page-link" href="([^"]+)" rel="prev">/.exec(second.body)?.[1]?.replaceAll('&amp;', '&');
      assert.ok(newer && newer.includes('after='));
      const again = await browser.get(newer);
      assert.deepEqual(again.body.match(/data-entry-id="\d+"/g), first.body.match(/data-entry-id="\d+"/g));

      const bad = await browser.get('/admin/audit?from=2026-02-30&actor=ana');
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /There is no day 2026-02-30/);
      assert.match(bad.body, /value="ana"/);

      const other = new Browser(app);
      await other.signIn(lecturer.username, TEST_PASSWORD);
      assert.equal((await other.get('/admin/audit')).statusCode, 403);
      const anonymous = await app.inject({ url: '/admin/audit' });
      assert.notEqual(anonymous.statusCode, 200);
      assert.ok([302, 303, 401].includes(anonymous.statusCode), String(anonymous.statusCode));
    });

    test('exports: the filtered trail, every page of it, newest first, with the changes in words; bad filters and others refused', async (t) => {
      const { app, ana, lecturer, as, clock } = await department(t, database);
      // 250 sign-ins: more than one of the export's pages of 200.
      clock.set('2026-03-04T10:00:00Z');
      await recordAuditMany(as(ana), Array.from({ length: 250 }, (_, i) => ({ action: 'auth.sign_in', entity: 'user', entityId: 9000 + i })));
      clock.set('2026-03-05T10:00:00Z');
      await recordAudit(as(ana), { action: 'student.updated', entity: 'student', entityId: 13, before: { phone: '061' }, after: { phone: '=1+1' } });
      const browser = new Browser(app);
      await browser.signIn(ana.username, TEST_PASSWORD);

      const page = await browser.get('/admin/audit?action=student.&entityId=12');
      assert.match(page.body, /href="\/admin\/audit\/export\.csv\?action=student\.&entityId=12"/, 'the export link keeps the filter');
      const csv = await browser.get('/admin/audit/export.csv?action=student.&entityId=12');
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-disposition']), /^attachment; filename="audit-trail-\d{4}-\d{2}-\d{2}\.csv"$/);
      const lines = csvLines(csv.body);
      assert.equal(lines[0], 'When (UTC),Who,Name,Action,Record type,Record,Changes,Address,Before (JSON),After (JSON)');
      assert.deepEqual(
        lines.slice(1).map((l) => l.split(',').slice(0, 6).join(',')),
        ['2026-03-02T00:00:00.000Z,boss,Test admin,student.archived,student,12', '2026-03-01T23:59:59.999Z,ana,Test admin,student.updated,student,12'],
        'the prefix "student." leaves student_card.printed out, as on the page',
      );
      assert.match(lines[1]!, /Archived: false → true/);
      assert.match(lines[2]!, /First name: Ivo → <script>alert\(1\)<\/script>/);

      const xlsx = await browser.get('/admin/audit/export.xlsx?action=auth.sign_in&from=2026-03-04');
      assert.equal(xlsx.statusCode, 200);
      const rows = await xlsxRows(xlsx.rawPayload);
      // The 250 written above and ana's own sign-in for this test, the newest: 251 in all.
      assert.equal(rows.length, 1 + 251, 'every page of the filtered trail, not just the first');
      assert.equal(rows[1]![5], String(ana.id), 'newest first');
      assert.equal(rows[2]![5], '9249');
      assert.equal(rows.at(-1)![5], '9000');

      const changed = csvLines((await browser.get('/admin/audit/export.csv?entityId=13')).body);
      assert.match(changed[1]!, /Phone: 061 → =1\+1/, 'the changes column names the field');
      assert.match(changed[1]!, /"\{""phone"":""=1\+1""\}"/);
      // Cells a spreadsheet would run (a record id "-1", an address "=cmd|calc") get their apostrophe.
      await recordAudit(as(ana, '=cmd|calc'), { action: 'student.updated', entity: 'student', entityId: '-1', before: { phone: '1' }, after: { phone: '2' } });
      const neutral = csvLines((await browser.get('/admin/audit/export.csv?entityId=-1')).body)[1]!;
      assert.match(neutral, /,student,'-1,/);
      assert.match(neutral, /,'=cmd\|calc,/);

      const bad = await browser.get('/admin/audit/export.csv?from=2026-02-30');
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /There is no day 2026-02-30/);
      assert.doesNotMatch(String(bad.headers['content-disposition'] ?? ''), /attachment/);

      const other = new Browser(app);
      await other.signIn(lecturer.username, TEST_PASSWORD);
      assert.equal((await other.get('/admin/audit/export.csv')).statusCode, 403);
    });

    test("a record's history: its own entries, newest first, limited, admins only", async (t) => {
      const { ctx, as, ana, lecturer } = await department(t, database);
      const history = await recordHistory(as(ana), 'student', 12);
      assert.deepEqual(actions(history), ['student_card.printed', 'student.archived', 'student.updated']);
      assert.equal(history.more, false);
      assert.equal(history.trailHref, '/admin/audit?entity=student&entityId=12');
      const short = await recordHistory(as(ana), 'student', '12', 2);
      assert.deepEqual(actions(short), ['student_card.printed', 'student.archived']);
      assert.equal(short.more, true);
      assert.deepEqual(actions(await recordHistory(as(ana), 'group', 7)), ['group.created']);
      await assert.rejects(recordHistory({ ...ctx, actor: actorOf(lecturer) }, 'student', 12), Forbidden);

      const html = await RecordHistory(history);
      assert.match(html, /data-testid="record-history"/);
      assert.match(html, /<code>student\.archived<\/code>/);
      assert.match(html, /href="\/admin\/audit\?entity=student(&amp;|&)entityId=12"/);
      assert.match(html, /&lt;script(&gt;|>)alert\(1\)&lt;\/script/);
      assert.ok(!html.includes('<script>alert(1)'));
      assert.ok(!html.includes('203.0.113.9'), 'no address column on a record page');
    });
  });
}

describe('field labels in the audit history', () => {
  test("come from each kind's field declaration, the same words as its form", () => {
    // The history shows stored values: a reference is an id, and its label says so.
    assert.equal(fieldLabelsOf('student').groupId, 'Group (id)');
    assert.equal(fieldLabelsOf('student').email, 'E-mail');
    assert.equal(fieldLabelsOf('student').studentNumber, 'Student number');
    assert.equal(fieldLabelsOf('lecturer').academicDegree, 'Academic degree');
    assert.equal(fieldLabelsOf('group').description, 'Description');
    assert.equal(fieldLabelsOf('user').displayName, 'Display name');
    // Fields about a record's life, not on its form, are labelled for every kind.
    assert.equal(fieldLabelsOf('student').archived, 'Archived');
    assert.equal(fieldLabelsOf('unknown').archived, 'Archived');
  });
});

describe('changes between snapshots', () => {
  test('only changed fields; a creation lists every field; odd snapshots are still shown', () => {
    assert.deepEqual(
      auditChanges(JSON.stringify({ a: 1, b: 'x', c: [1, 2], gone: true }), JSON.stringify({ a: 1, b: 'y', c: [1, 2], added: null })).map((c) => c.field),
      ['b', 'added', 'gone'],
    );
    const created = auditChanges(null, JSON.stringify({ name: 'G-1', archived: false }));
    assert.deepEqual(created.map((c) => [c.field, c.after]), [['name', 'G-1'], ['archived', false]]);
    assert.equal(typeof created[0]!.before, 'symbol', 'absent, not null');
    assert.deepEqual(auditChanges('not json {', '"text"').map((c) => [c.field, c.before, c.after]), [['value', 'not json {', 'text']]);
    assert.deepEqual(auditChanges('[1]', '[2]').map((c) => c.field), ['value']);
    assert.deepEqual(auditChanges(null, null), []);
    assert.deepEqual(auditChanges(null, JSON.stringify({ name: 'A', formId: '7d2c1f9e-0000-4000-8000-000000000000' })).map((c) => c.field), ['name'], "a form's id is no change");
    const proto = auditChanges(null, '{"__proto__": {"polluted": 1}, "constructor": "x"}');
    assert.deepEqual(proto.map((c) => c.field), ['__proto__', 'constructor']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('RecordHistory renders an empty history and absent, null and empty values distinctly', async () => {
    assert.match(await RecordHistory({ entries: [] }), /No changes recorded\./);
    const html = await RecordHistory({
      entries: [
        { id: 1, at: new Date('2026-03-01T10:00:00Z'), action: 'student.updated', entity: 'student', entityId: '4', before: '{"email":null,"phone":"","note":"x"}', after: '{"email":"a@b.c","phone":"1","extra":1}', ip: null, actorId: null, actorUsername: null, fieldLabels: fieldLabelsOf('student') },
        { id: 2, at: new Date('2026-03-01T09:00:00Z'), action: 'account.password_reset', entity: 'user', entityId: '4', before: null, after: null, ip: null, actorId: 99, actorUsername: null },
      ],
    });
    assert.match(html, /4 fields: E-mail, Phone, extra, note/);
    assert.match(html, /<span class="text-secondary fst-italic">none<\/span>/);
    assert.match(html, /<span class="text-secondary fst-italic">\(empty\)<\/span>/);
    assert.match(html, /<span class="text-secondary fst-italic">—<\/span>/);
    assert.match(html, />system</);
    assert.match(html, /account #99 \(deleted\)/);
    assert.match(html, /No details recorded/);
  });
});
