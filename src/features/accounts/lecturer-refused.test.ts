// Managing accounts is for admins: a lecturer who is not one is refused, over HTTP, the account
// pages and every account action (create, reset a password, disable, enable), and nothing changes.
// A lecturer who is also an admin gets through the same forms, so the refusals are the role's.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../../../test/build-test-app.js';
import { createLecturer, createStudent, TEST_PASSWORD } from '../../../test/factories.js';
import { Browser } from '../../../test/http.js';
import { testDatabases } from '../../../test/services.js';

for (const database of await testDatabases()) {
  describe(`accounts refused to lecturers on ${database}`, () => {
    test('a lecturer gets 403 on the account pages and on creating, resetting, disabling and enabling an account; nothing changes', async (t) => {
      const { app, db, ctx } = await buildTestApp(t, { database });
      const { account: lecturer } = await createLecturer(ctx, {}, { password: TEST_PASSWORD });
      const { account: student } = await createStudent(ctx, {}, { password: TEST_PASSWORD });
      const browser = new Browser(app);
      await browser.signIn(lecturer.username, TEST_PASSWORD);
      const accountsBefore = await db.selectFrom('users').selectAll().orderBy('id').execute();
      const accountAudit = () => db.selectFrom('auditLog').select(['id', 'action']).where('action', 'like', 'account.%').orderBy('id').execute();
      const auditBefore = await accountAudit();

      for (const page of ['/admin/accounts', '/admin/accounts/new', `/admin/accounts/${student.userId}`]) {
        const answer = await browser.get(page);
        assert.equal(answer.statusCode, 403, page);
        assert.match(answer.body, /Not allowed/, page);
      }
      // The forms as an admin's page would send them, with a valid CSRF token from the lecturer's own pages.
      const actions: [string, Record<string, string>][] = [
        ['/admin/accounts', { username: 'made.by.lecturer', displayName: 'Made By Lecturer', role: 'admin' }],
        [`/admin/accounts/${student.userId}/reset-password`, {}],
        [`/admin/accounts/${student.userId}/disable`, {}],
        [`/admin/accounts/${student.userId}/enable`, {}],
      ];
      for (const [url, form] of actions) {
        const answer = await browser.post(url, form, { from: '/dashboard' });
        assert.equal(answer.statusCode, 403, `POST ${url}: ${answer.body.slice(0, 200)}`);
        assert.match(answer.body, /Not allowed/, url);
        assert.doesNotMatch(answer.body, /data-testid="one-time-password"/, url);
      }

      assert.deepEqual(await db.selectFrom('users').selectAll().orderBy('id').execute(), accountsBefore, 'no account was made or changed');
      await new Browser(app).signIn(student.username, TEST_PASSWORD);
      assert.deepEqual(await accountAudit(), auditBefore, 'no account action in the audit trail');
    });

    test('a lecturer who is also an admin gets through the same forms', async (t) => {
      const { app, db, ctx } = await buildTestApp(t, { database });
      const { account: head } = await createLecturer(ctx, { isAdmin: true }, { password: TEST_PASSWORD });
      const { account: student } = await createStudent(ctx, {}, { password: TEST_PASSWORD });
      const browser = new Browser(app);
      await browser.signIn(head.username, TEST_PASSWORD);
      assert.equal((await browser.get('/admin/accounts')).statusCode, 200);
      const created = await browser.post('/admin/accounts', { username: 'made.by.head', displayName: 'Made By Head', role: 'student' }, { from: '/admin/accounts/new' });
      assert.equal(created.statusCode, 201);
      const reset = await browser.post(`/admin/accounts/${student.userId}/reset-password`, {}, { from: `/admin/accounts/${student.userId}` });
      assert.equal(reset.statusCode, 200);
      assert.match(reset.body, /data-testid="one-time-password"/);
      assert.equal((await browser.post(`/admin/accounts/${student.userId}/disable`, {}, { from: `/admin/accounts/${student.userId}` })).statusCode, 303);
      const disabled = await db.selectFrom('users').select('disabled').where('id', '=', student.userId).executeTakeFirstOrThrow();
      assert.equal(disabled.disabled, true);
    });
  });
}
