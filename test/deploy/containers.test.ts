// Containers and PaaS, checked as far as a machine without a Docker engine allows:
// - the Dockerfile builds with the commands CI runs, on CI's Node major; its build is replayed here
//   (the build context as .dockerignore leaves it, `npm run build`), its runtime stage assembled
//   from its own COPY lines with only production packages, and started through the entrypoint
//   with the image's ENV and CMD: it serves in production, its HEALTHCHECK passes, SIGTERM exits 0;
// - the Procfile's release and web commands run as a platform runs them, honouring $PORT;
// - compose.yaml parses, references only services, volumes, secrets and build targets that exist,
//   and gives the app an environment that FMS accepts as a production configuration;
// - deploy/nginx/fms.compose.conf is the same site as fms.conf and passes `nginx -t`;
// - .github/dependabot.yml watches npm, GitHub Actions and the images weekly.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test, type TestContext } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config/index.js';
import { parseSize } from '../../src/config/parse.js';
import { envSchema, secretVariables } from '../../src/config/schema.js';
import {
  findTool,
  freePort,
  inCi,
  missingTool,
  nginxVersion,
  repoRoot,
  selfSignedCertificate,
  tempDir,
  testNginxSite,
  versionAtLeast,
} from './harness.js';

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

// ---------------------------------------------------------------------------------------------
// A small Dockerfile reader: stages and their instructions, continuation lines joined.

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name: string | null;
  instructions: Instruction[];
}

function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.replace(/\\\r?\n/g, ' ').split('\n');
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [, op, args] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    assert.ok(op && args !== undefined, `cannot read Dockerfile line: ${line}`);
    if (op.toUpperCase() === 'FROM') {
      const [, image, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args.trim()) ?? [];
      assert.ok(image, `cannot read FROM ${args}`);
      stages.push({ from: image, name: name ?? null, instructions: [] });
      continue;
    }
    assert.ok(stages.length, 'instruction before FROM');
    stages.at(-1)!.instructions.push({ op: op.toUpperCase(), args: args.replace(/\s+/g, ' ').trim() });
  }
  return stages;
}

const stageNamed = (stages: Stage[], name: string) => {
  const stage = stages.find((s) => s.name === name);
  assert.ok(stage, `the Dockerfile has no stage "${name}"`);
  return stage;
};
const all = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op).map((i) => i.args);
const last = (stage: Stage, op: string) => {
  const found = all(stage, op).at(-1);
  assert.ok(found !== undefined, `no ${op} in stage ${stage.name}`);
  return found;
};

/** ENV KEY=value pairs (the form the Dockerfile uses; values without spaces). */
function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const args of all(stage, 'ENV')) {
    for (const pair of args.split(' ')) {
      const eq = pair.indexOf('=');
      assert.ok(eq > 0, `ENV ${args}: use KEY=value`);
      env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return env;
}

/** The JSON array of an exec-form instruction (`CMD ["serve"]`, `HEALTHCHECK … CMD [...]`). */
function execForm(args: string): string[] {
  const json = args.slice(args.indexOf('['));
  const parsed = JSON.parse(json) as unknown;
  assert.ok(Array.isArray(parsed) && parsed.every((a) => typeof a === 'string'), `not exec form: ${args}`);
  return parsed as string[];
}

// ---------------------------------------------------------------------------------------------
// .dockerignore, as Docker reads it: later rules win, `!` re-includes, a matched folder takes
// everything inside with it, `*` stays within one path segment and `**` crosses them.

function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      const pattern = (negate ? line.slice(1) : line).replace(/^\/+/, '').replace(/\/+$/, '');
      let source = '';
      for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i]!;
        if (c === '*' && pattern[i + 1] === '*') {
          source += '.*';
          i++;
          if (pattern[i + 1] === '/') i++;
        } else if (c === '*') source += '[^/]*';
        else if (c === '?') source += '[^/]';
        else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
      return { negate, regex: new RegExp(`^${source}$`) };
    });
  return (path: string) => {
    const parts = path.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) if (prefixes.some((p) => rule.regex.test(p))) excluded = !rule.negate;
    return excluded;
  };
}

