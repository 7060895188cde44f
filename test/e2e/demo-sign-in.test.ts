// End to end in a real browser: the real server (in-process, on a fresh SQLite file, with the demo
// department seeded) driven by Debian's Chromium through playwright-core. Each demo role signs in on
// /login, sees its dashboard, and signs out through the user menu; the pages must log no console
// error and no CSP violation. Screenshots land in test-results/screenshots/ for a human to look at.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { demoLogins } from '../../src/seeds/demo-logins.js';
import { assertNoProblems, newContext, screenshots, signIn, startDemoInChromium, watchProblems } from './chromium.js';

/** The names the demo seed gives each sign-in (src/seeds/demo.ts). */
const displayNames: Record<(typeof demoLogins)[number]['role'], string> = {
  admin: 'Department Administrator',
  lecturer: 'Elena Petrova',
  student: 'Sara Novak',
};

/** Signs out through the user menu; `shots` names screenshots of the open menu and of the page after. */
async function signOut(page: Page, baseUrl: string, shots: { menu?: string; after?: string } = {}): Promise<void> {
  const menu = page.locator('[data-testid="user-menu"]');
  await menu.click();
  const button = page.getByRole('button', { name: 'Sign out' });
  await button.waitFor({ state: 'visible' });
  if (shots.menu) await page.screenshot({ path: join(screenshots, shots.menu), fullPage: true });
  await Promise.all([page.waitForURL(`${baseUrl}/login`), button.click()]);
  await page.waitForLoadState('load');
  await page.locator('.alert', { hasText: 'You have signed out.' }).waitFor({ state: 'visible' });
  if (shots.after) await page.screenshot({ path: join(screenshots, shots.after), fullPage: true });
}

/** What each role's dashboard shows of the demo department (src/features/dashboard/views/dashboard-page.tsx). */
async function checkDashboard(page: Page, role: (typeof demoLogins)[number]['role']): Promise<void> {
  const panel = (testid: string) => page.locator(`[data-testid="${testid}"]`);
  if (role === 'admin') {
    for (const id of ['chart-sign-ins', 'chart-hand-ins']) {
      const figure = page.locator(`#${id}`);
      // Drawn by uPlot from the page's own table: a canvas appears and the figure is marked drawn.
      await page.locator(`#${id}.chart-drawn canvas`).first().waitFor({ state: 'attached' });
      const box = await figure.locator('.chart-plot').boundingBox();
      assert.ok(box && box.width > 200 && box.height >= 150, `${id}: the chart has room (${JSON.stringify(box)})`);
      // The table stays for screen readers: 90 days, visually hidden once the chart is drawn.
      const table = figure.getByRole('table');
      assert.equal(await table.locator('tbody tr').count(), 90, `${id}: a row for each of the 90 days`);
      const tableBox = await figure.locator('.chart-table').boundingBox();
      assert.ok(tableBox && tableBox.width <= 1 && tableBox.height <= 1, `${id}: the table is hidden from sight once the chart is drawn`);
      assert.equal(await figure.locator('.chart-plot').getAttribute('aria-hidden'), 'true', `${id}: the drawing is hidden from screen readers`);
    }
    // The admin just signed in: today's sign-ins count at least that one.
    const today = Number(await page.locator('#chart-sign-ins tbody tr:last-child td').getAttribute('data-value'));
    assert.ok(today >= 1, `today's sign-ins include the admin's (${today})`);
    await panel('recent-activity').getByText('Signed in').first().waitFor({ state: 'attached' });
    await panel('locked-accounts').waitFor({ state: 'visible' });
  } else if (role === 'lecturer') {
    assert.ok((await panel('my-subjects').locator('tbody tr').count()) >= 1, 'the demo lecturer sees the subjects they teach');
    assert.match(await panel('my-subjects').innerText(), /Waiting/);
    await panel('due-this-week').waitFor({ state: 'visible' });
    assert.ok((await panel('latest-news').locator('li').count()) >= 1, 'the latest news shows');
  } else {
    assert.ok((await panel('upcoming-deadlines').locator('li').count()) >= 1, 'the demo student has a deadline ahead');
    assert.match(await panel('upcoming-deadlines').innerText(), / left · due /);
    assert.ok((await panel('latest-scores').locator('li').count()) >= 1, 'the demo student has a released score');
    assert.ok((await panel('latest-news').locator('li').count()) >= 1, 'the latest news shows');
  }
}

/**
 * The top bar at 1280 and 1000 px: every entry on one line, in one row, inside the window, and the
 * page no wider than the window; where the entries need more room, the bar is folded into its
 * toggler instead.
 */
