// The whole teaching loop in a real browser (issue 12): the demo lecturer sets an exercise with a
// brief; the demo student downloads the brief and sends the exercise with a file; the lecturer
// scores it in the Waiting Room from the keyboard, without a page reload; the student sees the
// score. No console error, no CSP violation. Screenshots: test-results/screenshots/loop-*.png.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { demoLogins } from '../../src/seeds/demo-logins.js';
import { assertNoProblems, newContext, screenshots, signIn, startDemoInChromium, watchProblems } from './chromium.js';

const login = (role: 'lecturer' | 'student') => demoLogins.find((l) => l.role === role)!;

async function signedIn(browser: Browser, baseUrl: string, role: 'lecturer' | 'student', t: TestContext) {
  const context = await newContext(browser, { acceptDownloads: true });
  t.after(() => context.close());
  const page = await context.newPage();
  const problems = watchProblems(page);
  await signIn(page, baseUrl, login(role).username, login(role).password);
  return { page, problems };
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(screenshots, name), fullPage: true });

test('the teaching loop in Chromium: exercise with a brief, the student sends a file, the lecturer scores it, the student sees the score', async (t: TestContext) => {
  const started = await startDemoInChromium(t);
  if (!started) return;
  const { baseUrl, browser, uploads } = started;
  const title = 'Loop: sorting algorithms';
  let exerciseUrl = '';

  await t.test('the lecturer sets the exercise and attaches its brief', async (t) => {
    const { page, problems } = await signedIn(browser, baseUrl, 'lecturer', t);
    await page.goto(`${baseUrl}/subjects`);
    // The demo lecturer teaches Programming Fundamentals to CS-101, the demo student's group.
    await page.getByRole('link', { name: 'Programming Fundamentals' }).click();
    await page.getByRole('link', { name: 'New exercise' }).click();
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Text').fill('Implement **merge sort** and measure it.');
    await page.getByLabel('CS-101').check();
    await page.locator('#field-dueAt').fill('2099-12-10T23:59');
    await Promise.all([page.waitForURL(/\/exercises\/\d+$/), page.getByRole('button', { name: 'Set the exercise' }).click()]);
    exerciseUrl = page.url();
    const brief = join(uploads, '..', 'sorting-brief.pdf');
    writeFileSync(brief, '%PDF-1.4\n% the brief\n%%EOF\n');
    await page.locator('#exercise-brief-file').setInputFiles(brief);
    await Promise.all([page.waitForURL(exerciseUrl), page.locator('[data-testid="exercise-brief-form"] button[type="submit"]').click()]);
    await page.locator('[data-testid="exercise-brief-card-link"]').waitFor();
    await shot(page, 'loop-exercise-with-brief.png');
    assertNoProblems(problems, exerciseUrl);
  });

  await t.test('the student downloads the brief and sends the exercise with a file and a note', async (t) => {
    const { page, problems } = await signedIn(browser, baseUrl, 'student', t);
    await page.goto(`${baseUrl}/my-exercises`);
    const row = page.locator('tr', { has: page.getByRole('link', { name: title }) });
    assert.equal(await row.getAttribute('data-state'), 'open');
    const [download] = await Promise.all([page.waitForEvent('download'), row.locator('[data-testid="my-exercise-brief-link"]').click()]);
    const saved = join(uploads, '..', 'brief-downloaded.pdf');
    await download.saveAs(saved);
    assert.match(readFileSync(saved, 'utf8'), /the brief/);
    await row.getByRole('checkbox').check();
    await page.getByLabel('Note (optional)').fill('Merge sort in sort.py; timings inside.');
    const answer = join(uploads, '..', 'sort.py');
    writeFileSync(answer, 'def merge_sort(xs):\n    return sorted(xs)\n');
    await page.locator('#send-file').setInputFiles(answer);
    await Promise.all([page.waitForURL(`${baseUrl}/my-exercises`), page.getByRole('button', { name: 'Send to the Waiting Room' }).click()]);
    await page.locator('.alert', { hasText: 'Sent one exercise to the Waiting Room.' }).waitFor({ state: 'visible' });
    assert.equal(await page.locator('tr', { has: page.getByRole('link', { name: title }) }).getAttribute('data-state'), 'waiting');
    await shot(page, 'loop-student-sent.png');
    assertNoProblems(problems, '/my-exercises');
  });

  await t.test('the lecturer opens the file and scores the entry from the keyboard, without a reload', async (t) => {
    const { page, problems } = await signedIn(browser, baseUrl, 'lecturer', t);
    await page.goto(`${baseUrl}/waiting-room`);
    const row = page.locator('tr[data-entry]', { hasText: 'Merge sort in sort.py' });
    await row.waitFor();
    assert.match(await row.innerText(), /Novak Sara/);
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: 'The file' }).click()]);
    assert.equal(download.suggestedFilename(), 'sort.py');
    await shot(page, 'loop-waiting-room.png');
    // A reload would lose this mark: the row is swapped in place.
    await page.evaluate(() => ((globalThis as unknown as { loopMark: boolean }).loopMark = true));
    await row.focus();
    await page.keyboard.press('5');
    const outcome = page.locator('tr[data-outcome="success"]', { hasText: 'Scored 5.' });
    await outcome.waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => (globalThis as unknown as { loopMark?: boolean }).loopMark), true, 'scored without a page reload');
    await shot(page, 'loop-scored.png');

    // From the last entry of one exercise's table, the keys go on with the next table's first entry.
    // The page's DOM, typed as little as this needs (the tests compile without the DOM's types).
    type Row = { id: string; closest(selector: string): unknown };
    type Page = { document: { querySelectorAll(selector: string): ArrayLike<Row>; activeElement: { id: string } | null } };
    const lastOfTable = await page.evaluate(() => {
      const entries = Array.from((globalThis as unknown as Page).document.querySelectorAll('tr[data-entry]'));
      const last = entries.find((e, i) => entries[i + 1] && e.closest('table') !== entries[i + 1]!.closest('table'));
      return last ? { id: last.id, next: entries[entries.indexOf(last) + 1]!.id } : null;
    });
    assert.ok(lastOfTable, "the demo lecturer's Waiting Room has entries of several exercises");
    await page.locator(`#${lastOfTable.id}`).focus();
    await page.keyboard.press('4');
    await page.locator(`#${lastOfTable.id}[data-outcome="success"]`).waitFor({ state: 'visible' });
    await page.waitForFunction((id) => (globalThis as unknown as Page).document.activeElement?.id === id, lastOfTable.next);
    assertNoProblems(problems, '/waiting-room');
  });

  await t.test('the student sees the score', async (t) => {
    const { page, problems } = await signedIn(browser, baseUrl, 'student', t);
    await page.goto(`${baseUrl}/my-exercises`);
    const row = page.locator('tr', { has: page.getByRole('link', { name: title }) });
    assert.equal(await row.getAttribute('data-state'), 'scored');
    assert.equal((await row.locator('td').last().innerText()).trim(), '5');
    await shot(page, 'loop-student-score.png');
    assertNoProblems(problems, '/my-exercises');
  });
});
