// A demo account that still holds its published password stays disabled in production: enabling it
// would open, at run time, the door production refuses to start with (found walking the docs).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { systemActor } from '../../access.js';
import { buildTestApp } from '../../../test/build-test-app.js';
import { createUser } from '../../../test/factories.js';
import { Browser } from '../../../test/http.js';
import { testDatabases } from '../../../test/services.js';
import { hashPassword } from '../../lib/passwords.js';
import { databaseSessionStore } from '../auth/session-store.js';
import { setAccountDisabled } from './service.js';

for (const database of await testDatabases()) {
  describe(`enabling an account with a published password on ${database}`, () => {
    test('production refuses, naming the reset; after a reset the account is enabled', async (t) => {
      const { app, ctx, db } = await buildTestApp(t, { database, env: { FMS_CONFIG: 'production', SECRET_KEY: randomBytes(32).toString('hex'), DEMO_DEPARTMENT: 'false' } });
      const admin = await createUser(ctx, { role: 'admin' });
      const user = await createUser(ctx, { role: 'student', username: 's.novak' });
      await db.updateTable('users').set({ passwordHash: await hashPassword('fms-demo-student', { fast: true }), disabled: true }).where('id', '=', user.id).execute();
      const system = { ...ctx, actor: systemActor, sessions: databaseSessionStore(db) };
      await assert.rejects(setAccountDisabled(system, user.id, false), /still has a password published in FMS's documentation: reset its password first .*fms user reset-password s\.novak/);
      assert.equal((await db.selectFrom('users').select('disabled').where('id', '=', user.id).executeTakeFirstOrThrow()).disabled, true);

      const browser = new Browser(app);
      await browser.signIn(admin.username, admin.password);
      const page = await browser.post(`/admin/accounts/${user.id}/enable`, {}, { from: `/admin/accounts/${user.id}` });
      assert.equal(page.statusCode, 409);
      assert.match(page.body, /reset its password first/);
      assert.equal((await new Browser(app).post('/login', { username: 's.novak', password: 'fms-demo-student' })).statusCode, 401);

      await browser.post(`/admin/accounts/${user.id}/reset-password`, {}, { from: `/admin/accounts/${user.id}` });
      await setAccountDisabled(system, user.id, false);
      assert.equal((await db.selectFrom('users').select('disabled').where('id', '=', user.id).executeTakeFirstOrThrow()).disabled, false);
    });

    test('outside production the demo department is meant to sign in with them', async (t) => {
      const { ctx, db } = await buildTestApp(t, { database });
      const user = await createUser(ctx, { role: 'student' });
      await db.updateTable('users').set({ passwordHash: await hashPassword('fms-demo-student', { fast: true }), disabled: true }).where('id', '=', user.id).execute();
      await setAccountDisabled({ ...ctx, actor: systemActor, sessions: databaseSessionStore(db) }, user.id, false);
      assert.equal((await db.selectFrom('users').select('disabled').where('id', '=', user.id).executeTakeFirstOrThrow()).disabled, false);
    });
  });
}
