// Subjects and materials in a real browser: the admin makes a subject, choosing its group and
// lecturer through the type-ahead "Add" boxes; the lecturer uploads a file; the student finds it on
// their subject cards and downloads it. No console error, no CSP violation. Screenshots land in
// test-results/screenshots/subject-*.png for a human to look at.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { demoLogins } from '../../src/seeds/demo-logins.js';
import { waitFor } from '../wait-for.js';
import { assertNoProblems, newContext, screenshots, signIn, startDemoInChromium, watchProblems } from './chromium.js';

const login = (role: 'admin' | 'lecturer' | 'student') => demoLogins.find((l) => l.role === role)!;

/** The values in the datalist of the input with this id. */
const suggestions = (page: Page, id: string) => page.locator(`#${id}-suggestions option`).evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshots, name), fullPage: true });
}

test('subjects and materials in Chromium: made by the admin, filled by the lecturer, downloaded by the student', async (t: TestContext) => {
  const started = await startDemoInChromium(t);
  if (!started) return;
  const { baseUrl, browser, uploads } = started;
  let subjectUrl = '';

  await t.test('the admin creates a subject, adding its group and lecturer through the type-ahead', async () => {
    const context = await newContext(browser);
    t.after(() => context.close());
    const page = await context.newPage();
    const problems = watchProblems(page);
    await signIn(page, baseUrl, login('admin').username, login('admin').password);
    await page.goto(`${baseUrl}/subjects`);
    await shot(page, 'subject-list-admin.png');
    await page.getByRole('link', { name: 'New subject' }).click();
    await page.getByLabel('Name').fill('Operating Systems');
    await page.getByLabel('Description').fill('Processes, **memory** and files.\n\n- week 1: processes\n- week 2: scheduling');
    const groupBox = page.locator('#subject-groups-add');
    await groupBox.pressSequentially('cs-1', { delay: 30 });
    let seen: string[] = [];
    await waitFor('the group suggestions', async () => (seen = await suggestions(page, 'subject-groups-add')).includes('CS-101'), { seen: () => seen.join() });
    await groupBox.fill('CS-101');
    await page.locator('[data-append-line-to="subject-groups"]').click();
    assert.equal(await page.locator('#subject-groups').inputValue(), 'CS-101');
    const lecturerBox = page.locator('#subject-lecturers-add');
    await lecturerBox.pressSequentially('petro', { delay: 30 });
    await waitFor('the lecturer suggestions', async () => (seen = await suggestions(page, 'subject-lecturers-add')).some((s) => s.startsWith('Petrova Elena')), { seen: () => seen.join() });
    const label = seen.find((s) => s.startsWith('Petrova Elena'))!;
    await lecturerBox.fill(label);
    await page.locator('[data-append-line-to="subject-lecturers"]').click();
    assert.equal(await page.locator('#subject-lecturers').inputValue(), label);
    await shot(page, 'subject-new-filled.png');
    await Promise.all([page.waitForURL(/\/subjects\/\d+$/), page.getByRole('button', { name: 'Create subject' }).click()]);
    subjectUrl = page.url();
    await page.locator('[data-testid="teaching-table"]').waitFor();
    assert.match(await page.locator('[data-testid="teaching-table"]').innerText(), /CS-101\s+Petrova Elena/);
    assert.match(await page.locator('[data-testid="subject-description"] strong').innerText(), /memory/);
    await shot(page, 'subject-page-admin.png');
    assertNoProblems(problems, subjectUrl);
  });

  await t.test('the lecturer uploads two files at once and sees them listed', async () => {
    const context = await newContext(browser);
    t.after(() => context.close());
    const page = await context.newPage();
    const problems = watchProblems(page);
    await signIn(page, baseUrl, login('lecturer').username, login('lecturer').password);
    await page.goto(subjectUrl);
    const slides = join(uploads, '..', 'Week 1 – processes.pdf');
    writeFileSync(slides, '%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    const sheet = join(uploads, '..', 'exercises.csv');
    writeFileSync(sheet, 'task,points\n1,5\n');
    await page.locator('#material-files').setInputFiles([slides, sheet]);
    await Promise.all([page.waitForURL(subjectUrl), page.getByRole('button', { name: 'Upload' }).click()]);
    await page.locator('.alert', { hasText: 'Added 2 materials.' }).waitFor({ state: 'visible' });
    const titles = await page.locator('[data-testid="materials-table"] a.fw-semibold').allInnerTexts();
    assert.deepEqual(titles.sort(), ['Week 1 – processes', 'exercises']);
    await shot(page, 'subject-page-lecturer.png');
    assertNoProblems(problems, subjectUrl);
  });

  await t.test("the student sees the subject on their cards and downloads a material", async () => {
    const context = await newContext(browser, { acceptDownloads: true });
    t.after(() => context.close());
    const page = await context.newPage();
    const problems = watchProblems(page);
    await signIn(page, baseUrl, login('student').username, login('student').password);
    await page.goto(`${baseUrl}/subjects`);
    await page.locator('[data-testid="subject-cards"]').waitFor();
    const cards = await page.locator('[data-testid="subject-cards"] h2').allInnerTexts();
    assert.ok(cards.includes('Operating Systems'), cards.join(' | '));
    await shot(page, 'subject-cards-student.png');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Week 1 – processes' }).click()]);
    assert.equal(download.suggestedFilename(), 'Week 1 – processes.pdf');
    const saved = join(uploads, '..', 'downloaded.pdf');
    await download.saveAs(saved);
    assert.match(readFileSync(saved, 'utf8'), /^%PDF-1\.4/);
    assertNoProblems(problems, '/subjects');
  });
});
