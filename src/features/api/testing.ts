// Helpers for the API's tests: a bearer token for an account, and a JSON call with it. (Kept free of
// Fastify's types so it follows the import rules; only the *.test.ts files use it.)
import type { ServiceContext } from '../../context.js';
import { actorFromUser, createApiToken, findUserById } from '../auth/service.js';

/** A fresh API token acting as the account `userId`, made through the auth service. */
export async function apiTokenFor(ctx: ServiceContext, userId: number): Promise<string> {
  const user = await findUserById(ctx, userId);
  if (!user) throw new Error(`no account ${userId}`);
  const created = await createApiToken({ ...ctx, actor: actorFromUser(user) }, { name: 'test' });
  return created.token;
}

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
