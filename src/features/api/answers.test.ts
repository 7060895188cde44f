// What every answer under /api/ is, whatever the call: an address under /api/v1 needs a token even
// when it names no call (401 before 404), and JSON comes as a download (Content-Disposition:
// attachment), with nosniff and no-store, so a browser sent to an API address never renders it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../../../test/build-test-app.js';
import { smallDepartment } from '../../../test/factories.js';
import { testDatabases } from '../../../test/services.js';
import { API_CONTENT_DISPOSITION, isJsonType } from './attachment.js';
import { assertError, callApi, type InjectResponse } from './testing.js';

function assertDownload(response: InjectResponse, what: string): void {
  assert.match(String(response.headers['content-type']), /^application\/json/, what);
  assert.equal(response.headers['content-disposition'], API_CONTENT_DISPOSITION, what);
  assert.equal(response.headers['x-content-type-options'], 'nosniff', what);
  assert.equal(response.headers['cache-control'], 'no-store', what);
}

for (const database of await testDatabases()) {
  describe(`API answers on ${database}`, () => {
    test('an /api/v1 address without a token is 401, whether or not it names a call; with a token an unknown one is 404', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens } = await smallDepartment(ctx);
      const unknown: [string, string][] = [
        ['GET', '/api/v1/nope'],
        ['GET', '/api/v1'],
        ['GET', '/api/v1/'],
        ['GET', '/api/v1/students/1/nope'],
        ['POST', '/api/v1/nope'],
        ['PUT', '/api/v1/me'],
        ['GET', '/api/v1/imports/nope'],
      ];
      for (const [method, url] of unknown) {
        const anonymous = await callApi(app, null, method, url);
        assertError(anonymous, 401, 'unauthenticated');
        assertDownload(anonymous, `${method} ${url} without a token`);
        assertError(await callApi(app, 'fms_made-up-token', method, url), 401, 'invalid_token');
        const known = await callApi(app, tokens.student, method, url);
        assertError(known, 404, 'not_found');
        assertDownload(known, `${method} ${url} with a token`);
      }
      // A CORS preflight gets no permission either: no Access-Control-* headers.
      const preflight = await app.inject({ method: 'OPTIONS', url: '/api/v1/students', headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'GET' } });
      assertError(preflight, 401, 'unauthenticated');
      assert.ok(!Object.keys(preflight.headers).some((name) => name.startsWith('access-control-')), JSON.stringify(preflight.headers));
      const body = (await callApi(app, null, 'GET', '/api/v1/nope')).json();
      assert.deepEqual(body, (await callApi(app, null, 'GET', '/api/v1/me')).json(), 'a made-up call and a real one answer alike without a token');
    });

    test('every JSON answer under /api/ is an attachment: records, lists, errors, the document', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens, student } = await smallDepartment(ctx);
      const answers: [string, InjectResponse][] = [
        ['me', await callApi(app, tokens.admin, 'GET', '/api/v1/me')],
        ['a list', await callApi(app, tokens.admin, 'GET', '/api/v1/students')],
        ['a record', await callApi(app, tokens.admin, 'GET', `/api/v1/students/${student.id}`)],
        ['a change', await callApi(app, tokens.admin, 'PATCH', `/api/v1/students/${student.id}`, { phone: '+359 1' })],
        ['a creation', await callApi(app, tokens.admin, 'POST', '/api/v1/groups', { name: 'Download-1' })],
        ['a refusal', await callApi(app, tokens.student, 'POST', '/api/v1/groups', { name: 'Nope' })],
        ['an invalid input', await callApi(app, tokens.admin, 'POST', '/api/v1/groups', { name: '' })],
        ['a bad JSON body', await app.inject({ method: 'POST', url: '/api/v1/groups', headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' }, payload: '{' })],
        ['the OpenAPI document', await app.inject({ url: '/api/docs/openapi.json' })],
        ["Swagger UI's copy of it", await app.inject({ url: '/api/docs/json' })],
        ['an unknown /api address', await app.inject({ url: '/api/nope' })],
      ];
      for (const [what, response] of answers) {
        assert.ok(response.statusCode < 500, `${what}: ${response.body}`);
        assertDownload(response, what);
      }
      assert.equal(answers[3]![1].statusCode, 200, 'the change was made');
      assertError(answers.find(([what]) => what === 'an unknown /api address')![1], 404, 'not_found');

      // The page and its scripts stay what they are.
      const page = await app.inject({ url: '/api/docs' });
      assert.match(String(page.headers['content-type']), /^text\/html/);
      assert.equal(page.headers['content-disposition'], undefined, 'Swagger UI is a page to show');
      const script = await app.inject({ url: '/api/docs/static/swagger-initializer.js' });
      assert.equal(script.headers['content-disposition'], undefined);
      assert.match(script.body, /responseInterceptor/, 'the page shows API answers inline although they are attachments');
      // Pages outside /api/ are untouched, JSON errors included.
      const outside = await app.inject({ url: '/groups/999999', headers: { accept: 'application/json' } });
      assert.equal(outside.headers['content-disposition'], undefined);
    });
  });
}

test('isJsonType knows JSON when it sees it', () => {
  for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/problem+json', 'application/vnd.fms+json;v=1']) assert.equal(isJsonType(type), true, type);
  for (const type of [undefined, '', 'text/html; charset=utf-8', 'application/jsonp', 'application/javascript', 'text/json-ish', ['application/json']]) assert.equal(isJsonType(type), false, String(type));
});