/** Copies the build context (the repository less what .dockerignore excludes) into `to`. */
function copyContext(to: string): string[] {
  const excluded = dockerignore(read('.dockerignore'));
  const copied: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(repoRoot, dir), { withFileTypes: true })) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (excluded(path)) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        mkdirSync(join(to, dir), { recursive: true });
        cpSync(join(repoRoot, path), join(to, path));
        copied.push(path);
      }
    }
  };
  walk('');
  return copied;
}

/**
 * node_modules as `npm prune --omit=dev` leaves it, as far as the app's own imports can tell: a
 * link to each production package at the top level (package-lock.json marks dev-only ones).
 */
function productionNodeModules(to: string): void {
  const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { dev?: boolean }> };
  mkdirSync(to, { recursive: true });
  for (const [key, info] of Object.entries(lock.packages)) {
    if (!key.startsWith('node_modules/') || key.slice('node_modules/'.length).includes('node_modules/') || info.dev) continue;
    const source = join(repoRoot, key);
    if (!existsSync(source)) continue; // an optional package for another platform
    const target = join(to, key.slice('node_modules/'.length));
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(source, target, 'dir');
  }
}

// ---------------------------------------------------------------------------------------------
// Running a server process and waiting for it.

interface Process {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startProcess(t: TestContext, command: string, args: string[], options: { cwd: string; env: Record<string, string>; group?: boolean }): Process {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: options.group ?? false });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      signal(child, 'SIGKILL', options.group ?? false);
      await exited;
    }
  });
  return { child, output: () => output, exited };
}

function signal(child: ChildProcess, name: NodeJS.Signals, group: boolean): void {
  try {
    if (group) process.kill(-child.pid!, name);
    else child.kill(name);
  } catch {
    // already gone
  }
}

async function waitForHealth(port: number, proc: Process): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) assert.fail(`the server exited with ${proc.child.exitCode}:\n${proc.output()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`no /healthz on ${port} within 30 s:\n${proc.output()}`);
}

async function stopAndExpectZero(proc: Process, group: boolean): Promise<void> {
  signal(proc.child, 'SIGTERM', group);
  const code = await Promise.race([proc.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000))]);
  assert.equal(code, 0, `SIGTERM: expected exit 0, got ${code}\n${proc.output()}`);
}

/** A minimal environment, as a container or a platform starts with: nothing from this test run. */
const baseEnv = () => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', LANG: 'C.UTF-8' });

// ---------------------------------------------------------------------------------------------

const stages = parseDockerfile(read('Dockerfile'));
const build = stageNamed(stages, 'build');
const runtime = stageNamed(stages, 'runtime');

test('the Dockerfile builds with the commands CI runs, on the Node major CI runs', () => {
  assert.equal(stages.at(-1)!.name, 'runtime', '`docker build .` builds the last stage: the app');
  const ciRun = read('.ci/run');
  // CI runs the suite on the machine's Node 20 and on a pinned Node 24, the image's.
  const ciNodeMajor = /^NODE24_VERSION=(\d+)\./m.exec(ciRun)?.[1];
  assert.ok(ciNodeMajor, '.ci/run pins the Node of its second run in NODE24_VERSION');
  for (const stage of [build, runtime]) assert.equal(stage.from, `node:${ciNodeMajor}-bookworm-slim`, `stage ${stage.name} on CI's Node ${ciNodeMajor}`);
  const runs = all(build, 'RUN');
  assert.ok(runs.some((r) => /^npm ci\b/.test(r)), 'the build installs with npm ci');
  assert.match(ciRun, /^npm ci\b/m, 'CI installs with npm ci too');
  assert.ok(runs.includes('npm run build'), 'the build runs npm run build (replayed by the next test)');
  assert.ok(runs.some((r) => /^npm prune --omit=dev\b/.test(r)), 'dev dependencies stay out of the image');
  const packageJson = JSON.parse(read('package.json')) as { scripts: Record<string, string>; engines: { node: string } };
  assert.ok(packageJson.scripts.build);
  // 20.19 loads ES-module-only dependencies with require() (cookie, content-disposition) and runs Vite 8.
  assert.equal(packageJson.engines.node, '^20.19.0 || >=22.13.0');
  // npm ci needs the lock file, copied before the sources so the install layer is cached.
  const order = build.instructions.map((i) => `${i.op} ${i.args}`);
  const copyManifests = order.indexOf('COPY package.json package-lock.json ./');
  assert.ok(copyManifests >= 0 && copyManifests < order.findIndex((l) => l.startsWith('RUN npm ci')));
  assert.ok(existsSync(join(repoRoot, 'package-lock.json')));
});

