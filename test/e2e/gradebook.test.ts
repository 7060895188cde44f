// The gradebook in a real browser: the demo lecturer opens it from a subject's page (the "Gradebook"
// link beside the group), sees the demo department's scores and states with the averages, and
// downloads it as csv. No console error, no CSP violation. The screenshot lands in
// test-results/screenshots/gradebook-*.png for a human to look at.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { demoLogins } from '../../src/seeds/demo-logins.js';
import { assertNoProblems, screenshots, signedInDemoPage } from './chromium.js';

const lecturer = demoLogins.find((l) => l.role === 'lecturer')!;

test('the gradebook in Chromium: opened from the subject page, scores and states shown, exported as csv', async (t: TestContext) => {
  const started = await signedInDemoPage(t, lecturer);
  if (!started) return;
  const { baseUrl, page, problems } = started;
  await page.goto(`${baseUrl}/subjects`);
  // The demo lecturer teaches Programming Fundamentals to CS-101, whose first exercise is scored.
  await page.getByRole('link', { name: 'Programming Fundamentals' }).click();
  const teaching = page.locator('[data-testid="teaching-table"]');
  await teaching.waitFor();
  await teaching.screenshot({ path: join(screenshots, 'gradebook-link-lecturer.png') });
  const row = teaching.locator('tr', { hasText: 'CS-101' });
  await Promise.all([page.waitForURL(/\/subjects\/\d+\/gradebook\?group=\d+$/), row.getByRole('link', { name: 'Gradebook' }).click()]);

  const table = page.locator('[data-testid="gradebook-table"]');
  await table.waitFor();
  assert.match(await page.locator('h1').innerText(), /^Gradebook: Programming Fundamentals, CS-101$/);
  const states = await table.locator('td[data-state]').evaluateAll((cells) => cells.map((c) => (c as unknown as { dataset: { state: string } }).dataset.state));
  assert.ok(states.includes('scored'), `a scored cell among ${states.join(', ')}`);
  assert.ok(states.includes('waiting'), 'a waiting cell');
  assert.match(await page.locator('[data-testid="gradebook-average"]').innerText(), /^\d\.\d\d$/, "the group's average");
  await page.screenshot({ path: join(screenshots, 'gradebook-lecturer.png'), fullPage: true });

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export csv' }).click()]);
  assert.match(download.suggestedFilename(), /^gradebook-programming-fundamentals-cs-101-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.match(lines[0]!, /^Student number,Student,.*,Average$/);
  assert.match(lines.at(-1)!, /^,Average,/);
  assertNoProblems(problems, page.url());
});
