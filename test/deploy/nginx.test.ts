// deploy/nginx/fms.conf in front of a production FMS on a unix socket, as deploy/systemd/fms.service
// runs it: real nginx (Debian's package) with a self-signed certificate on free high ports. nginx -t
// passes; HTTP goes to HTTPS except the ACME challenge; static files come from nginx with long
// caching and never reach FMS; sign-in over HTTPS gets a Secure cookie; FMS records the address
// nginx saw, whatever the client claims in X-Forwarded-For; every request, static ones included, is
// in nginx's access log; with FMS stopped (a restart, an upgrade) or too slow, users get the build's
// "back in a moment" page, and API clients JSON, as 503 with Retry-After, never nginx's own
// "502 Bad Gateway".
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { gunzipSync } from 'node:zlib';
import {
  adminUsername,
  CookieJar,
  csrfTokenOf,
  findTool,
  form,
  httpFetch,
  httpsFetch,
  missingTool,
  prepareDatabase,
  productionConfig,
  readJson,
  repoRoot,
  requestLog,
  signIn,
  startNginx,
  startProductionApp,
  tempDir,
  type Response,
  type RunningNginx,
} from './harness.js';

const nginx = findTool('nginx');
const openssl = findTool('openssl');
const skip = !nginx ? missingTool('nginx', 'nginx') : !openssl ? missingTool('openssl', 'openssl') : false;

const unavailablePage = () => readFileSync(join(repoRoot, 'dist', 'static', 'unavailable.html'), 'utf8');

/** nginx's access log for the site (fms.conf's `access_log …/fms.access.log fms_access`). */
const accessLog = (proxy: RunningNginx) => readFileSync(join(proxy.logDir, 'fms.access.log'), 'utf8').split('\n').filter(Boolean);

