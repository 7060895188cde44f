// End to end in Chromium: every list page offers its export, and the button downloads the list as
// filtered on the page (groups searched, the audit trail filtered, accounts by role), as a file the
// browser saves. Screenshots of the three pages land in test-results/screenshots/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { demoLogins } from '../../src/seeds/demo-logins.js';
import { assertNoProblems, screenshots, signedInDemoPage } from './chromium.js';

const admin = demoLogins.find((l) => l.role === 'admin')!;

/** Clicks the page's "Export csv" button and answers the saved file's name and lines. */
async function downloadCsv(page: Page): Promise<{ filename: string; lines: string[] }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export csv' }).click()]);
  const path = await download.path();
  const lines = readFileSync(path, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  return { filename: download.suggestedFilename(), lines };
}

test('exports: groups, the audit trail and accounts download as filtered on their pages', async (t: TestContext) => {
  const started = await signedInDemoPage(t, admin);
  if (!started) return;
  const { baseUrl, page, problems } = started;

  await page.goto(`${baseUrl}/groups`);
  await page.getByRole('searchbox', { name: 'Search group names' }).fill('cs');
  await Promise.all([page.waitForURL(/\/groups\?q=cs$/), page.getByRole('button', { name: 'Search' }).click()]);
  await page.screenshot({ path: join(screenshots, 'groups-list.png'), fullPage: true });
  const groups = await downloadCsv(page);
  assert.match(groups.filename, /^groups-\d{4}-\d{2}-\d{2}\.csv$/);
  assert.equal(groups.lines[0], 'Name,Description,Students');
  assert.ok(groups.lines.length > 1 && groups.lines.slice(1).every((l) => /^CS-/i.test(l)), groups.lines.join(' | '));

  await page.goto(`${baseUrl}/admin/audit`);
  await page.getByLabel('Action').fill('auth.sign_in');
  await Promise.all([page.waitForURL(/action=auth\.sign_in/), page.getByRole('button', { name: 'Filter' }).click()]);
  await page.screenshot({ path: join(screenshots, 'audit-trail.png'), fullPage: true });
  const trail = await downloadCsv(page);
  assert.match(trail.filename, /^audit-trail-\d{4}-\d{2}-\d{2}\.csv$/);
  assert.ok(trail.lines.length >= 2, 'at least this sign-in');
  assert.ok(trail.lines.slice(1).every((l) => l.split(',')[3] === 'auth.sign_in'), trail.lines.join(' | '));
  assert.equal(trail.lines[1]!.split(',')[1], admin.username, 'the newest is this sign-in');

  await page.goto(`${baseUrl}/admin/accounts?role=lecturer`);
  await page.screenshot({ path: join(screenshots, 'accounts-list.png'), fullPage: true });
  const accounts = await downloadCsv(page);
  assert.match(accounts.filename, /^accounts-\d{4}-\d{2}-\d{2}\.csv$/);
  assert.equal(accounts.lines[0], 'Username,Display name,Role,Status,Last sign-in (UTC),Created (UTC)');
  assert.equal(accounts.lines.length, 1 + 3, 'the three demo lecturers');
  assert.ok(accounts.lines.slice(1).every((l) => /^[^,]+,[^,]+,lecturer/.test(l)), accounts.lines.join(' | '));

  assertNoProblems(problems, 'the list pages');
});
