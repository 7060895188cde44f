// What the group, student and lecturer page suites share: an app with a signed-in admin, a
// browser signed in as a new person, multipart posts, small images, and readers of the pages.
// Records come from test/factories.ts.
import type { TestContext } from 'node:test';
import sharp from 'sharp';
import { systemActor } from '../../src/access.js';
import type { ServiceContext } from '../../src/context.js';
import { buildTestApp } from '../build-test-app.js';
import { createUser, TEST_PASSWORD } from '../factories.js';
import { Browser } from '../http.js';
import type { TestDatabase } from '../services.js';

export async function pagesApp(t: TestContext, database: TestDatabase, env: Record<string, string> = {}) {
  const built = await buildTestApp(t, { database, env });
  const system: ServiceContext = { ...built.ctx, actor: systemActor, storage: built.app.deps.storage };
  const adminUser = await createUser(built.ctx, { role: 'admin', username: 'chief' });
  const admin = new Browser(built.app);
  await admin.signIn(adminUser.username, TEST_PASSWORD);
  return { ...built, system, admin, adminUser };
}

/** A browser signed in with a person's one-time password, past the forced password change. */
export async function signInAsNew(app: Browser['app'], username: string, oneTimePassword: string): Promise<Browser> {
  const browser = new Browser(app);
  await browser.signIn(username, oneTimePassword);
  const chosen = 'a brand new passphrase for tests 2026';
  const changed = await browser.post('/account/password', { currentPassword: oneTimePassword, newPassword: chosen, confirmPassword: chosen }, { from: '/account/password' });
  if (changed.statusCode !== 303) throw new Error(`password change failed: ${changed.statusCode}`);
  return browser;
}

export const png = (width = 800, height = 600) =>
  sharp({ create: { width, height, channels: 3, background: { r: 40, g: 120, b: 200 } } })
    .png()
    .toBuffer();

/** A multipart/form-data body: text fields first, then the file (as browsers send a form whose file input is last). */
export async function multipart(fields: Record<string, string>, file?: { field: string; filename: string; type: string; bytes: Buffer }) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  if (file) form.append(file.field, new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.filename);
  const response = new Response(form);
  return { payload: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get('content-type')! };
}

/**
 * Posts a multipart form as `browser` with the CSRF token where `token` says: by default as the
 * body's first field, as the pages' forms send it; in the x-csrf-token header, as htmx sends it; or
 * in the query string, which the server must refuse.
 */
export async function postMultipart(
  browser: Browser,
  url: string,
  from: string,
  fields: Record<string, string>,
  file?: Parameters<typeof multipart>[1],
  options: { token?: 'field' | 'header' | 'query' } = {},
) {
  const where = options.token ?? 'field';
  const token = await browser.csrfToken(from);
  const body = await multipart(where === 'field' ? { _csrf: token, ...fields } : fields, file);
  const response = await browser.app.inject({
    method: 'POST',
    url: where === 'query' ? `${url}${url.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(token)}` : url,
    headers: {
      cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': body.contentType,
      ...(where === 'header' ? { 'x-csrf-token': token } : {}),
    },
    payload: body.payload,
  });
  for (const c of response.cookies as { name: string; value: string }[]) if (c.value) browser.cookies.set(c.name, c.value);
  return response;
}

export function oneTimePasswordIn(body: string): string | undefined {
  return /data-testid="one-time-password">([^<]+)</.exec(body)?.[1];
}

export function usernameIn(body: string): string | undefined {
  return /data-testid="new-username">([^<]+)</.exec(body)?.[1];
}

/** The names in a rendered list, in order. */
export function rowNames(body: string): string[] {
  return [...body.matchAll(/<a class="fw-semibold" href="\/(?:students|lecturers)\/\d+">([^<]+)<\/a>/g)].map((m) =>
    m[1]!
      .replace(/&#39;/g, "'")
      .replace(/&#34;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&amp;/g, '&'),
  );
}
