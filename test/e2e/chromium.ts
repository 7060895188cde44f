// Shared by the browser tests: Debian's Chromium through playwright-core against the real server,
// with every console error, uncaught exception, failed response and CSP violation collected.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config/index.js';
import { startServer, type RunningServer } from '../../src/server.js';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const screenshots = join(root, 'test-results', 'screenshots');

/** Console errors, uncaught exceptions and CSP violations seen by one page, across navigations. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error on ${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught exception on ${page.url()}: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  return problems;
}

export async function newContext(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  // Chromium already logs CSP refusals as console errors; this also catches any it reports only as
  // an event. Init scripts are injected by the browser, so the page's own CSP does not stop them.
  // (A string, not a function: this project's TypeScript has no DOM types.)
  await context.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) => console.error(
      'CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline code') + ' (' + e.sourceFile + ':' + e.lineNumber + ')'));`,
  });
  context.setDefaultTimeout(15_000);
  return context;
}

export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForURL(`${baseUrl}/dashboard`), page.getByRole('button', { name: 'Sign in' }).click()]);
  await page.waitForLoadState('load');
}

export function assertNoProblems(problems: string[], where: string): void {
  assert.deepEqual(problems, [], `${where}: the browser reported problems:\n${problems.join('\n')}`);
}

/**
 * Takes the problems a step caused on purpose (a refused form answers 4xx, and Chromium logs that
 * as a console error too) out of `problems`, and returns them for the step to check. Only for the
 * step that expects them: anything else stays and fails assertNoProblems.
 */
export function takeExpectedProblems(problems: string[], expected: RegExp[]): string[] {
  const taken = problems.filter((p) => expected.some((re) => re.test(p)));
  const rest = problems.filter((p) => !taken.includes(p));
  problems.splice(0, problems.length, ...rest);
  return taken;
}

/** Waits until an <img> has loaded, and returns its natural size (0×0 would be a broken image). */
export async function loadedImageSize(image: Locator): Promise<{ width: number; height: number }> {
  await image.waitFor({ state: 'visible' });
  await image.scrollIntoViewIfNeeded();
  // Resolves once the image has loaded or failed (lazy images load when scrolled into view).
  await image.evaluate(
    (element) =>
      new Promise<void>((done) => {
        const img = element as unknown as { complete: boolean; addEventListener(type: string, listener: () => void): void };
        if (img.complete) return done();
        img.addEventListener('load', done);
        img.addEventListener('error', done);
      }),
  );
  return image.evaluate((element) => {
    const img = element as unknown as { naturalWidth: number; naturalHeight: number };
    return { width: img.naturalWidth, height: img.naturalHeight };
  });
}


/**
 * The real server, in-process, on a fresh SQLite file with the demo department seeded, and Chromium
 * driving it; both closed after the test. Fails under CI=true when Chromium is missing, else skips.
 */
export async function startDemoInChromium(t: TestContext): Promise<{ baseUrl: string; browser: Browser; uploads: string } | null> {
  if (!existsSync(CHROMIUM)) {
    const message = `${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)`;
    if (process.env.CI === 'true') assert.fail(`CI=true requires a browser: ${message}`);
    t.skip(message);
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'fms-e2e-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const uploads = join(dir, 'uploads');
  const config = loadConfig(
    { FMS_CONFIG: 'testing', LOG_LEVEL: 'silent', DEMO_DEPARTMENT: 'true', DATABASE_URL: `sqlite:${join(dir, 'fms.sqlite')}`, UPLOAD_FOLDER: uploads },
    { dotenvDir: false },
  );
  const server: RunningServer = await startServer(config, { bind: { host: '127.0.0.1', port: 0 }, say: () => {} });
  t.after(() => server.close());
  // `launch` gives every run a new temporary profile, removed again when the browser closes.
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  t.after(() => browser.close());
  mkdirSync(screenshots, { recursive: true });
  return { baseUrl: server.url, browser, uploads };
}

/**
 * The demo server and Chromium (startDemoInChromium), and one page, in a context that accepts
 * downloads, signed in as `login`; its console and CSP problems are collected in `problems`.
 */
export async function signedInDemoPage(t: TestContext, login: { username: string; password: string }) {
  const started = await startDemoInChromium(t);
  if (!started) return null;
  const context = await newContext(started.browser, { acceptDownloads: true });
  t.after(() => context.close());
  const page = await context.newPage();
  const problems = watchProblems(page);
  await signIn(page, started.baseUrl, login.username, login.password);
  return { ...started, page, problems };
}