/** The access log's lines that `pick`, once there are `count` of them: nginx logs a request after answering it. */
async function loggedLines(proxy: RunningNginx, pick: (line: string) => boolean, count = 1): Promise<string[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const lines = accessLog(proxy).filter(pick);
    if (lines.length >= count || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The "back in a moment" page as nginx sends it: 503, Retry-After, never stored, nothing of nginx's own error page. */
function assertUnavailablePage(response: Response, what: string): void {
  assert.equal(response.status, 503, `${what}: ${response.status} ${response.text.slice(0, 200)}`);
  assert.match(String(response.headers['content-type']), /^text\/html/, what);
  assert.equal(response.text, unavailablePage(), `${what}: the build's unavailable.html`);
  assert.doesNotMatch(response.text, /Bad Gateway|Gateway Time-out|<center>nginx/i, what);
  assert.equal(response.headers['retry-after'], '10', what);
  assert.equal(response.headers['cache-control'], 'no-store', what);
  assert.match(String(response.headers['content-security-policy']), /default-src 'none'/, what);
  assert.equal(response.headers['x-content-type-options'], 'nosniff', what);
}

function assertUnavailableJson(response: Response, what: string): void {
  assert.equal(response.status, 503, `${what}: ${response.status} ${response.text.slice(0, 200)}`);
  assert.match(String(response.headers['content-type']), /^application\/json/, what);
  const body = JSON.parse(response.text) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'unavailable', what);
  assert.match(body.error.message, /restarting or being upgraded/, what);
  assert.equal(response.headers['retry-after'], '10', what);
  assert.equal(response.headers['cache-control'], 'no-store', what);
}

test('nginx (deploy/nginx/fms.conf) in front of FMS on a unix socket', { skip, timeout: 60_000 }, async (t) => {
  const dir = tempDir(t, 'fms-nginx-app-');
  const socket = join(dir, 'fms.sock');
  const config = productionConfig({
    DATABASE_URL: `sqlite:${join(dir, 'fms.sqlite')}`,
    UPLOAD_FOLDER: join(dir, 'uploads'),
    // As in /etc/fms/fms.env: the peer on the unix socket is nginx (only the fms group may open
    // the socket), so FMS believes its X-Forwarded-For.
    TRUST_PROXY: 'unix',
  });
  const admin = { username: adminUsername, password: `nginx-suite-${randomBytes(9).toString('hex')}` };
  await prepareDatabase(config, admin);
  const app = await startProductionApp(t, config, { socket });
  const proxy = await startNginx(t, nginx!, { upstreams: [`unix:${socket}`], openssl: openssl! });
  const db = app.server.app.deps.db;
  const manifest = readJson<Record<string, string>>(join(repoRoot, 'dist', 'static', 'manifest.json'));

  await t.test('nginx -t accepts the configuration, included as Debian includes sites', () => {
    assert.match(proxy.testOutput, /syntax is ok/);
    assert.match(proxy.testOutput, /test is successful/);
  });

  await t.test('plain HTTP redirects to HTTPS, except the ACME challenge', async () => {
    const redirect = await httpFetch({ port: proxy.httpPort }, '/login?next=/dashboard');
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.location, 'https://localhost/login?next=/dashboard');

    writeFileSync(join(proxy.dir, 'acme', '.well-known', 'acme-challenge', 'token-123'), 'token-123.thumbprint');
    const challenge = await httpFetch({ port: proxy.httpPort }, '/.well-known/acme-challenge/token-123');
    assert.equal(challenge.status, 200);
    assert.equal(challenge.text, 'token-123.thumbprint');
  });

  await t.test('HTTPS negotiates HTTP/2 and TLS 1.3', async () => {
    const { alpn, protocol } = await new Promise<{ alpn: string | false; protocol: string | null }>((resolve, reject) => {
      const socket = tlsConnect(
        { host: '127.0.0.1', port: proxy.httpsPort, servername: 'localhost', ALPNProtocols: ['h2', 'http/1.1'], rejectUnauthorized: false },
        () => {
          resolve({ alpn: socket.alpnProtocol ?? false, protocol: socket.getProtocol() });
          socket.destroy();
        },
      );
      socket.once('error', reject);
    });
    assert.equal(alpn, 'h2');
    assert.equal(protocol, 'TLSv1.3');
  });

  await t.test('static files come from nginx, cached for a year when hashed, compressed, never reaching FMS', async () => {
    const before = app.requests.length;
    const hashed = manifest['app.css']!;
    const css = await httpsFetch(proxy.httpsPort, `/static/${hashed}`);
    assert.equal(css.status, 200);
    assert.equal(css.headers.server, 'nginx', 'server_tokens off: no version');
    assert.equal(css.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(css.headers['x-content-type-options'], 'nosniff');
    assert.match(String(css.headers['strict-transport-security']), /max-age=31536000/);
    assert.match(String(css.headers['content-type']), /^text\/css/);
    assert.equal(css.headers['content-security-policy'], undefined, 'FMS sets a CSP on everything it serves; nginx does not');
    assert.ok(css.body.equals(readFileSync(join(repoRoot, 'dist', 'static', hashed))));

    const big = manifest['bootstrap.css']!;
    const gzipped = await httpsFetch(proxy.httpsPort, `/static/${big}`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gzipped.status, 200);
    assert.equal(gzipped.headers['content-encoding'], 'gzip');
    assert.match(String(gzipped.headers.vary), /Accept-Encoding/i);
    assert.ok(gunzipSync(gzipped.body).equals(readFileSync(join(repoRoot, 'dist', 'static', big))));

    const unhashed = await httpsFetch(proxy.httpsPort, '/static/manifest.json');
    assert.equal(unhashed.status, 200);
    assert.equal(unhashed.headers['cache-control'], 'public, max-age=300', 'a name without a hash may change: short caching');

    // The landing page's assets, hashed by Vite, are immutable too.
    const landingAssets = join(repoRoot, 'dist', 'static', 'landing', 'assets');
    for (const name of existsSync(landingAssets) ? readdirSync(landingAssets) : []) {
      const asset = await httpsFetch(proxy.httpsPort, `/static/landing/assets/${name}`);
      assert.equal(asset.status, 200, name);
      assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable', name);
    }

    const missing = await httpsFetch(proxy.httpsPort, `/static/${hashed.replace(/\.css$/, '.missing.css')}`);
    assert.equal(missing.status, 404);

    assert.equal(app.requests.length, before, `FMS saw static requests: ${app.requests.slice(before).join(', ')}`);
    assert.ok(!requestLog(app).some((line) => line.url.startsWith('/static/')), 'FMS logged a static file request');

    // The same header tells FMS's own answers apart: the check above can fail.
    const page = await httpsFetch(proxy.httpsPort, '/login');
    assert.equal(page.status, 200);
    assert.ok(page.headers['content-security-policy'], 'pages come from FMS');
    assert.ok(app.requests.length > before);
  });

  const jar = new CookieJar();
  await t.test('sign-in over HTTPS gets a Secure __Host- session cookie that works', async () => {
    const response = await signIn(proxy.httpsPort, jar, admin);
    assert.equal(response.status, 303, response.text.slice(0, 300));
    assert.equal(response.headers.location, '/dashboard');
    const session = jar.cookies.get('__Host-fms_session');
    assert.ok(session, `no __Host-fms_session cookie; got ${[...jar.cookies.keys()].join(', ')}`);
    assert.match(session.attributes, /;\s*Secure/i);
    assert.match(session.attributes, /;\s*HttpOnly/i);
    assert.match(session.attributes, /;\s*Path=\//i);
    assert.equal(jar.cookies.get('__Host-fms_csrf'), undefined, 'the CSRF secret of the sign-in page is retired at sign-in');

    const dashboard = await httpsFetch(proxy.httpsPort, '/dashboard', { headers: { cookie: jar.header() } });
    assert.equal(dashboard.status, 200);
    jar.keep(dashboard);
    const csrf = jar.cookies.get('__Host-fms_csrf');
    assert.ok(csrf, 'the first page after sign-in sets a new CSRF secret, with the __Host- prefix');
    assert.match(csrf.attributes, /;\s*Secure/i);
    assert.match(String(dashboard.headers['strict-transport-security']), /max-age=31536000/);
    assert.match(dashboard.text, new RegExp(adminUsername));
  });

  await t.test('FMS records the address nginx saw, not the socket or nginx', async () => {
    const signInAudit = await db
      .selectFrom('auditLog')
      .select(['ip'])
      .where('action', '=', 'auth.sign_in')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(signInAudit.ip, '127.0.0.1', 'the audit trail of the sign-in');
    const posted = requestLog(app).filter((l) => l.method === 'POST' && l.url === '/login');
    assert.ok(posted.length >= 1);
    assert.equal(posted.at(-1)!.ip, '127.0.0.1', 'the request log line');
  });

  await t.test('a client cannot choose the address FMS records with X-Forwarded-For', async () => {
    // Another client on this machine: 127.0.0.2. It claims to be someone else in every header a
    // proxy might read; FMS must still record 127.0.0.2, the address nginx saw.
    const spoof = { 'x-forwarded-for': '203.0.113.7', 'x-real-ip': '203.0.113.8', forwarded: 'for=203.0.113.9' };
    const other = new CookieJar();
    const page = await httpsFetch(proxy.httpsPort, '/login', { localAddress: '127.0.0.2', headers: spoof });
    other.keep(page);
    const response = await httpsFetch(proxy.httpsPort, '/login', {
      method: 'POST',
      localAddress: '127.0.0.2',
      headers: { ...spoof, cookie: other.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ username: adminUsername, password: 'not-the-password-at-all', _csrf: csrfTokenOf(page) }),
    });
    assert.equal(response.status, 401);
    const failure = await db
      .selectFrom('auditLog')
      .select(['ip'])
      .where('action', '=', 'auth.sign_in_failed')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(failure.ip, '127.0.0.2');
    const logged = requestLog(app).filter((l) => l.method === 'POST' && l.url === '/login').at(-1)!;
    assert.equal(logged.ip, '127.0.0.2');
  });

  await t.test('a body over client_max_body_size (16m, as MAX_CONTENT_LENGTH) is refused by nginx', async () => {
    assert.equal(config.maxContentLength, 16 * 1024 * 1024, 'the default the nginx limit mirrors');
    const before = app.requests.length;
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpsRequest(
        {
          host: '127.0.0.1',
          port: proxy.httpsPort,
          servername: 'localhost',
          rejectUnauthorized: false,
          agent: false,
          method: 'POST',
          path: '/login',
          headers: { host: 'localhost', 'content-type': 'application/octet-stream', 'content-length': config.maxContentLength + 1 },
        },
        (response) => {
          resolve(response.statusCode ?? 0);
          request.destroy();
        },
      );
      request.on('error', reject);
      request.flushHeaders();
    });
    assert.equal(status, 413);
    assert.equal(app.requests.length, before, 'FMS never saw the oversized request');
  });

  await t.test('static requests are in nginx\'s access log like every other request', async () => {
    const hashed = manifest['app.css']!;
    assert.equal((await httpsFetch(proxy.httpsPort, `/static/${hashed}`, { headers: { 'user-agent': 'static-log-check' } })).status, 200);
    assert.equal((await httpsFetch(proxy.httpsPort, '/static/app.000000000000.css', { headers: { 'user-agent': 'static-log-check' } })).status, 404);
    const lines = await loggedLines(proxy, (line) => line.includes('"static-log-check"'), 2);
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.match(lines[0]!, new RegExp(`"GET /static/${hashed.replaceAll('.', '\\.')} HTTP/[\\d.]+" 200 `));
    assert.match(lines[1]!, /"GET \/static\/app\.000000000000\.css HTTP\/[\d.]+" 404 /, 'a page without its styles shows as a 404 here');
  });

  await t.test('the access log leaves out query strings, where multipart forms carry their CSRF token', async () => {
    await httpsFetch(proxy.httpsPort, '/login?_csrf=secret-token-in-the-address&next=/dashboard', { headers: { 'user-agent': 'query-log-check' } });
    const [line] = await loggedLines(proxy, (l) => l.includes('"query-log-check"'));
    assert.ok(line);
    assert.match(line, /"GET \/login HTTP\/1\.1" 200 /);
    assert.doesNotMatch(line, /secret-token|_csrf/);
  });

  await t.test("the access log leaves out a calendar feed's secret address", async () => {
    await httpsFetch(proxy.httpsPort, '/calendar/0123456789abcdefghijklmnopqrstuvwxyzABCDEFG.ics', { headers: { 'user-agent': 'feed-log-check' } });
    const [line] = await loggedLines(proxy, (l) => l.includes('"feed-log-check"'));
    assert.ok(line);
    assert.match(line, /"GET \/calendar\/\[secret\]\.ics HTTP\/1\.1" 404 /);
    assert.doesNotMatch(line, /0123456789abcdef/);
  });

  await t.test('the "back in a moment" page is nginx\'s error page only, not a file anyone may fetch', async () => {
    for (const name of ['unavailable.html', 'unavailable.json']) {
      assert.ok(existsSync(join(repoRoot, 'dist', 'static', name)), `npm run build writes dist/static/${name}`);
      assert.equal((await httpsFetch(proxy.httpsPort, `/static/${name}`)).status, 404, name);
    }
  });

  // FMS stops, as in a restart or an upgrade: its socket is gone.
  await app.server.close();
  assert.ok(!existsSync(socket), 'the stopped FMS removed its socket');

  await t.test('with FMS stopped, pages get "back in a moment" as 503 with Retry-After, never nginx\'s 502', async () => {
    assertUnavailablePage(await httpsFetch(proxy.httpsPort, '/dashboard'), 'GET /dashboard');
    assertUnavailablePage(await httpsFetch(proxy.httpsPort, '/'), 'GET /');
    assertUnavailablePage(await httpsFetch(proxy.httpsPort, '/login', { headers: { accept: 'text/html,application/xhtml+xml,application/json;q=0.9' } }), 'a browser that also accepts JSON');
    assertUnavailablePage(await httpsFetch(proxy.httpsPort, '/students', { headers: { 'hx-request': 'true', accept: 'application/json' } }), 'an htmx request');
    // A form posted meanwhile gets the page too (nginx turns the POST into a GET of the page).
    const posted = await httpsFetch(proxy.httpsPort, '/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ username: adminUsername, password: 'x', _csrf: 'y' }),
    });
    assertUnavailablePage(posted, 'POST /login');
    // The log shows the request the client made (not the error page nginx turned it into), and the
    // cause: status 503, upstream 502.
    const [post] = await loggedLines(proxy, (line) => line.includes('"POST /login HTTP/1.1" 503 '));
    assert.match(post ?? '', / upstream_status=502 /);
    const log = accessLog(proxy);
    assert.match(log.findLast((line) => line.includes('"GET /dashboard '))!, /"GET \/dashboard HTTP\/1\.1" 503 .* upstream_status=502 /);
    assert.ok(!log.some((line) => line.includes('/static/unavailable.html HTTP/1.1" 503 ')), 'no line names the error page instead of the request');
  });

  await t.test('with FMS stopped, the API, the probes and clients asking for JSON get JSON', async () => {
    assertUnavailableJson(await httpsFetch(proxy.httpsPort, '/api/v1/students', { headers: { authorization: 'Bearer x' } }), 'GET /api/v1/students');
    assertUnavailableJson(
      await httpsFetch(proxy.httpsPort, '/api/v1/news', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
      'POST /api/v1/news',
    );
    assertUnavailableJson(await httpsFetch(proxy.httpsPort, '/readyz'), 'GET /readyz');
    assertUnavailableJson(await httpsFetch(proxy.httpsPort, '/dashboard', { headers: { accept: 'application/json' } }), 'Accept: application/json');
  });

  await proxy.stop();
});

