// The error page's way on (src/views/error-page.tsx), as users meet it through the app. A 503
// (maintenance, or the database out of reach) answers every page the same, the sign-in page too,
// so it offers "Try again" on the same address, not a sign-in link that shows the same page again
// (review D20); other errors keep their way back.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from './build-test-app.js';
import { createUser, TEST_PASSWORD } from './factories.js';
import { Browser } from './http.js';
import { createDb } from '../src/db/index.js';
import { turnMaintenanceOn } from '../src/ops/maintenance.js';

/** The page's buttons: [text, href] of each `btn` link in the main content. */
function buttons(html: string): [string, string][] {
  const main = html.slice(html.indexOf('<main'), html.indexOf('</main>'));
  return [...main.matchAll(/<a class="btn[^"]*" href="([^"]*)"[^>]*>\s*([^<]*?)\s*<\/a>/g)].map((m) => [m[2]!, m[1]!]);
}

describe('the error page', () => {
  test('during maintenance every page, the sign-in page too, offers "Try again" on the same address', async (t) => {
    const { app, ctx } = await buildTestApp(t);
    const user = await createUser(ctx);
    const browser = new Browser(app);
    await browser.signIn(user.username, TEST_PASSWORD);
    await turnMaintenanceOn(ctx, 'Upgrading; back by 10:00.');

    for (const [who, page] of [
      ['anonymous, the sign-in page', await app.inject({ url: '/login?next=%2Fstudents' })],
      ['anonymous, a page', await app.inject({ url: '/students?q=nov' })],
      ['signed in', await browser.get('/dashboard')],
    ] as const) {
      assert.equal(page.statusCode, 503, who);
      assert.deepEqual(buttons(page.body), [['Try again', '']], `${who}: one button, to this very address`);
      assert.doesNotMatch(page.body, /Go to sign in|Back to the dashboard/, who);
    }
  });

  test('with the database out of reach the 503 page offers "Try again" too', async (t) => {
    // Nothing listens on port 9: every query is refused at once, as with PostgreSQL stopped.
    const db = createDb({ kind: 'postgres', url: 'postgres://fms@127.0.0.1:9/fms' });
    t.after(() => db.destroy());
    const { app } = await buildTestApp(t, { sharedDb: db });
    const page = await app.inject({ url: '/dashboard', headers: { cookie: 'fms_session=a-session-that-needs-the-database' } });
    assert.equal(page.statusCode, 503, page.body.slice(0, 300));
    assert.match(page.body, /cannot reach its database/);
    assert.deepEqual(buttons(page.body), [['Try again', '']]);
  });

  test('other errors keep their way back: sign in, or the dashboard', async (t) => {
    const { app, ctx } = await buildTestApp(t);
    assert.deepEqual(buttons((await app.inject({ url: '/no-such-page' })).body), [['Go to sign in', '/login']]);
    const user = await createUser(ctx);
    const browser = new Browser(app);
    await browser.signIn(user.username, TEST_PASSWORD);
    assert.deepEqual(buttons((await browser.get('/no-such-page')).body), [['Back to the dashboard', '/dashboard']]);
  });
});