test('the runtime stage: non-root, data volume, production defaults FMS knows, health check on /healthz', () => {
  assert.equal(last(runtime, 'USER'), 'fms');
  assert.equal(last(runtime, 'VOLUME'), '/var/lib/fms');
  const env = envOf(runtime);
  assert.deepEqual(
    { FMS_CONFIG: env.FMS_CONFIG, DATABASE_URL: env.DATABASE_URL, UPLOAD_FOLDER: env.UPLOAD_FOLDER, PORT: env.PORT, HOST: env.HOST },
    { FMS_CONFIG: 'production', DATABASE_URL: 'sqlite:/var/lib/fms/fms.sqlite', UPLOAD_FOLDER: '/var/lib/fms/uploads', PORT: '8000', HOST: '0.0.0.0' },
  );
  for (const name of Object.keys(env)) assert.ok(name in envSchema.properties, `ENV ${name} is not a variable FMS reads`);
  assert.equal(last(runtime, 'EXPOSE'), env.PORT);
  assert.ok(env.UPLOAD_FOLDER!.startsWith('/var/lib/fms/') && env.DATABASE_URL!.includes('/var/lib/fms/'), 'data and uploads on the volume');

  const healthcheck = last(runtime, 'HEALTHCHECK');
  const probe = execForm(healthcheck.slice(healthcheck.indexOf(' CMD ') + 5));
  assert.equal(probe[0], 'node', 'the slim image has no curl');
  assert.match(probe.join(' '), /\/healthz'/);
  const entrypoint = execForm(last(runtime, 'ENTRYPOINT'));
  assert.deepEqual(entrypoint, ['/opt/fms/deploy/docker-entrypoint.sh']);
  const cmd = execForm(last(runtime, 'CMD'));
  assert.equal(cmd[0], 'serve');
  const help = spawnSync(process.execPath, [join(repoRoot, 'bin', 'fms.js'), '--help'], { cwd: repoRoot, encoding: 'utf8' });
  assert.match(help.stdout, /^\s+serve\b/m, 'the CMD is an fms command');
});

test('deploy/docker-entrypoint.sh: executable, valid sh, fms commands and programs alike', (t) => {
  const path = join(repoRoot, 'deploy', 'docker-entrypoint.sh');
  assert.ok(statSync(path).mode & 0o111, 'not executable: chmod +x deploy/docker-entrypoint.sh');
  const syntax = spawnSync('sh', ['-n', path], { encoding: 'utf8' });
  assert.equal(syntax.status, 0, syntax.stderr);
  assert.match(readFileSync(path, 'utf8'), /^#!\/bin\/sh\n/);
  assert.match(readFileSync(path, 'utf8'), /^exec "\$@"$/m, 'exec: node becomes PID 1 and gets SIGTERM');
  const program = spawnSync(path, ['sh', '-c', 'echo passed through'], { encoding: 'utf8', env: baseEnv() });
  assert.equal(program.stdout, 'passed through\n');
  const version = spawnSync(path, ['--version'], { encoding: 'utf8', env: baseEnv() });
  assert.equal(version.status, 0, version.stderr);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/, 'options go to fms');
  const dir = tempDir(t, 'fms-entrypoint-');
  const migrated = spawnSync(path, ['migrate'], { encoding: 'utf8', env: { ...baseEnv(), DATABASE_URL: `sqlite:${join(dir, 'fms.sqlite')}`, FMS_CONFIG: 'testing' } });
  assert.equal(migrated.status, 0, migrated.stderr);
  assert.match(migrated.stdout, /migration/i, 'an fms command');
});

test('.dockerignore keeps secrets, local data and build output out of the image', () => {
  const excluded = dockerignore(read('.dockerignore'));
  for (const path of ['.env', '.env.production', 'secrets/secret_key', 'var/fms.sqlite', 'data.sqlite-wal', 'node_modules/x/index.js', 'dist/cli/index.js', '.git/HEAD'])
    assert.ok(excluded(path), `${path} would be sent to the Docker build`);
  for (const path of ['package.json', 'package-lock.json', 'src/app.ts', 'scripts/build-assets.ts', 'public/app.css', 'bin/fms.js', 'deploy/docker-entrypoint.sh', 'deploy/nginx/fms.compose.conf', '.env.example', 'tsconfig.build.json'])
    assert.ok(!excluded(path), `${path} is needed by the build but excluded`);
});

test('the image, replayed: build, runtime files only, entrypoint and CMD in production, HEALTHCHECK, SIGTERM', { timeout: 90_000 }, async (t) => {
  const scratch = tempDir(t, 'fms-image-');
  // Build stage: COPY . . (the context), `npm ci` (this checkout's packages), `npm run build`.
  const app = join(scratch, 'app');
  const context = copyContext(app);
  assert.ok(context.includes('src/cli/index.ts') && context.includes('public/app.css'));
  symlinkSync(join(repoRoot, 'node_modules'), join(app, 'node_modules'), 'dir');
  const built = spawnSync('npm', ['run', 'build'], { cwd: app, encoding: 'utf8', env: { ...process.env, FMS_CONFIG: '' } });
  assert.equal(built.status, 0, `npm run build failed:\n${built.stdout}\n${built.stderr}`);
  assert.ok(existsSync(join(app, 'dist', 'bundle', 'index.js')) && existsSync(join(app, 'dist', 'static', 'manifest.json')), 'the bundle bin/fms.js runs and the static build');

  // Runtime stage: only what its COPY lines bring, production packages only.
  const workdir = last(runtime, 'WORKDIR');
  const buildWorkdir = last(build, 'WORKDIR');
  const opt = join(scratch, 'opt');
  const inRuntime = (path: string) => join(opt, relative(workdir, path.startsWith('/') ? path : join(workdir, path)));
  for (const args of all(runtime, 'COPY')) {
    const parts = args.split(' ').filter((p) => !p.startsWith('--chown') && !p.startsWith('--chmod'));
    const fromBuild = parts[0] === '--from=build';
    const [source, destination] = fromBuild ? parts.slice(1) : parts;
    assert.ok(source && destination && parts.length === (fromBuild ? 3 : 2), `COPY ${args}: one source, one destination`);
    const from = fromBuild ? join(app, relative(buildWorkdir, source)) : join(app, source);
    if (relative(buildWorkdir, source) === 'node_modules') productionNodeModules(inRuntime(destination));
    else cpSync(from, inRuntime(destination), { recursive: true });
  }
  assert.ok(!existsSync(join(opt, 'src')), 'sources stay in the build stage');

  const port = await freePort();
  const dataDir = join(scratch, 'data');
  const imageEnv = envOf(runtime);
  const env = {
    ...baseEnv(),
    ...imageEnv,
    // What `docker run -e` would add here: the volume's paths on this machine, a free port, a key.
    DATABASE_URL: `sqlite:${join(dataDir, 'fms.sqlite')}`,
    UPLOAD_FOLDER: join(dataDir, 'uploads'),
    PORT: String(port),
    SECRET_KEY: randomBytes(32).toString('hex'),
    FMS_MIGRATE_ON_START: 'true',
  };
  const entrypoint = execForm(last(runtime, 'ENTRYPOINT'))[0]!.replace(workdir, opt);
  const server = startProcess(t, entrypoint, execForm(last(runtime, 'CMD')), { cwd: opt, env });
  await waitForHealth(port, server);
  assert.match(server.output(), /FMS is running at .*production mode/);
  assert.match(server.output(), new RegExp(`${imageEnv.WEB_CONCURRENCY ?? 1} workers|production mode, SQLite`));

  const healthcheck = last(runtime, 'HEALTHCHECK');
  const probe = execForm(healthcheck.slice(healthcheck.indexOf(' CMD ') + 5));
  const healthy = spawnSync(probe[0] === 'node' ? process.execPath : probe[0]!, probe.slice(1), { env, encoding: 'utf8', timeout: 10_000 });
  assert.equal(healthy.status, 0, `HEALTHCHECK failed: ${healthy.stderr}`);

  const login = await fetch(`http://127.0.0.1:${port}/login`);
  assert.equal(login.status, 200);
  const manifest = JSON.parse(readFileSync(join(opt, 'dist', 'static', 'manifest.json'), 'utf8')) as Record<string, string>;
  assert.equal((await fetch(`http://127.0.0.1:${port}/static/${manifest['app.css']}`)).status, 200);

  await stopAndExpectZero(server, false);
  const unhealthy = spawnSync(process.execPath, probe.slice(1), { env, encoding: 'utf8', timeout: 10_000 });
  assert.equal(unhealthy.status, 1, 'the HEALTHCHECK can fail');

  await t.test('a PaaS runs the Procfile from the same build: release migrates, web honours $PORT', async (t) => {
    const procfile = read('Procfile').trim().split('\n');
    const types = Object.fromEntries(procfile.map((line) => {
      const match = /^([a-z]+):\s*(.+)$/.exec(line);
      assert.ok(match, `Procfile line "${line}" is not "type: command"`);
      return [match[1]!, match[2]!];
    }));
    assert.deepEqual(Object.keys(types).sort(), ['release', 'web']);
    assert.match(types.web!, /^node bin\/fms\.js serve\b.*\$PORT/);
    assert.equal(types.release, 'node bin/fms.js migrate');

    const dir = tempDir(t, 'fms-paas-');
    const webPort = await freePort();
    // What a platform sets: PORT, the config vars (DATABASE_URL from the database add-on).
    const paasEnv = { ...baseEnv(), FMS_CONFIG: 'production', SECRET_KEY: randomBytes(32).toString('hex'), DATABASE_URL: `sqlite:${join(dir, 'fms.sqlite')}`, UPLOAD_FOLDER: join(dir, 'uploads'), PORT: String(webPort) };
    // Heroku-style platforms run each command with `bash -c`, which runs a single command in place
    // (so SIGTERM reaches node itself).
    const release = spawnSync('bash', ['-c', types.release!], { cwd: app, env: paasEnv, encoding: 'utf8' });
    assert.equal(release.status, 0, `release failed: ${release.stderr}`);
    const web = startProcess(t, 'bash', ['-c', types.web!], { cwd: app, env: paasEnv, group: true });
    await waitForHealth(webPort, web);
    assert.equal((await fetch(`http://127.0.0.1:${webPort}/login`)).status, 200);
    // Platforms stop a dyno with SIGTERM to all its processes.
    await stopAndExpectZero(web, true);
  });
});

// ---------------------------------------------------------------------------------------------
// compose.yaml

interface ComposeService {
  build?: { context: string; target?: string };
  image?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  secrets?: (string | { source: string })[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
}
interface Compose {
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file: string }>;
  volumes?: Record<string, unknown>;
}

/** Compose's interpolation: ${NAME}, ${NAME:-default}, ${NAME:?message}, $$. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (match, name: string | undefined, op: string | undefined, arg: string | undefined) => {
    if (match === '$$') return '$';
    const set = vars[name!];
    if (op?.endsWith('-')) return set ? set : arg!;
    if (op?.endsWith('?')) {
      assert.ok(set, `compose would stop: ${arg}`);
      return set;
    }
    return set ?? '';
  });
}

test('compose.yaml: services, volumes, secrets and build targets that exist; a production config FMS accepts', (t) => {
  const compose = parseYaml(read('compose.yaml'), { merge: true }) as Compose;
  const services = compose.services;
  for (const name of ['app', 'migrate', 'postgres', 'redis', 'nginx']) assert.ok(services[name], `no ${name} service`);
  const stageNames = new Set(stages.map((s) => s.name));

  for (const [name, service] of Object.entries(services)) {
    if (service.build) {
      assert.equal(service.build.context, '.');
      assert.ok(stageNames.has(service.build.target ?? null), `${name}: build target ${service.build.target} is not a Dockerfile stage`);
    } else {
      assert.ok(service.image && !/:latest$|^[^:]+$/.test(service.image), `${name}: pin the image's version (${service.image})`);
    }
    for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
      const target = services[dependency];
      assert.ok(target, `${name} depends on a missing service ${dependency}`);
      assert.ok(['service_started', 'service_healthy', 'service_completed_successfully'].includes(condition), `${name}: ${condition}`);
      if (condition === 'service_healthy') {
        const imageHealthcheck = target.build?.target === 'runtime' && all(runtime, 'HEALTHCHECK').length > 0;
        assert.ok(target.healthcheck || imageHealthcheck, `${name} waits for ${dependency} to be healthy, which has no health check`);
      }
    }
    for (const secret of service.secrets ?? []) {
      const secretName = typeof secret === 'string' ? secret : secret.source;
      assert.ok(compose.secrets?.[secretName], `${name} uses an undeclared secret ${secretName}`);
    }
    for (const volume of service.volumes ?? []) {
      const source = volume.split(':')[0]!;
      if (/^[./~$]/.test(source)) continue; // a bind mount
      assert.ok(compose.volumes && source in compose.volumes, `${name} uses an undeclared volume ${source}`);
    }
  }
  const excluded = dockerignore(read('.dockerignore'));
  for (const [name, secret] of Object.entries(compose.secrets ?? {})) {
    assert.match(secret.file, /^\.\/secrets\//, `${name}: keep secret files in ./secrets/`);
    assert.ok(excluded(secret.file.slice(2)), `${secret.file} would be sent to the Docker build`);
  }
  assert.deepEqual(services.migrate!.command, ['migrate']);
  assert.equal(services.app!.depends_on?.migrate?.condition, 'service_completed_successfully', 'the app starts after the migrations');
  assert.deepEqual(services.nginx!.ports?.map((p) => p.split(':').at(-1)).sort(), ['443', '80']);

  // The app's environment: only names FMS reads, and together with the image's ENV and the secrets
  // a production configuration that loadConfig accepts.
  const known = new Set([...Object.keys(envSchema.properties), ...secretVariables.map((v) => `${v}_FILE`), 'FMS_MIGRATE_ON_START']);
  const dir = tempDir(t, 'fms-compose-');
  const secretValues: Record<string, string> = {
    secret_key: randomBytes(32).toString('hex'),
    database_url: 'postgres://fms:secret-password@postgres:5432/fms',
    postgres_password: 'secret-password',
  };
  for (const name of ['app', 'migrate']) {
    const service = services[name]!;
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(service.environment ?? {})) {
      assert.ok(known.has(key), `${name}: ${key} is not a variable FMS reads`);
      env[key] = interpolate(String(value), {});
    }
    for (const [key, value] of Object.entries(env)) {
      const secret = /^\/run\/secrets\/(.+)$/.exec(value);
      if (!secret) continue;
      assert.ok(service.secrets?.includes(secret[1]!), `${name}: ${key} reads /run/secrets/${secret[1]} but the service does not get that secret`);
      const file = join(dir, secret[1]!);
      writeFileSync(file, `${secretValues[secret[1]!] ?? 'value'}\n`);
      env[key] = file;
    }
    const config = loadConfig({ ...envOf(runtime), ...env }, { dotenvDir: false });
    assert.equal(config.isProduction, true);
    assert.equal(config.database.kind, 'postgres', `${name}: the compose database, not the image's SQLite default`);
    assert.equal(config.redisUrl, 'redis://redis:6379/0');
    assert.ok(config.trustProxy.length > 0, 'behind nginx: TRUST_PROXY');
    const nginxLimit = /client_max_body_size (\d+)m;/.exec(read('deploy/nginx/fms.compose.conf'));
    assert.equal(config.maxContentLength, Number(nginxLimit![1]) * 1024 * 1024, 'MAX_CONTENT_LENGTH = nginx client_max_body_size');
  }
  assert.equal(parseSize('16MiB'), 16 * 1024 * 1024);
});

// ---------------------------------------------------------------------------------------------
// deploy/nginx/fms.compose.conf

/** A block's directives without comments and layout, found by its opening line. */
function block(text: string, opening: RegExp, nth = 0): string {
  const clean = text.replace(/#.*$/gm, '');
  const matches = [...clean.matchAll(new RegExp(opening.source, 'gm'))];
  const match = matches[nth];
  assert.ok(match, `no block ${opening}`);
  let depth = 0;
  const start = match.index! + match[0].length;
  for (let i = start; i < clean.length; i++) {
    if (clean[i] === '{') depth++;
    if (clean[i] === '}') {
      if (depth === 0) return clean.slice(start, i).replace(/\s+/g, ' ').trim();
      depth--;
    }
  }
  assert.fail(`unclosed block ${opening}`);
}

const nginx = findTool('nginx');
const openssl = findTool('openssl');

test('deploy/nginx/fms.compose.conf: the same site as fms.conf, and valid for nginx', async (t) => {
  const site = read('deploy/nginx/fms.conf');
  const composeSite = read('deploy/nginx/fms.compose.conf');
  const httpsServer = (text: string) => block(text, /^server \{/, 1);
  const directives = (text: string, pattern: RegExp) => httpsServer(text).split(';').map((d) => d.trim()).filter((d) => pattern.test(d));
  assert.equal(block(composeSite, /^\s*location \/ \{/), block(site, /^\s*location \/ \{/), 'the proxied location differs');
  for (const pattern of [/^ssl_(?!certificate)/, /^gzip/, /^client_max_body_size/, /^server_tokens/])
    assert.deepEqual(directives(composeSite, pattern), directives(site, pattern), `${pattern} differs`);
  const staticLocation = (text: string) => block(text, /^\s*location \/static\/ \{/).replace(/root \S+;/, '');
  assert.equal(staticLocation(composeSite), staticLocation(site), 'the static location differs');
  assert.equal(block(composeSite, /^server \{/, 0).replace('${FMS_DOMAIN}', 'X'), block(site, /^server \{/, 0).replace('fms.example.org', 'X').replace('/var/log/nginx/fms.access.log', '/var/log/nginx/access.log'));

  if (!nginx || !openssl) {
    const reason = missingTool(!nginx ? 'nginx' : 'openssl', !nginx ? 'nginx' : 'openssl');
    t.skip(reason);
    return;
  }
  // Rendered as the image's template step does (FMS_DOMAIN), with this machine's paths, for this
  // machine's nginx: before 1.25.1 HTTP/2 is a `listen` flag, before 1.27.3 `resolve` is not open source.
  const dir = tempDir(t, 'fms-compose-nginx-');
  const { cert, key } = await selfSignedCertificate(openssl, dir);
  const version = nginxVersion(nginx);
  let text = composeSite
    .replaceAll('/etc/letsencrypt/live/${FMS_DOMAIN}/fullchain.pem', cert)
    .replaceAll('/etc/letsencrypt/live/${FMS_DOMAIN}/privkey.pem', key)
    .replaceAll('${FMS_DOMAIN}', 'localhost')
    .replace('server app:8000', 'server 127.0.0.1:8000')
    .replace('root /usr/share/fms;', `root ${join(repoRoot, 'dist')};`)
    .replace('root /var/www/html;', `root ${dir};`)
    .replaceAll('/var/log/nginx/access.log', join(dir, 'access.log'))
    .replace(/^\s*listen \[::\]:\d+[^;]*;\n/gm, '')
    .replace('listen 80;', 'listen 127.0.0.1:18080;')
    .replace('listen 443 ssl;', 'listen 127.0.0.1:18443 ssl;');
  assert.doesNotMatch(text, /\$\{/, 'a ${…} the image would not replace');
  if (!versionAtLeast(version, [1, 25, 1])) text = text.replace(/^\s*http2 on;\n/m, '').replace('ssl;', 'ssl http2;');
  if (!versionAtLeast(version, [1, 27, 3])) text = text.replace(' resolve ', ' ');
  const result = await testNginxSite(nginx, dir, text);
  assert.ok(result.ok, `nginx -t failed:\n${result.output}\n--- site ---\n${text}`);
});

test('.github/dependabot.yml: npm, GitHub Actions and images, weekly; npm minor and patch grouped', () => {
  const config = parseYaml(read('.github/dependabot.yml')) as {
    version: number;
    updates: { 'package-ecosystem': string; directory: string; schedule: { interval: string }; groups?: Record<string, { 'update-types'?: string[] }> }[];
  };
  assert.equal(config.version, 2);
  const ecosystems = Object.fromEntries(config.updates.map((u) => [u['package-ecosystem'], u]));
  for (const name of ['npm', 'github-actions', 'docker']) {
    assert.ok(ecosystems[name], `no ${name} updates`);
    assert.equal(ecosystems[name].schedule.interval, 'weekly');
    assert.equal(ecosystems[name].directory, '/');
  }
  const groups = Object.values(ecosystems.npm!.groups ?? {});
  assert.ok(groups.some((g) => g['update-types']?.includes('minor') && g['update-types']?.includes('patch')));
});

if (inCi) {
  test('CI has the tools the deployment suites need', () => {
    for (const tool of ['nginx', 'openssl', 'systemd-analyze']) assert.ok(findTool(tool), `${tool} is missing`);
  });
}