test('nginx shows "back in a moment" when FMS does not answer in time (504)', { skip, timeout: 60_000 }, async (t) => {
  // A hung FMS: it accepts the connection and never answers. proxy_read_timeout is shortened from
  // 125 s so that the test does not wait two minutes; everything else is the shipped file.
  const dir = tempDir(t, 'fms-nginx-hung-');
  const socket = join(dir, 'fms.sock');
  const held: Socket[] = [];
  const hung = createServer((connection) => void held.push(connection));
  await new Promise<void>((resolve) => hung.listen(socket, resolve));
  t.after(() => {
    for (const connection of held) connection.destroy();
    hung.close();
  });
  const shipped = readFileSync(join(repoRoot, 'deploy', 'nginx', 'fms.conf'), 'utf8');
  assert.match(shipped, /proxy_read_timeout 125s;/);
  const proxy = await startNginx(t, nginx!, { upstreams: [`unix:${socket}`], openssl: openssl!, template: shipped.replace('proxy_read_timeout 125s;', 'proxy_read_timeout 1s;') });

  assertUnavailablePage(await httpsFetch(proxy.httpsPort, '/dashboard'), 'GET /dashboard');
  assertUnavailableJson(await httpsFetch(proxy.httpsPort, '/api/v1/students'), 'GET /api/v1/students');
  assert.ok(held.length >= 2, 'the requests reached the hung server');
  const [logged] = await loggedLines(proxy, (line) => line.includes('"GET /dashboard '));
  assert.match(logged ?? '', /"GET \/dashboard HTTP\/1\.1" 503 .* upstream_status=504 /);
  await proxy.stop();
});