async function checkTopBar(page: Page, role: string): Promise<void> {
  for (const width of [1280, 1000]) {
    await page.setViewportSize({ width, height: 800 });
    const pageWidth = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
    assert.ok(pageWidth <= width, `${role}: the page is ${pageWidth} px wide in a ${width} px window`);
    if (await page.locator('.navbar-toggler').isVisible()) {
      assert.equal(await page.locator('#main-nav').isVisible(), false, `${role}: folded at ${width} px`);
      continue;
    }
    const links: { text: string; top: number; height: number; right: number }[] = [];
    for (const link of await page.locator('#main-nav .nav-link').all()) {
      const box = (await link.boundingBox())!;
      links.push({ text: (await link.innerText()).trim(), top: Math.round(box.y), height: Math.round(box.height), right: box.x + box.width });
    }
    assert.ok(links.length >= 4, `${role}: the bar has its entries`);
    // "Dashboard" is one word, so one line: an entry taller than it has wrapped.
    for (const link of links) {
      assert.equal(link.height, links[0]!.height, `${role}: "${link.text}" is on one line at ${width} px`);
      assert.equal(link.top, links[0]!.top, `${role}: "${link.text}" is in the bar's one row at ${width} px`);
      assert.ok(link.right <= width, `${role}: "${link.text}" ends inside the ${width} px window`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

test('demo department: every role signs in and out in Chromium', async (t: TestContext) => {
  const started = await startDemoInChromium(t);
  if (!started) return;
  const { baseUrl, browser } = started;

  await t.test('the landing page renders with React under the CSP and leads to sign-in', async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      const problems = watchProblems(page);
      await page.goto(`${baseUrl}/`);
      await page.getByRole('heading', { name: 'The Faculty Management System' }).waitFor({ state: 'visible' });
      await page.screenshot({ path: join(screenshots, 'landing.png'), fullPage: true });
      assertNoProblems(problems, '/');
      await page.getByRole('link', { name: 'Sign in to your department' }).click();
      await page.waitForURL(`${baseUrl}/login`);
    } finally {
      await context.close();
    }
  });

  await t.test('the sign-in page renders cleanly', async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      const problems = watchProblems(page);
      await page.goto(`${baseUrl}/login`);
      await page.waitForLoadState('load');
      assert.equal(await page.title(), 'Sign in · FMS');
      await page.getByRole('heading', { name: 'Sign in to FMS' }).waitFor({ state: 'visible' });
      await page.screenshot({ path: join(screenshots, 'login.png'), fullPage: true });
      assertNoProblems(problems, '/login');
    } finally {
      await context.close();
    }
  });

  for (const login of demoLogins) {
    await t.test(`${login.role} (${login.username}) signs in, sees the ${login.role} dashboard, and signs out`, async () => {
      const context = await newContext(browser);
      try {
        const page = await context.newPage();
        const problems = watchProblems(page);
        await signIn(page, baseUrl, login.username, login.password);

        await page.locator(`[data-testid="dashboard-${login.role}"]`).waitFor({ state: 'visible' });
        const menu = page.locator('[data-testid="user-menu"]');
        assert.match(await menu.innerText(), new RegExp(displayNames[login.role]), 'the user menu names the signed-in user');
        await checkDashboard(page, login.role);
        await checkTopBar(page, login.role);
        await page.screenshot({ path: join(screenshots, `dashboard-${login.role}.png`), fullPage: true });
        assertNoProblems(problems, `/dashboard as ${login.role}`);

        await signOut(page, baseUrl, login.role === 'admin' ? { menu: 'user-menu-open.png', after: 'signed-out.png' } : {});
        assert.equal(new URL(page.url()).pathname, '/login');
        assertNoProblems(problems, `sign-out as ${login.role}`);
      } finally {
        await context.close();
      }
    });
  }

  await t.test('a lecturer who is also an admin (l.horvat, the longest bar) gets a bar that fits or folds', async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await signIn(page, baseUrl, 'l.horvat', demoLogins.find((l) => l.role === 'lecturer')!.password);
      assert.match(await page.locator('[data-testid="user-menu"]').innerText(), /lecturer · admin/);
      await checkTopBar(page, 'l.horvat');
    } finally {
      await context.close();
    }
  });

  await t.test('a student finds similar theses as they type, then proposes a title and is warned of a close one', async () => {
    const student = demoLogins.find((l) => l.role === 'student')!;
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      const problems = watchProblems(page);
      await signIn(page, baseUrl, student.username, student.password);
      await page.getByRole('link', { name: 'Theses' }).click();
      await page.waitForURL(`${baseUrl}/theses`);
      // htmx answers as the title is typed: no button pressed.
      await page.getByLabel('Title', { exact: true }).fill('Neural networks for handwritten letters');
      const results = page.locator('[data-testid="similar-theses"]');
      await results.waitFor({ state: 'visible' });
      assert.match(await results.innerText(), /Neural networks for recognising handwritten Armenian letters\s+\d+%/);
      assert.equal(new URL(page.url()).pathname, '/theses', 'the page stayed; only the results changed');
      await page.screenshot({ path: join(screenshots, 'theses-similar.png'), fullPage: true });
      await page.getByLabel('The title you propose').fill('Handwritten Armenian letters recognised by neural networks');
      await Promise.all([page.waitForURL(`${baseUrl}/theses`), page.getByRole('button', { name: 'Propose' }).click()]);
      await page.locator('.alert-warning', { hasText: 'Your title is close to an existing one' }).waitFor({ state: 'visible' });
      assert.match(await page.locator('[data-testid="own-thesis"]').innerText(), /Proposed by you, not yet recorded/);
      await page.screenshot({ path: join(screenshots, 'theses-proposed.png'), fullPage: true });
      assertNoProblems(problems, '/theses as a student');
    } finally {
      await context.close();
    }
  });

  await t.test("a student asks the assistant from the dashboard's side panel, then on its page; a lecturer asks how many wait", async () => {
    const student = demoLogins.find((l) => l.role === 'student')!;
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      const problems = watchProblems(page);
      await signIn(page, baseUrl, student.username, student.password);
      await page.locator('[data-testid="assistant-launcher"]').click();
      const panel = page.locator('#assistant-panel');
      await panel.waitFor({ state: 'visible' });
      const field = panel.getByLabel('Your question');
      await field.fill('When is my next deadline?');
      await field.press('Enter');
      const answer = panel.locator('[data-testid="assistant-exchange"]').last();
      await answer.waitFor({ state: 'visible' });
      assert.match(await answer.innerText(), /Your next deadline: .+ is due .+/);
      assert.equal(await field.inputValue(), '', 'the field is emptied for the next question');
      assert.equal(new URL(page.url()).pathname, '/dashboard', 'answered in the panel, the page stays');
      await page.screenshot({ path: join(screenshots, 'assistant-panel.png') });
      await panel.getByRole('link', { name: "The assistant's page" }).click();
      await page.waitForURL(`${baseUrl}/assistant`);
      await page.getByRole('button', { name: 'How do I send an exercise?' }).click();
      const fromGuide = page.locator('#assistant-log [data-testid="assistant-exchange"]').last();
      await fromGuide.waitFor({ state: 'visible' });
      assert.match(await fromGuide.innerText(), /The guide explains it under/);
      await page.screenshot({ path: join(screenshots, 'assistant-page.png'), fullPage: true });
      await fromGuide.locator('a[href^="/help#"]').first().click();
      await page.waitForURL(new RegExp(`${baseUrl}/help#`));
      await page.screenshot({ path: join(screenshots, 'help.png') });
      assertNoProblems(problems, 'the assistant as a student');
    } finally {
      await context.close();
    }
    const lecturer = demoLogins.find((l) => l.role === 'lecturer')!;
    const lecturerContext = await newContext(browser);
    try {
      const page = await lecturerContext.newPage();
      const problems = watchProblems(page);
      await signIn(page, baseUrl, lecturer.username, lecturer.password);
      await page.goto(`${baseUrl}/assistant`);
      await page.getByLabel('Your question').fill('How many submissions are waiting?');
      await page.getByRole('button', { name: 'Ask', exact: true }).click();
      const answer = page.locator('#assistant-log [data-testid="assistant-exchange"]').last();
      await answer.waitFor({ state: 'visible' });
      assert.match(await answer.innerText(), /(submissions? waits? in your Waiting Room|Nothing waits in your Waiting Room)/);
      assertNoProblems(problems, 'the assistant as a lecturer');
    } finally {
      await lecturerContext.close();
    }
  });

  await t.test('the student dashboard works at phone width, navbar toggler included', async () => {
    const student = demoLogins.find((l) => l.role === 'student')!;
    const context = await newContext(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    try {
      const page = await context.newPage();
      const problems = watchProblems(page);
      await signIn(page, baseUrl, student.username, student.password);
      await page.locator('[data-testid="dashboard-student"]').waitFor({ state: 'visible' });

      const toggler = page.locator('.navbar-toggler');
      const menu = page.locator('#main-nav');
      assert.ok(await toggler.isVisible(), 'the navbar toggler shows at phone width');
      assert.equal(await menu.isVisible(), false, 'the menu starts collapsed at phone width');
      await page.screenshot({ path: join(screenshots, 'dashboard-student-mobile.png'), fullPage: true });

      await toggler.click();
      await menu.waitFor({ state: 'visible' });
      await page.locator('#main-nav.show').waitFor({ state: 'visible' }); // the collapse transition finished
      assert.equal(await toggler.getAttribute('aria-expanded'), 'true');
      assert.match(await page.locator('[data-testid="user-menu"]').innerText(), new RegExp(displayNames.student));
      await page.screenshot({ path: join(screenshots, 'dashboard-student-mobile-menu.png'), fullPage: true });

      await signOut(page, baseUrl, { menu: 'user-menu-open-mobile.png', after: 'signed-out-mobile.png' });
      assertNoProblems(problems, 'the student dashboard at phone width');
    } finally {
      await context.close();
    }
  });
});
