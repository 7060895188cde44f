// Exercise pages in a real browser: the demo lecturer sets an exercise from a subject's page (the
// due time through the browser's date and time picker), sees it on the subject's Exercises card and
// releases its scores; the demo student reads it. No console error, no CSP violation. Screenshots
// land in test-results/screenshots/exercise-*.png for a human to look at.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { demoLogins } from '../../src/seeds/demo-logins.js';
import { assertNoProblems, newContext, screenshots, signIn, startDemoInChromium, watchProblems } from './chromium.js';

const login = (role: 'lecturer' | 'student') => demoLogins.find((l) => l.role === role)!;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshots, name), fullPage: true });
}

test('exercise pages in Chromium: set by the lecturer from the subject page, read by the student', async (t: TestContext) => {
  const started = await startDemoInChromium(t);
  if (!started) return;
  const { baseUrl, browser } = started;
  let exerciseUrl = '';

  await t.test('the lecturer sets an exercise with a due time and releases its scores', async () => {
    const context = await newContext(browser);
    t.after(() => context.close());
    const page = await context.newPage();
    const problems = watchProblems(page);
    await signIn(page, baseUrl, login('lecturer').username, login('lecturer').password);
    await page.goto(`${baseUrl}/subjects`);
    // The demo lecturer teaches Programming Fundamentals to CS-101, the demo student's group.
    await page.getByRole('link', { name: 'Programming Fundamentals' }).click();
    await page.locator('[data-testid="exercises-card"]').waitFor();
    const subjectUrl = page.url();
    await page.getByRole('link', { name: 'New exercise' }).click();
    await page.getByLabel('Title').fill('Normal forms');
    await page.getByLabel('Text').fill('Bring the schema to **third normal form**.\n\n1. List the dependencies\n2. Split the tables');
    await page.getByLabel('CS-101').check();
    assert.match(await page.locator('label[for="field-dueAt"]').innerText(), /^Due \(UTC\)$/);
    await page.locator('#field-dueAt').fill('2026-12-10T23:59');
    await page.getByLabel(/When I release them/).check();
    await shot(page, 'exercise-new-filled.png');
    await Promise.all([page.waitForURL(/\/exercises\/\d+$/), page.getByRole('button', { name: 'Set the exercise' }).click()]);
    exerciseUrl = page.url();
    assert.match(await page.locator('[data-testid="exercise-due"]').innerText(), /Thu, 10 Dec 2026, 23:59 UTC/);
    assert.equal(await page.locator('[data-testid="exercise-text"] strong').innerText(), 'third normal form');
    assert.equal(await page.locator('#field-dueAt').inputValue(), '2026-12-10T23:59', 'the edit form shows the same wall time');
    await shot(page, 'exercise-page-lecturer.png');

    page.once('dialog', (dialog) => void dialog.accept());
    await Promise.all([page.waitForURL(exerciseUrl), page.getByRole('button', { name: 'Release scores' }).click()]);
    await page.locator('.alert', { hasText: 'are released' }).waitFor({ state: 'visible' });
    assert.match(await page.locator('[data-testid="exercise-scores-shown"]').innerText(), /When released: released/);

    await page.goto(subjectUrl);
    const card = page.locator('[data-testid="exercises-card"]');
    assert.ok((await card.locator('a.fw-semibold').allInnerTexts()).includes('Normal forms'));
    await card.screenshot({ path: join(screenshots, 'exercise-card-lecturer.png') });
    assertNoProblems(problems, exerciseUrl);
  });

  await t.test('the student of the group reads it and is sent to My exercises', async () => {
    const context = await newContext(browser);
    t.after(() => context.close());
    const page = await context.newPage();
    const problems = watchProblems(page);
    await signIn(page, baseUrl, login('student').username, login('student').password);
    const response = await page.goto(exerciseUrl);
    assert.equal(response?.status(), 200);
    await page.locator('[data-testid="exercise-text"]').waitFor();
    assert.equal(await page.locator('[data-testid="exercise-form"]').count(), 0, 'read-only');
    assert.equal(await page.getByRole('link', { name: 'Send it from My exercises' }).getAttribute('href'), '/my-exercises');
    await shot(page, 'exercise-page-student.png');
    assertNoProblems(problems, exerciseUrl);
  });
});
