// The OpenAPI document at /api/docs/openapi.json and the readable page at /api/docs (Swagger UI,
// under the app's CSP), and the shared error shape every API error answers with.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import Value from 'typebox/value';
import { buildTestApp } from '../../../test/build-test-app.js';
import { createApiToken, createUser } from '../../../test/factories.js';
import { allowSwaggerUiStyle } from './docs/routes.js';
import { ErrorResponse, Me } from './schemas.js';
import { callApi } from './testing.js';

const CHROMIUM = '/usr/bin/chromium';
/** A CSP hash source: sha256 of the exact text, base64. */
const HASH_SOURCE = /'sha256-[A-Za-z0-9+/]{43}='/g;

/** The hash sources in one directive of a Content-Security-Policy. */
function hashesIn(csp: string, directive: string): string[] {
  const value = csp.split(';').find((d) => d.trim().startsWith(`${directive} `)) ?? '';
  return value.match(HASH_SOURCE) ?? [];
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

describe('the OpenAPI document', () => {
  test('is OpenAPI 3.1 with the API paths only, bearer security and the shared Error schema', async (t) => {
    const { app } = await buildTestApp(t);
    const response = await app.inject({ url: '/api/docs/openapi.json' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    const doc = response.json();
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.info.title, 'FMS API');
    assert.equal(doc.info.version, '1', "the API's version, as in its path");
    assert.ok(!response.body.includes(pkg.version), `the server's release (${pkg.version}) is not shown`);
    assert.deepEqual(doc.servers, [{ url: '/api/v1', description: 'This FMS server' }], 'relative: works behind any host name');
    assert.deepEqual(doc.components.securitySchemes.bearerAuth, { ...doc.components.securitySchemes.bearerAuth, type: 'http', scheme: 'bearer' });
    assert.deepEqual(doc.security, [{ bearerAuth: [] }]);

    const paths = Object.keys(doc.paths);
    assert.ok(paths.includes('/me'), 'the /api/v1 routes are in, under the server URL');
    for (const path of paths) assert.ok(!/^\/(api|login|logout|admin|account|dashboard|static)\b/.test(path), `not an API path: ${path}`);

    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    for (const resource of ['groups', 'students', 'lecturers']) {
      for (const operation of [`GET /${resource}`, `POST /${resource}`, `GET /${resource}/{id}`, `PATCH /${resource}/{id}`, `DELETE /${resource}/{id}`, `POST /${resource}/{id}/archive`, `POST /${resource}/{id}/restore`]) {
        assert.ok(operations.includes(operation), `${operation} is described`);
      }
      const list = doc.paths[`/${resource}`].get;
      const parameters = list.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`);
      for (const name of ['q', 'limit', 'cursor', 'archived']) assert.ok(parameters.includes(`query:${name}`), `${resource} takes ${name}`);
      assert.deepEqual(list.responses['200'].content['application/json'].schema.properties.items.items, { $ref: `#/components/schemas/${resource === 'groups' ? 'Group' : resource === 'students' ? 'Student' : 'Lecturer'}` });
      assert.ok(doc.paths[`/${resource}/{id}`].get.parameters.some((p: { name: string; in: string; required: boolean }) => p.name === 'id' && p.in === 'path' && p.required));
      const create = doc.paths[`/${resource}`].post;
      assert.ok(create.requestBody.content['application/json'].schema.$ref, 'the body is described by a shared schema');
      assert.ok(create.responses['201'].headers.location, 'the Location header is described');
      for (const status of ['403', '409', '422', '401']) assert.deepEqual(create.responses[status].content['application/json'].schema, { $ref: '#/components/schemas/Error' });
    }
    assert.ok(doc.paths['/students'].get.parameters.some((p: { name: string }) => p.name === 'group'));
    for (const kind of ['students', 'lecturers']) {
      const run = doc.paths[`/imports/${kind}`].post;
      assert.deepEqual(run.requestBody.content['multipart/form-data'].schema.properties.file, { type: 'string', format: 'binary', description: 'The spreadsheet, at most MAX_CONTENT_LENGTH.' });
      assert.deepEqual(
        run.parameters.map((p: { name: string }) => p.name),
        ['dryRun', 'confirmLargeChange', 'planHash'],
      );
      assert.deepEqual(run.responses['200'].content['application/json'].schema, { $ref: '#/components/schemas/ImportOutcome' });
      assert.deepEqual(run.responses['422'].content['application/json'].schema, { $ref: '#/components/schemas/ImportRefused' });
    }
    for (const name of ['Group', 'GroupInput', 'Student', 'StudentInput', 'StudentChanges', 'StudentCreated', 'Lecturer', 'LecturerCreated', 'NewAccount', 'Me', 'Error', 'ImportReport', 'ImportOutcome', 'ImportRefused']) {
      assert.ok(doc.components.schemas[name], `components.schemas.${name}`);
    }
    assert.deepEqual(doc.components.schemas.StudentCreated.properties.account, { $ref: '#/components/schemas/NewAccount' });
    assert.equal(doc.components.schemas.Student.properties.birthDate.anyOf[0].type, 'string');
    assert.ok(!doc.components.schemas.Student.required.includes('address'), 'private fields may be absent');

    const me = doc.paths['/me'].get;
    assert.deepEqual(me.responses['200'].content['application/json'].schema, { $ref: '#/components/schemas/Me' });
    assert.deepEqual(me.responses['401'].content['application/json'].schema, { $ref: '#/components/schemas/Error' });
    assert.deepEqual(me.responses['4XX'].content['application/json'].schema, { $ref: '#/components/schemas/Error' });
    assert.deepEqual(doc.components.schemas.Error.required, ['error']);
    assert.deepEqual(doc.components.schemas.Error.properties.error.required, ['code', 'message', 'fields']);
    assert.ok(doc.components.schemas.Error.properties.error.properties.fields, 'fields are described');

    // Every reference points at a schema the document has.
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const r of refs) {
      const name = /#\/components\/schemas\/([^"]+)"/.exec(r)?.[1];
      assert.ok(name && doc.components.schemas[name], `dangling ${r}`);
    }

    const swaggerUiCopy = await app.inject({ url: '/api/docs/json' });
    assert.deepEqual(swaggerUiCopy.json(), doc, 'the page reads the same document');
  });

  test('/api/docs is an HTML page without inline script, under the strict CSP', async (t) => {
    const { app } = await buildTestApp(t);
    for (const url of ['/api/docs', '/api/docs/']) {
      const response = await app.inject({ url });
      assert.equal(response.statusCode, 200, url);
      assert.match(String(response.headers['content-type']), /^text\/html/);
      assert.match(response.body, /<title>FMS API<\/title>/);
      const csp = String(response.headers['content-security-policy']);
      assert.match(csp, /script-src 'self'(;|$)/, 'scripts from this site only');
      assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), csp);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /style-src 'self' 'sha256-[A-Za-z0-9+/]{43}='(;|$)/, 'one inline style allowed by its hash (which one: the browser test below), here only');
      assert.deepEqual(hashesIn(csp, 'script-src'), [], 'no inline script is allowed');
      for (const script of response.body.match(/<script[^>]*>/g) ?? []) assert.match(script, /src="(\/api\/docs|\.)\/static\/[\w.-]+\.js"/, script);
      assert.ok(!/\son\w+=/i.test(response.body), 'no inline event handlers');
      assert.ok(!response.body.includes(pkg.version), `the server's release (${pkg.version}) is not shown`);
    }
    const initializer = await app.inject({ url: '/api/docs/static/swagger-initializer.js' });
    assert.equal(initializer.statusCode, 200);
    assert.match(initializer.body, /resolveUrl\('\.\/json'\)/);
    assert.match(initializer.body, /validatorUrl: null/, 'the document is never sent to an outside validator');

    const page = await app.inject({ url: '/dashboard', headers: { accept: 'text/html' } });
    assert.ok(!String(page.headers['content-security-policy'] ?? '').includes('sha256'), 'the other pages keep the plain policy');
  });

  test('allowSwaggerUiStyle adds the hash to style-src only, once', () => {
    const csp = "default-src 'self';style-src 'self';img-src 'self' data:";
    const once = allowSwaggerUiStyle(csp);
    assert.match(once, /^default-src 'self';style-src 'self' 'sha256-[A-Za-z0-9+/]{43}=';img-src 'self' data:$/);
    assert.equal(allowSwaggerUiStyle(once), once);
  });

  test('GET /api/v1/me answers the Me schema; errors answer the Error schema', async (t) => {
    const { app, ctx } = await buildTestApp(t);
    const user = await createUser(ctx, { role: 'lecturer' });
    const token = await createApiToken(ctx, user.id);
    const me = await callApi(app, token, 'GET', '/api/v1/me');
    assert.equal(me.statusCode, 200);
    assert.ok(Value.Check(Me, me.json()), me.body);
    assert.deepEqual(me.json(), { id: user.id, username: user.username, displayName: 'Test lecturer', role: 'lecturer', isAdmin: false, studentId: null, lecturerId: null });

    const failures = [
      await callApi(app, null, 'GET', '/api/v1/me'),
      await callApi(app, 'fms_nonsense', 'GET', '/api/v1/me'),
      await callApi(app, token, 'GET', '/api/v1/no-such-thing'),
      await callApi(app, token, 'DELETE', '/api/v1/me'),
    ];
    assert.deepEqual(
      failures.map((r) => [r.statusCode, r.json().error.code]),
      [
        [401, 'unauthenticated'],
        [401, 'invalid_token'],
        [404, 'not_found'],
        [404, 'not_found'],
      ],
    );
    for (const r of failures) {
      assert.ok(Value.Check(ErrorResponse, r.json()), r.body);
      assert.match(String(r.headers['content-type']), /^application\/json/);
    }
  });
});

