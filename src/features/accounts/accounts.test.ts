// Admins' account management, and the one-time password flow it starts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../../../test/build-test-app.js';
import { createStudent, createUser, TEST_PASSWORD } from '../../../test/factories.js';
import { Browser } from '../../../test/http.js';
import { testDatabases } from '../../../test/services.js';
import { csvLines, xlsxRows } from '../../../test/sheet-rows.js';

const CHOSEN = 'my own chosen passphrase 2026';

for (const database of await testDatabases()) {
  describe(`accounts on ${database}`, () => {
    test('an admin creates an account; its owner signs in with the one-time password and must choose their own', async (t) => {
      const { app, ctx, db } = await buildTestApp(t, { database });
      const admin = await createUser(ctx, { role: 'admin' });
      const adminBrowser = new Browser(app);
      await adminBrowser.signIn(admin.username, TEST_PASSWORD);
      const created = await adminBrowser.post('/admin/accounts', { username: 'New.Lecturer', displayName: 'Nova Lecturer', role: 'lecturer' }, { from: '/admin/accounts/new' });
      assert.equal(created.statusCode, 201);
      const otp = /data-testid="one-time-password">([^<]+)</.exec(created.body)?.[1];
      assert.ok(otp && otp.length >= 16, 'a one-time password is shown');
      const row = await db.selectFrom('users').selectAll().where('username', '=', 'new.lecturer').executeTakeFirstOrThrow();
      assert.equal(row.mustChangePassword, true);
      assert.ok(!row.passwordHash.includes(otp));
      const audit = await db.selectFrom('auditLog').selectAll().where('action', '=', 'account.created').where('entityId', '=', String(row.id)).executeTakeFirstOrThrow();
      assert.equal(audit.actorId, admin.id);
      assert.ok(!String(audit.after).includes('passwordHash'));

      const owner = new Browser(app);
      const signIn = await owner.signIn('new.lecturer', otp);
      assert.equal(signIn.headers.location, '/account/password');
      const elsewhere = await owner.get('/dashboard');
      assert.equal(elsewhere.statusCode, 303);
      assert.equal(elsewhere.headers.location, '/account/password', 'every page leads to the password form');
      const api = await app.inject({ url: '/api/v1/me', cookies: Object.fromEntries(owner.cookies) });
      assert.equal(api.statusCode, 403);
      assert.equal(api.json().error.code, 'password_change_required');

      const changed = await owner.post('/account/password', { currentPassword: otp, newPassword: CHOSEN, confirmPassword: CHOSEN }, { from: '/account/password' });
      assert.equal(changed.statusCode, 303);
      assert.equal((await owner.get('/dashboard')).statusCode, 200);
    });

    test('form errors name the field and keep the input; duplicate usernames are refused', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const admin = await createUser(ctx, { role: 'admin', username: 'boss' });
      const browser = new Browser(app);
      await browser.signIn(admin.username, TEST_PASSWORD);
      const bad = await browser.post('/admin/accounts', { username: 'a b', displayName: 'Kept Name', role: 'janitor' }, { from: '/admin/accounts/new' });
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /Use 3–64 letters/);
      assert.match(bad.body, /Choose admin, lecturer or student/);
      assert.match(bad.body, /value="Kept Name"/);
      const duplicate = await browser.post('/admin/accounts', { username: 'BOSS', role: 'student' }, { from: '/admin/accounts/new' });
      assert.equal(duplicate.statusCode, 409);
      assert.match(duplicate.body, /The username &#34;boss&#34; is taken|The username "boss" is taken/);
    });

    test('reset password: a new one-time password, the account unlocked and signed out everywhere', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const admin = await createUser(ctx, { role: 'admin' });
      const user = await createUser(ctx, { role: 'student' });
      const userBrowser = new Browser(app);
      await userBrowser.signIn(user.username, TEST_PASSWORD);
      const adminBrowser = new Browser(app);
      await adminBrowser.signIn(admin.username, TEST_PASSWORD);
      const reset = await adminBrowser.post(`/admin/accounts/${user.id}/reset-password`, {}, { from: `/admin/accounts/${user.id}` });
      assert.equal(reset.statusCode, 200);
      const otp = /data-testid="one-time-password">([^<]+)</.exec(reset.body)?.[1];
      assert.ok(otp);
      assert.equal((await userBrowser.get('/dashboard')).statusCode, 303, 'the user was signed out');
      assert.equal((await new Browser(app).post('/login', { username: user.username, password: TEST_PASSWORD })).statusCode, 401, 'the old password is gone');
      const again = await new Browser(app).signIn(user.username, otp);
      assert.equal(again.headers.location, '/account/password');
    });

    test('reset password: the same form sent again (a reloaded answer) makes no second password; a fresh form does', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const admin = await createUser(ctx, { role: 'admin' });
      const user = await createUser(ctx, { role: 'student' });
      const browser = new Browser(app);
      await browser.signIn(admin.username, TEST_PASSWORD);
      const page = await browser.get(`/admin/accounts/${user.id}`);
      const resetId = /name="resetId" value="([0-9a-f-]{36})"/.exec(page.body)?.[1];
      assert.ok(resetId, 'the form holds a random id');
      const first = await browser.post(`/admin/accounts/${user.id}/reset-password`, { resetId }, { from: `/admin/accounts/${user.id}` });
      const otp = /data-testid="one-time-password">([^<]+)</.exec(first.body)?.[1];
      assert.ok(otp);
      const reloaded = await browser.post(`/admin/accounts/${user.id}/reset-password`, { resetId }, { from: `/admin/accounts/${user.id}` });
      assert.equal(reloaded.statusCode, 303);
      assert.equal(reloaded.headers.location, `/admin/accounts/${user.id}`);
      assert.match((await browser.get(`/admin/accounts/${user.id}`)).body, /already reset from this page/);
      assert.equal((await new Browser(app).signIn(user.username, otp)).headers.location, '/account/password', 'the password handed out still works');
      const fresh = /name="resetId" value="([0-9a-f-]{36})"/.exec((await browser.get(`/admin/accounts/${user.id}`)).body)?.[1];
      assert.ok(fresh && fresh !== resetId);
      const second = await browser.post(`/admin/accounts/${user.id}/reset-password`, { resetId: fresh }, { from: `/admin/accounts/${user.id}` });
      assert.equal(second.statusCode, 200, 'pressing Reset password again makes a new one');
      assert.notEqual(/data-testid="one-time-password">([^<]+)</.exec(second.body)?.[1], otp);
    });

    test('disable ends sessions and refuses sign-in; enable restores it; an admin cannot disable themself', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const admin = await createUser(ctx, { role: 'admin' });
      const user = await createUser(ctx, { role: 'lecturer' });
      const userBrowser = new Browser(app);
      await userBrowser.signIn(user.username, TEST_PASSWORD);
      const adminBrowser = new Browser(app);
      await adminBrowser.signIn(admin.username, TEST_PASSWORD);

      assert.equal((await adminBrowser.post(`/admin/accounts/${user.id}/disable`, {}, { from: `/admin/accounts/${user.id}` })).statusCode, 303);
      assert.equal((await userBrowser.get('/dashboard')).statusCode, 303);
      assert.equal((await new Browser(app).post('/login', { username: user.username, password: TEST_PASSWORD })).statusCode, 401);
      const page = await adminBrowser.get(`/admin/accounts/${user.id}`);
      assert.match(page.body, />disabled</);

      assert.equal((await adminBrowser.post(`/admin/accounts/${user.id}/enable`, {}, { from: `/admin/accounts/${user.id}` })).statusCode, 303);
      await new Browser(app).signIn(user.username, TEST_PASSWORD);

      const self = await adminBrowser.post(`/admin/accounts/${admin.id}/disable`, {}, { from: `/admin/accounts/${admin.id}` });
      assert.equal(self.statusCode, 403);
      assert.equal((await adminBrowser.get('/dashboard')).statusCode, 200);
    });

    test('an admin cannot reset their own password from Accounts (it would sign them out): the page offers Change your password', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const admin = await createUser(ctx, { role: 'admin' });
      const browser = new Browser(app);
      await browser.signIn(admin.username, TEST_PASSWORD);
      const own = await browser.get(`/admin/accounts/${admin.id}`);
      assert.doesNotMatch(own.body, /reset-password/);
      assert.match(own.body, /href="\/account\/password">Change your password</);
      const refused = await browser.post(`/admin/accounts/${admin.id}/reset-password`, {}, { from: `/admin/accounts/${admin.id}` });
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /change it under Account › Change password/);
      assert.equal((await browser.get('/dashboard')).statusCode, 200, 'still signed in');
      assert.equal((await new Browser(app).post('/login', { username: admin.username, password: TEST_PASSWORD })).statusCode, 303, 'the password is unchanged');
      const other = await createUser(ctx, { role: 'lecturer' });
      assert.match((await browser.get(`/admin/accounts/${other.id}`)).body, /reset-password/, "others' pages keep Reset password");
    });

    test('the list searches usernames and names, filters by role, and an unknown account is 404', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const admin = await createUser(ctx, { role: 'admin', username: 'chief' });
      await createUser(ctx, { role: 'student', username: 'anna.k' });
      await createUser(ctx, { role: 'lecturer', username: 'anna.l' });
      await createUser(ctx, { role: 'student', username: 'percent_50' });
      const browser = new Browser(app);
      await browser.signIn(admin.username, TEST_PASSWORD);
      const all = await browser.get('/admin/accounts?q=ANNA');
      assert.match(all.body, /anna\.k/);
      assert.match(all.body, /anna\.l/);
      assert.ok(!all.body.includes('>chief<'));
      const students = await browser.get('/admin/accounts?q=anna&role=student');
      assert.match(students.body, /anna\.k/);
      assert.ok(!students.body.includes('anna.l'));
      const literal = await browser.get('/admin/accounts?q=_');
      assert.match(literal.body, /percent_50/);
      assert.ok(!literal.body.includes('anna.k'), 'an underscore is a character, not a wildcard');
      // Accounts of people are found as the people lists find them: accents and capitals ignored,
      // and by the record's number.
      await createStudent(ctx, { studentNumber: '2026-7777', firstName: 'Željko', lastName: 'Šimić' });
      const folded = await browser.get('/admin/accounts?q=zeljko%20simic');
      assert.match(folded.body, />z\.simic</);
      assert.match((await browser.get('/admin/accounts?q=2026-7777')).body, />z\.simic</);
      assert.doesNotMatch((await browser.get('/admin/accounts?q=zeljko&role=lecturer')).body, />z\.simic</);
      assert.equal((await browser.get('/admin/accounts/999999')).statusCode, 404);
      assert.equal((await browser.get('/admin/accounts/not-a-number')).statusCode, 404);
    });

    test('the list exports with its search and role, in every batch, with each status in words; others are refused', async (t) => {
      const { app, ctx, db, clock } = await buildTestApp(t, { database });
      const admin = await createUser(ctx, { role: 'admin', username: 'chief' });
      // 600 students: more than one of the export's batches of 500 (written directly: hashing 600
      // passwords would only slow the test down; none of them signs in).
      const now = clock.now();
      const students = Array.from({ length: 600 }, (_, i) => ({
        username: `s.${String(i).padStart(3, '0')}`,
        passwordHash: 'not-a-usable-hash',
        role: 'student' as const,
        isAdmin: false,
        studentId: null,
        lecturerId: null,
        displayName: 'Test student',
        lockedUntil: null,
        mustChangePassword: false,
        disabled: false,
        lastLoginAt: null,
        passwordChangedAt: now,
        createdAt: now,
        updatedAt: now,
      }));
      for (let i = 0; i < students.length; i += 100) await db.insertInto('users').values(students.slice(i, i + 100)).execute();
      await createUser(ctx, { role: 'lecturer', username: 'l.one' });
      await db.updateTable('users').set({ disabled: true }).where('username', '=', 's.001').execute();
      await db.updateTable('users').set({ lockedUntil: new Date(clock.now().getTime() + 60_000) }).where('username', '=', 's.002').execute();
      await db.updateTable('users').set({ mustChangePassword: true }).where('username', '=', 's.003').execute();
      const browser = new Browser(app);
      await browser.signIn(admin.username, TEST_PASSWORD);

      const list = await browser.get('/admin/accounts?q=s.&role=student');
      assert.match(list.body, /href="\/admin\/accounts\/export\.csv\?q=s\.&role=student"/);
      const csv = await browser.get('/admin/accounts/export.csv?q=s.&role=student');
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-disposition']), /^attachment; filename="accounts-\d{4}-\d{2}-\d{2}\.csv"$/);
      const lines = csvLines(csv.body);
      assert.equal(lines[0], 'Username,Display name,Role,Status,Last sign-in (UTC),Created (UTC)');
      assert.equal(lines.length, 1 + 600, 'every student, across batches, and nobody else');
      assert.match(lines[1]!, /^s\.000,Test student,student,active,,\d{4}-/);
      assert.match(lines[2]!, /^s\.001,Test student,student,disabled,/);
      assert.match(lines[3]!, /^s\.002,Test student,student,locked,/);
      assert.match(lines[4]!, /^s\.003,Test student,student,one-time password,/);
      assert.match(lines[600]!, /^s\.599,/);

      const xlsx = await browser.get('/admin/accounts/export.xlsx?role=lecturer');
      assert.equal(xlsx.statusCode, 200);
      const rows = await xlsxRows(xlsx.rawPayload);
      assert.deepEqual(rows.map((r) => r[0]), ['Username', 'l.one']);
      const signedIn = csvLines((await browser.get('/admin/accounts/export.csv?q=chief')).body);
      assert.match(signedIn[1]!, /^chief,Test admin,admin,active,\d{4}-\d{2}-\d{2}T/, 'the last sign-in is there');

      assert.equal((await browser.get('/admin/accounts/export.csv?role=janitor')).statusCode, 422);
      const lecturer = new Browser(app);
      await lecturer.signIn('l.one', TEST_PASSWORD);
      assert.equal((await lecturer.get('/admin/accounts/export.csv')).statusCode, 403);
    });
  });
}
