// News in a real browser (issue 13): the landing page shows the department's latest public news; an
// admin publishes a public article and gives it a cover through the cover upload island (drop zone,
// preview, check before sending, progress), and the same form works with JavaScript off; a student
// reads the note their lecturer wrote to their group. The pages must log no console error and no CSP
// violation. Screenshots land in test-results/screenshots/ for a human to look at.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import sharp from 'sharp';
import { demoLogins } from '../../src/seeds/demo-logins.js';
import { assertNoProblems, loadedImageSize, newContext, screenshots, signIn, startDemoInChromium, takeExpectedProblems, watchProblems } from './chromium.js';

const login = (role: (typeof demoLogins)[number]['role']) => demoLogins.find((l) => l.role === role)!;

/** The demo department's public articles (src/seeds/demo-news.ts). */
const publicTitles = ['Welcome to the department’s new site', 'Open day: meet the department'];

/**
 * A photo-like JPEG: a gradient with noise, which compresses badly, so that at 1600×1000 it weighs
 * a few hundred KB and its upload takes long enough on a throttled connection to show its progress.
 */
async function photo(width: number, height: number, format: 'jpeg' | 'png'): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  let seed = 2463534242;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      // xorshift32: the same picture on every run.
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      const noise = (seed >>> 0) % 60;
      pixels[i] = Math.min(255, Math.round((x / width) * 180) + noise);
      pixels[i + 1] = Math.min(255, 90 + noise);
      pixels[i + 2] = Math.min(255, Math.round((y / height) * 200) + noise);
    }
  }
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  return format === 'jpeg' ? image.jpeg({ quality: 92 }).toBuffer() : image.png().toBuffer();
}

/** A drop of `file` on the drop zone, as the browser makes one when a file is dragged onto it. */
async function dropFile(page: import('playwright-core').Page, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  // A string, not a function: this project's TypeScript has no DOM types.
  const dataTransfer = await page.evaluateHandle(`(() => {
    const bytes = Uint8Array.from(atob(${JSON.stringify(file.buffer.toString('base64'))}), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], ${JSON.stringify(file.name)}, { type: ${JSON.stringify(file.mimeType)} }));
    return transfer;
  })()`);
  const zone = page.locator('.cover-drop');
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
}

