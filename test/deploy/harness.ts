// Helpers for the deployment suites: find system tools (nginx, openssl, systemd-analyze), render
// deploy/nginx/fms.conf for a throwaway nginx on free high ports, start and stop that nginx, start
// FMS in production mode, and talk HTTPS to nginx like a browser.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createDb, type Db } from '../../src/db/index.js';
import { migrateOrThrow } from '../../src/db/migrator.js';
import { systemClock } from '../../src/lib/clock.js';
import { loggerOptions } from '../../src/logger.js';
import { startServer, type Bind, type RunningServer } from '../../src/server.js';
import { createUser } from '../factories.js';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const inCi = process.env.CI === 'true';

/** The path of a system tool, looking in PATH and the sbin folders root's PATH has. */
export function findTool(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * A missing tool skips the suite with the reason on a developer's machine, and fails it under
 * CI=true, where .ci/run installs it.
 */
export function missingTool(name: string, debianPackage: string): string {
  const message = `${name} is not installed (Debian package ${debianPackage}; .ci/run installs it)`;
  if (inCi) throw new Error(`CI=true requires ${message}`);
  process.stderr.write(`# skipping: ${message}\n`);
  return message;
}

export function tempDir(t: TestContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a program to its end without blocking the event loop (FMS may be serving in this process). */
export function run(command: string, args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, output }));
  });
}

export async function selfSignedCertificate(openssl: string, dir: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, 'fullchain.pem');
  const key = join(dir, 'privkey.pem');
  const result = await run(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', key, '-out', cert]);
  if (result.status !== 0) throw new Error(`openssl failed: ${result.output}`);
  return { cert, key };
}

// ---------------------------------------------------------------------------------------------
// nginx

export interface SiteOptions {
  httpPort: number;
  httpsPort: number;
  /** Upstream servers, e.g. `unix:/tmp/x/fms.sock` or `127.0.0.1:8000`. */
  upstreams: string[];
  cert: string;
  key: string;
  /** The folder holding static/ (the repo's dist). */
  distDir: string;
  webroot: string;
  logDir: string;
}

/**
 * deploy/nginx/fms.conf with this machine's paths and ports. Every substitution must find its
 * target: if the shipped file changes shape, this fails instead of testing something else.
 */
export function renderSite(template: string, site: SiteOptions): string {
  let text = template;
  const replace = (pattern: RegExp, replacement: string | ((...groups: string[]) => string), what: string) => {
    if (!pattern.test(text)) throw new Error(`deploy/nginx/fms.conf no longer contains ${what} (${pattern})`);
    text = text.replace(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`), replacement as string);
  };
  replace(/\/etc\/letsencrypt\/live\/fms\.example\.org\/fullchain\.pem/, site.cert, 'the Let\'s Encrypt certificate path');
  replace(/\/etc\/letsencrypt\/live\/fms\.example\.org\/privkey\.pem/, site.key, 'the Let\'s Encrypt key path');
  replace(/server_name fms\.example\.org;/, 'server_name localhost;', 'server_name fms.example.org');
  replace(/^(\s*)listen 80;$/m, `$1listen 127.0.0.1:${site.httpPort};`, 'listen 80');
  replace(/^\s*listen \[::\]:80;\n/m, '', 'listen [::]:80');
  replace(/^(\s*)listen 443 ssl http2;$/m, `$1listen 127.0.0.1:${site.httpsPort} ssl http2;`, 'listen 443 ssl http2');
  replace(/^\s*listen \[::\]:443 ssl http2;\n/m, '', 'listen [::]:443 ssl http2');
  replace(/^(\s*)server unix:\/run\/fms\/fms\.sock([^;]*);$/m, (_m, indent: string, params: string) => site.upstreams.map((u) => `${indent}server ${u}${params};`).join('\n'), 'the upstream unix:/run/fms/fms.sock');
  replace(/root \/opt\/fms\/dist;/, `root ${site.distDir};`, 'root /opt/fms/dist');
  replace(/root \/var\/www\/html;/, `root ${site.webroot};`, 'root /var/www/html');
  replace(/\/var\/log\/nginx\//, `${site.logDir}/`, '/var/log/nginx/');
  return text;
}

/**
 * The main nginx.conf around the site, with what Debian's /etc/nginx/nginx.conf puts in http {}
 * (gzip on, ssl_protocols, mime types), so the site is checked as it will be included there.
 */
export function mainConf(dir: string, siteFile: string): string {
  // As root, nginx's workers switch to `user` (default nobody), who could neither read a temp
  // folder nor connect to a socket made with the test's umask; stay root. Otherwise `user` is
  // ignored with a warning, so leave it out.
  const user = process.getuid?.() === 0 ? 'user root;' : '';
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi', 'logs']) mkdirSync(join(dir, sub), { recursive: true });
  return `${user}
worker_processes 1;
daemon off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'logs', 'error.log')} info;
events { worker_connections 256; }
http {
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    access_log ${join(dir, 'logs', 'access.log')};
    gzip on;
    client_body_temp_path ${join(dir, 'body')};
    proxy_temp_path ${join(dir, 'proxy')};
    fastcgi_temp_path ${join(dir, 'fastcgi')};
    uwsgi_temp_path ${join(dir, 'uwsgi')};
    scgi_temp_path ${join(dir, 'scgi')};
    include ${siteFile};
}
`;
}

/** nginx's version as [major, minor, patch]. */
export function nginxVersion(nginx: string): [number, number, number] {
  const result = spawnSync(nginx, ['-v'], { encoding: 'utf8' });
  const match = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(`${result.stdout}${result.stderr}`);
  if (!match) throw new Error(`cannot tell nginx's version: ${result.stderr}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

export const versionAtLeast = (version: [number, number, number], wanted: [number, number, number]) => {
  for (let i = 0; i < 3; i++) if (version[i] !== wanted[i]) return version[i]! > wanted[i]!;
  return true;
};

/** `nginx -t` on a site file inside the Debian-like main configuration; returns its output. */
export async function testNginxSite(nginx: string, dir: string, site: string): Promise<{ ok: boolean; output: string }> {
  const siteFile = join(dir, 'site.conf');
  writeFileSync(siteFile, site);
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, mainConf(dir, siteFile));
  const check = await run(nginx, ['-t', '-p', dir, '-c', conf]);
  return { ok: check.status === 0, output: check.output };
}

