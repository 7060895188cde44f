// Helpers for the API's tests: a JSON call with a bearer token, and the check of an error answer.
// Records (and tokens) come from test/factories.ts. (Kept free of Fastify's types so it follows the
// import rules; only the *.test.ts files use it.)
import assert from 'node:assert/strict';
import Value from 'typebox/value';
import { ErrorResponse } from './schemas.js';

export interface InjectResponse {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test bodies are read loosely
}

interface Injector {
  inject(options: { method: string; url: string; headers?: Record<string, string>; payload?: unknown }): Promise<InjectResponse>;
}

/** Calls the API as `token` (none: anonymous) and returns the response. */
export function callApi(app: Injector, token: string | null, method: string, url: string, body?: unknown): Promise<InjectResponse> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });
}

/** Asserts an error answer: its status, the shared Error shape, its code, and a message for `field`. */
export function assertError(response: InjectResponse, status: number, code: string, field?: string): void {
  assert.equal(response.statusCode, status, response.body);
  const body = response.json();
  assert.ok(Value.Check(ErrorResponse, body as unknown), `error shape: ${response.body}`);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  assert.equal(body.error.code, code, response.body);
  if (field) assert.equal(typeof body.error.fields?.[field], 'string', `a message for ${field}: ${response.body}`);
}