test('news in Chromium: the landing page, a cover through the island and without JavaScript, a group\'s note', async (t: TestContext) => {
  const started = await startDemoInChromium(t);
  if (!started) return;
  const { baseUrl, browser } = started;
  let articleUrl = '';

  await t.test('a visitor sees the latest public news on the landing page, and a way to sign in', async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      const problems = watchProblems(page);
      await page.goto(`${baseUrl}/`);
      const news = page.locator('[data-testid="landing-news"]');
      await news.waitFor({ state: 'visible' });
      const titles = await news.locator('h3').allInnerTexts();
      assert.deepEqual([...titles].sort(), [...publicTitles].sort(), 'the two public articles, and nothing for signed-in readers only');
      assert.equal(await news.locator('img').count(), 2, 'both public articles have a cover thumbnail');
      for (const thumbnail of await news.locator('img').all()) assert.ok((await loadedImageSize(thumbnail)).width > 0, 'each cover thumbnail loads');
      const signInLink = page.getByRole('link', { name: 'Sign in', exact: true });
      assert.equal(await signInLink.getAttribute('href'), '/login');
      await page.screenshot({ path: join(screenshots, 'landing-news.png'), fullPage: true });
      assertNoProblems(problems, '/');
    } finally {
      await context.close();
    }
  });

  await t.test('the admin publishes a public article and gives it a cover by dropping an image on the island', async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      const problems = watchProblems(page);
      await signIn(page, baseUrl, login('admin').username, login('admin').password);
      await page.goto(`${baseUrl}/news/new`);
      await page.getByLabel('Category').selectOption({ label: 'Event' });
      await page.getByLabel('Title').fill('Robotics club: first meeting');
      await page.getByLabel('Body').fill('Everyone who likes **building things** is welcome. We meet in the lab on Friday.');
      await page.getByLabel('Public: anyone, also on the landing page and in the feed').check();
      await Promise.all([page.waitForURL(/\/news\/\d+$/), page.getByRole('button', { name: 'Publish' }).click()]);
      articleUrl = page.url();

      // The island has taken over the plain form; its input is still the form's.
      const island = page.locator('[data-testid="cover-upload"]');
      await island.waitFor({ state: 'visible' });
      const input = page.locator('#cover-file');
      assert.equal(await input.evaluate((element) => (element as unknown as { form: { dataset: { testid: string } } }).form.dataset.testid), 'cover-form');

      // A file that is not an image is refused before anything is sent.
      await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
      const problem = page.locator('[data-testid="cover-problem"]');
      assert.match(await problem.innerText(), /"notes\.txt" is not a JPEG, PNG or WebP image: choose an image in one of those formats\./);
      assert.equal(await problem.getAttribute('role'), 'alert');

      // A file that says it is a PNG but is not one passes the check; the server's refusal is shown.
      await input.setInputFiles({ name: 'broken.png', mimeType: 'image/png', buffer: Buffer.from('this is no PNG at all') });
      const [answer] = await Promise.all([
        page.waitForResponse((response) => response.request().method() === 'POST' && response.url().endsWith('/cover')),
        page.getByRole('button', { name: 'Add the cover' }).click(),
      ]);
      assert.equal(answer.status(), 422);
      const serverText = /id="cover-error"[^>]*>([^<]+)</.exec(await answer.text())?.[1]?.trim();
      assert.ok(serverText, 'the article page answered names the refusal');
      await problem.filter({ hasText: serverText.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&') }).waitFor({ state: 'visible' });
      takeExpectedProblems(problems, [/\b422\b/]);
      await page.locator('[data-testid="news-editor-tools"]').screenshot({ path: join(screenshots, 'news-cover-refused.png') });
      assert.equal(page.url(), articleUrl, 'the page stays, with the form');

      // The real image, dropped on the zone: preview, then progress on a slow connection.
      const cover = await photo(1600, 1000, 'jpeg');
      await dropFile(page, { name: 'robotics.jpg', mimeType: 'image/jpeg', buffer: cover });
      assert.equal(await input.evaluate((element) => (element as unknown as { files: { length: number } }).files.length), 1, 'the drop is in the form\'s input');
      const preview = page.locator('[data-testid="cover-preview"]');
      assert.deepEqual(await loadedImageSize(preview), { width: 1600, height: 1000 });
      assert.match(await island.innerText(), /robotics\.jpg/);
      assert.equal(await problem.count(), 0, 'the earlier refusal is gone');

      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: Math.ceil(cover.length / 3) });
      await page.getByRole('button', { name: 'Add the cover' }).click();
      const progress = page.locator('[data-testid="cover-progress"] progress');
      await progress.waitFor({ state: 'visible' });
      await page.waitForFunction(() => {
        const doc = (globalThis as unknown as { document: { querySelector(selector: string): { value: number } | null } }).document;
        return (doc.querySelector('[data-testid="cover-progress"] progress')?.value ?? 0) > 0;
      });
      await page.locator('[data-testid="news-editor-tools"]').screenshot({ path: join(screenshots, 'news-cover-upload.png') });
      await page.locator('.alert', { hasText: 'Cover image saved.' }).waitFor({ state: 'visible', timeout: 30_000 });
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

      assert.equal(page.url(), articleUrl);
      const shown = page.locator('[data-testid="news-article"] img.news-cover');
      assert.deepEqual(await loadedImageSize(shown), { width: 1600, height: 1000 }, 'the cover, re-encoded at its size');
      assert.equal(await page.getByRole('button', { name: 'Replace the cover' }).count(), 1, 'the form below is the new page\'s');
      await page.locator('[data-testid="cover-upload"]').waitFor({ state: 'visible' });
      await page.screenshot({ path: join(screenshots, 'news-article-cover.png'), fullPage: true });

      await page.goto(`${baseUrl}/news`);
      const first = page.locator('[data-testid="news-item"]').first();
      assert.match(await first.innerText(), /Robotics club: first meeting/);
      assert.ok((await loadedImageSize(first.locator('img'))).width > 0, 'its thumbnail in the list');
      await page.screenshot({ path: join(screenshots, 'news-list.png'), fullPage: true });
      assertNoProblems(problems, 'publishing with a cover');
    } finally {
      await context.close();
    }
  });

  await t.test('without JavaScript the same cover form sends the file itself', async () => {
    assert.ok(articleUrl, 'the article of the step before');
    const context = await newContext(browser, { javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      const problems = watchProblems(page);
      await signIn(page, baseUrl, login('admin').username, login('admin').password);
      await page.goto(articleUrl);
      assert.equal(await page.locator('[data-testid="cover-upload"]').count(), 0, 'no island');
      await page.locator('#cover-file').setInputFiles({ name: 'replacement.png', mimeType: 'image/png', buffer: await photo(800, 400, 'png') });
      await Promise.all([page.waitForURL(articleUrl), page.getByRole('button', { name: 'Replace the cover' }).click()]);
      await page.locator('.alert', { hasText: 'Cover image saved.' }).waitFor({ state: 'visible' });
      assert.deepEqual(await loadedImageSize(page.locator('[data-testid="news-article"] img.news-cover')), { width: 800, height: 400 }, 'the new cover');
      assertNoProblems(problems, 'the cover form without JavaScript');
    } finally {
      await context.close();
    }
  });

  await t.test('the demo student reads their lecturer\'s note to their group, not the lecturers\' news', async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      const problems = watchProblems(page);
      await signIn(page, baseUrl, login('student').username, login('student').password);
      await page.goto(`${baseUrl}/news`);
      const list = page.locator('[data-testid="news-list"]');
      await list.getByRole('link', { name: 'Programming lab moves to room 12' }).waitFor({ state: 'visible' });
      assert.doesNotMatch(await list.innerText(), /Staff meeting on Thursday/);
      assertNoProblems(problems, '/news as a student');
    } finally {
      await context.close();
    }
  });
});