export interface RunningNginx {
  dir: string;
  conf: string;
  logDir: string;
  httpPort: number;
  httpsPort: number;
  /** nginx -t's output. */
  testOutput: string;
  stop(): Promise<void>;
}

export interface NginxOptions {
  upstreams: string[];
  /** Defaults to deploy/nginx/fms.conf. */
  template?: string;
  openssl: string;
}

/** Renders the site into a temp folder, checks it with `nginx -t`, and starts nginx in the foreground. */
export async function startNginx(t: TestContext, nginx: string, options: NginxOptions): Promise<RunningNginx> {
  const dir = tempDir(t, 'fms-nginx-');
  const { cert, key } = await selfSignedCertificate(options.openssl, dir);
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const webroot = join(dir, 'acme');
  const logDir = join(dir, 'logs');
  mkdirSync(join(webroot, '.well-known', 'acme-challenge'), { recursive: true });
  const template = options.template ?? readFileSync(join(repoRoot, 'deploy', 'nginx', 'fms.conf'), 'utf8');
  const site = renderSite(template, { httpPort, httpsPort, upstreams: options.upstreams, cert, key, distDir: join(repoRoot, 'dist'), webroot, logDir });
  const siteFile = join(dir, 'fms.conf');
  writeFileSync(siteFile, site);
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, mainConf(dir, siteFile));

  const check = await run(nginx, ['-t', '-p', dir, '-c', conf]);
  const testOutput = check.output;
  if (check.status !== 0) throw new Error(`nginx -t failed on the rendered deploy/nginx/fms.conf:\n${testOutput}\n--- site ---\n${site}`);

  const child = spawn(nginx, ['-p', dir, '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = once(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await run(nginx, ['-p', dir, '-c', conf, '-s', 'quit']);
    if (!(await within(exited, 5_000))) {
      // A graceful stop that hangs: the fast shutdown (master and its workers), then the master alone.
      child.kill('SIGTERM');
      if (!(await within(exited, 5_000))) child.kill('SIGKILL');
    }
  });
  t.after(stop);
  await waitForPort(httpsPort, child, () => output);
  return { dir, conf, logDir, httpPort, httpsPort, testOutput, stop };
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | null = null;
  return () => (result ??= fn());
}

