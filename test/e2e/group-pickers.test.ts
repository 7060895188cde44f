// The group pickers in a real browser, with 2,000 groups: with JavaScript, typing into the students'
// group filter asks the server for the groups that match (htmx fills the input's suggestions) and
// Apply filters by the name picked; without JavaScript, a typed name that names no group is answered
// with links to the closest groups, and the student form saves the group typed by name. Screenshots
// land in test-results/screenshots/group-picker-*.png.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { createDb } from '../../src/db/index.js';
import { uniqueNameKey } from '../../src/lib/text-rules.js';
import { demoLogins } from '../../src/seeds/demo-logins.js';
import { waitFor } from '../wait-for.js';
import { assertNoProblems, newContext, screenshots, signIn, startDemoInChromium, takeExpectedProblems, watchProblems } from './chromium.js';

const admin = demoLogins.find((l) => l.role === 'admin')!;

/** The names in the datalist that holds the suggestions of the input with this id. */
const suggestions = (page: Page, id: string) => page.locator(`#${id}-suggestions option`).evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshots, name), fullPage: true });
}

test('group pickers with 2,000 groups: type-ahead with JavaScript, typed names without it', async (t: TestContext) => {
  const started = await startDemoInChromium(t);
  if (!started) return;
  const { baseUrl, browser, uploads } = started;
  // The demo department has three groups: 1,997 more, written beside the running server.
  const file = join(dirname(uploads), 'fms.sqlite');
  const db = createDb({ kind: 'sqlite', file, url: `sqlite:${file}` });
  const now = new Date();
  const rows = Array.from({ length: 1_997 }, (_, i) => `Group ${String(i + 1).padStart(4, '0')}`).map((name) => ({ name, nameKey: uniqueNameKey(name), description: '', archived: false, createdAt: now, updatedAt: now }));
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('groups').values(rows.slice(i, i + 500)).execute();
  const cs201 = (await db.selectFrom('groups').select('id').where('name', '=', 'CS-201').executeTakeFirstOrThrow()).id;
  await db.destroy();

  await t.test('with JavaScript, typing into the group filter offers the matching groups and Apply filters by the one picked', async () => {
    const context = await newContext(browser);
    t.after(() => context.close());
    const page = await context.newPage();
    const problems = watchProblems(page);
    await signIn(page, baseUrl, admin.username, admin.password);
    const answer = await page.goto(`${baseUrl}/students`);
    assert.ok((await answer!.body()).length < 40_000, 'the page does not list 2,000 groups');
    assert.equal((await suggestions(page, 'filter-group')).length, 20, 'the first 20 groups by name');
    const input = page.getByLabel('Group');
    assert.equal(await input.getAttribute('autocomplete'), 'off');
    await input.pressSequentially('cs-2', { delay: 30 });
    let shown: string[] = [];
    await waitFor('the suggestions for "cs-2"', async () => (shown = await suggestions(page, 'filter-group')).join() === 'CS-201', { seen: () => shown.join() });
    await shot(page, 'group-picker-typing.png');
    await input.fill('CS-201');
    await Promise.all([page.waitForURL((url) => url.searchParams.get('groupName') === 'CS-201'), page.getByRole('button', { name: 'Apply' }).click()]);
    await page.waitForLoadState('load');
    assert.equal(await page.getByLabel('Group').inputValue(), 'CS-201');
    const groupsShown = await page.locator('[data-testid="student-row"] td:nth-child(3)').allInnerTexts();
    assert.ok(groupsShown.length > 0 && groupsShown.every((g) => g.trim() === 'CS-201'), groupsShown.join(' | '));
    assert.equal(await page.getByTestId('export-csv').getAttribute('href'), `/students/export.csv?group=${cs201}`, 'links carry the id');
    await shot(page, 'group-picker-filtered.png');
    assertNoProblems(problems, 'the group filter with JavaScript');
  });

  await t.test('without JavaScript, a name that names no group is answered with links to the closest, and the student form saves a typed name', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    t.after(() => context.close());
    const page = await context.newPage();
    const problems = watchProblems(page);
    await signIn(page, baseUrl, admin.username, admin.password);
    await page.goto(`${baseUrl}/students`);
    await page.getByLabel('Group').fill('CS-2');
    await Promise.all([page.waitForURL((url) => url.searchParams.get('groupName') === 'CS-2'), page.getByRole('button', { name: 'Apply' }).click()]);
    const problem = page.getByTestId('filter-group-problem');
    assert.match(await problem.innerText(), /Group: no group is named "CS-2", so the list is not filtered by it\. Did you mean:/);
    await shot(page, 'group-picker-unmatched-no-js.png');
    await Promise.all([page.waitForURL(`${baseUrl}/students?group=${cs201}`), problem.getByRole('link', { name: 'CS-201' }).click()]);
    assert.equal(await page.getByLabel('Group').inputValue(), 'CS-201', 'the link applies the group, shown by name');
    assertNoProblems(problems, 'the group filter without JavaScript');

    await page.goto(`${baseUrl}/students/new`);
    await page.getByLabel('Student number').fill('2026-PICK-1');
    await page.getByLabel('Last name').fill('Picker');
    await page.getByLabel('First name').fill('Pia');
    await page.getByLabel('Group').fill('ma-10');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Create student and account' }).click()]);
    const error = page.locator('#field-groupId-error');
    assert.equal(await error.innerText(), 'No group is named "ma-10". Did you mean MA-101?');
    assert.equal(await page.getByLabel('Last name').inputValue(), 'Picker', 'what was typed is kept');
    assert.deepEqual(await suggestions(page, 'field-groupId'), ['MA-101']);
    await page.getByLabel('Group').scrollIntoViewIfNeeded();
    await shot(page, 'group-picker-form-error-no-js.png');
    takeExpectedProblems(problems, [/HTTP 422 for .*\/students$/, /Failed to load resource.*422/]);
    await page.getByLabel('Group').fill('MA-101');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Create student and account' }).click()]);
    assert.match(await page.locator('main').innerText(), /MA-101/);
    await shot(page, 'group-picker-form-saved-no-js.png');
    assertNoProblems(problems, 'the student form without JavaScript');
  });
});
