// deploy/nginx/fms.conf in front of a production FMS on a unix socket, as deploy/systemd/fms.service
// runs it: real nginx (Debian's package) with a self-signed certificate on free high ports. nginx -t
// passes; HTTP goes to HTTPS except the ACME challenge; static files come from nginx with long
// caching and never reach FMS; sign-in over HTTPS gets a Secure cookie; FMS records the address
// nginx saw, whatever the client claims in X-Forwarded-For.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
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
} from './harness.js';

const nginx = findTool('nginx');
const openssl = findTool('openssl');
const skip = !nginx ? missingTool('nginx', 'nginx') : !openssl ? missingTool('openssl', 'openssl') : false;

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

  await proxy.stop();
  await app.server.close();
});