async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = await Promise.race([promise.then(() => true), timeout]);
  clearTimeout(timer);
  return done;
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = netConnect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen on ${port} within 10 s:\n${output()}`);
}

// ---------------------------------------------------------------------------------------------
// FMS in production mode

export const adminUsername = 'head';

export interface ProductionApp {
  server: RunningServer;
  config: Config;
  /** JSON log lines the app wrote. */
  logLines: string[];
  /** Every HTTP request that reached this FMS process, as "METHOD /path". */
  requests: string[];
}

export function productionConfig(env: Record<string, string>): Config {
  return loadConfig(
    {
      FMS_CONFIG: 'production',
      SECRET_KEY: env.SECRET_KEY ?? randomBytes(32).toString('hex'),
      DEMO_DEPARTMENT: 'false',
      LOG_LEVEL: 'info',
      ...env,
    },
    { dotenvDir: false },
  );
}

/**
 * Migrates the database and creates the first administrator, as an operator would with
 * `fms migrate` and `fms user create`. Pass `db` to use an already open database (a test schema).
 */
export async function prepareDatabase(config: Config, admin: { username: string; password: string }, db?: Db): Promise<void> {
  const database = db ?? createDb(config.database);
  try {
    await migrateOrThrow(database);
    const quiet = { info() {}, warn() {}, error() {}, debug() {} };
    await database.transaction().execute((trx) =>
      createUser({ db: trx, actor: null, clock: systemClock, config, log: quiet }, { role: 'admin', username: admin.username, password: admin.password }),
    );
  } finally {
    if (!db) await database.destroy();
  }
}

export async function startProductionApp(t: TestContext, config: Config, bind: Bind): Promise<ProductionApp> {
  const logLines: string[] = [];
  const loggerInstance = pino(loggerOptions({ logLevel: config.logLevel }), { write: (line: string) => void logLines.push(line) });
  const server = await startServer(config, { bind, say: () => {}, loggerInstance });
  t.after(() => server.close());
  const requests: string[] = [];
  server.app.server.on('request', (request: { method?: string; url?: string }) => requests.push(`${request.method} ${request.url}`));
  return { server, config, logLines, requests };
}

/** The request lines the app logged, parsed. */
export function requestLog(app: ProductionApp): { url: string; status: number; ip?: string; method: string }[] {
  return app.logLines.map((l) => JSON.parse(l) as { msg: string; url: string; status: number; ip?: string; method: string }).filter((l) => l.msg === 'request');
}

// ---------------------------------------------------------------------------------------------
// A small HTTPS client with a cookie jar

export interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The client's source address (any 127.x.y.z on Linux), to tell clients apart on one machine. */
  localAddress?: string;
}

export function httpsFetch(port: number, path: string, options: RequestOptions = {}): Promise<Response> {
  return send(httpsRequest, { port, path, rejectUnauthorized: false, servername: 'localhost' }, options);
}

export function httpFetch(target: { port: number } | { socketPath: string }, path: string, options: RequestOptions = {}): Promise<Response> {
  return send(httpRequest, { ...target, path }, options);
}

function send(
  requestFn: typeof httpRequest | typeof httpsRequest,
  base: Record<string, unknown>,
  options: RequestOptions,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { host: 'localhost', ...options.headers };
    if (options.body !== undefined) headers['content-length'] = Buffer.byteLength(options.body);
    const request = (requestFn as typeof httpRequest)(
      {
        host: '127.0.0.1',
        ...base,
        method: options.method ?? 'GET',
        headers,
        agent: false,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body, text: body.toString('utf8') });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.setTimeout(15_000, () => request.destroy(new Error(`no answer to ${options.method ?? 'GET'} ${String(base.path)} within 15 s`)));
    request.end(options.body);
  });
}

/** A browser's cookies, kept between requests. */
export class CookieJar {
  readonly cookies = new Map<string, { value: string; attributes: string }>();

  keep(response: Response): void {
    const setCookie = response.headers['set-cookie'] ?? [];
    for (const line of setCookie) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = /max-age=0\b/i.test(line) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, { value, attributes: attributes.join(';') });
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v.value}`).join('; ');
  }
}

export function csrfTokenOf(page: Response): string {
  const match = /<meta name="csrf-token" content="([^"]*)"/.exec(page.text);
  if (!match) throw new Error(`no CSRF token in the page (status ${page.status})`);
  return match[1]!;
}

export const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** Signs in through HTTPS like a browser: GET /login for the token and cookie, POST /login. */
export async function signIn(
  port: number,
  jar: CookieJar,
  credentials: { username: string; password: string },
  options: { localAddress?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const page = await httpsFetch(port, '/login', { headers: { cookie: jar.header(), ...options.headers }, localAddress: options.localAddress });
  jar.keep(page);
  if (page.status !== 200) throw new Error(`GET /login answered ${page.status}`);
  const response = await httpsFetch(port, '/login', {
    method: 'POST',
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    body: form({ username: credentials.username, password: credentials.password, _csrf: csrfTokenOf(page) }),
    localAddress: options.localAddress,
  });
  jar.keep(response);
  return response;
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