describe('the docs page in a browser', () => {
  test('Swagger UI renders the document under the CSP and calls the API with a token', async (t) => {
    if (!existsSync(CHROMIUM)) {
      const message = `${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)`;
      if (process.env.CI === 'true') assert.fail(`CI=true requires a browser: ${message}`);
      t.skip(message);
      return;
    }
    const { app, ctx } = await buildTestApp(t);
    const user = await createUser(ctx, { role: 'admin' });
    const token = await createApiToken(ctx, user.id);
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
    t.after(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    await context.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline code')));`,
    });
    // Every <style> element the page ever has, HTML or SVG, also one that is soon replaced (Swagger
    // UI's default logo has one until the configured logo takes its place).
    await context.addInitScript({
      content: `window.__inlineStyles = [];
        new MutationObserver((records) => {
          for (const record of records) for (const node of record.addedNodes) {
            if (node.nodeType !== 1) continue;
            for (const style of [node, ...node.querySelectorAll('style')]) if (style.localName === 'style' && style.textContent) window.__inlineStyles.push(style.textContent);
          }
        }).observe(document, { subtree: true, childList: true });`,
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    const apiAnswers: Record<string, string>[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
      if (new URL(response.url()).pathname === '/api/v1/me') apiAnswers.push(response.headers());
    });

    const docs = await page.goto(`${base}/api/docs`);
    await page.locator('.info .title', { hasText: 'FMS API' }).waitFor({ state: 'visible' });
    // The inline styles the page really has, hashed here as the browser hashes them: the one hash
    // the CSP allows must be theirs (an upgrade of Swagger UI that changes its style fails here).
    const allowed = hashesIn(docs?.headers()['content-security-policy'] ?? '', 'style-src');
    const inline = await page.evaluate(() => (globalThis as unknown as { __inlineStyles: string[] }).__inlineStyles);
    const inlineHashes = [...new Set(inline.map((text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`))];
    assert.deepEqual(inlineHashes, allowed, 'the CSP allows exactly the inline style the page has');
    await page.getByRole('button', { name: /Authorize/ }).first().click();
    await page.locator('.modal-ux input').first().fill(token);
    await page.locator('.modal-ux .auth-btn-wrapper button.authorize').click();
    await page.locator('.modal-ux .auth-btn-wrapper button.btn-done').click();
    await page.locator('#operations-account-get_me .opblock-summary').click();
    await page.getByRole('button', { name: 'Try it out' }).click();
    await page.getByRole('button', { name: 'Execute' }).click();
    const result = page.locator('.live-responses-table tr.response .response-col_status').first();
    await result.waitFor({ state: 'visible' });
    assert.equal((await result.innerText()).trim(), '200');
    assert.match(await page.locator('.live-responses-table tr.response .response-col_description').first().innerText(), new RegExp(user.username));
    assert.equal(apiAnswers[0]?.['content-disposition'], 'attachment; filename="api.json"', 'the answer was an attachment, and the page still shows its JSON');
    assert.deepEqual(problems, [], `the browser reported problems:\n${problems.join('\n')}`);
  });
});
