import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import proxyAddr from '@fastify/proxy-addr';
import { ConfigError, developmentSecretKey, documentedSecretKeys, loadConfig, workerEnvironment, type Config } from './index.js';

const load = (env: Record<string, string>) => loadConfig(env, { dotenvDir: false });

/** A key an operator would get from `openssl rand -hex 32`. */
const goodKey = () => randomBytes(32).toString('hex');

/** The problems loadConfig reports for this environment (fails the test when it accepts it). */
function problemsOf(env: Record<string, string>, options: Parameters<typeof loadConfig>[1] = { dotenvDir: false }): string[] {
  try {
    loadConfig(env, options);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.ok(error.problems.length > 0);
    for (const problem of error.problems) assert.doesNotMatch(problem, /\n/, 'each problem is one line');
    assert.equal(error.message, error.problems.join('\n'));
    return error.problems;
  }
  assert.fail(`loadConfig accepted ${JSON.stringify(env)}`);
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'fms-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('configuration defaults', () => {
  test('an empty environment gives a working development setup', () => {
    const config = load({});
    assert.equal(config.mode, 'development');
    assert.equal(config.isProduction, false);
    assert.deepEqual(config.database, { kind: 'sqlite', file: resolve('var/fms.sqlite'), url: 'sqlite:./var/fms.sqlite' });
    assert.equal(config.uploadFolder, resolve('var/uploads'));
    assert.equal(config.maxContentLength, 16 * 1024 * 1024);
    assert.equal(config.rateLimitStorageUri, 'memory://');
    assert.equal(config.redisUrl, null);
    assert.equal(config.port, 3000);
    assert.equal(config.host, 'localhost');
    assert.deepEqual([...config.trustProxy], []);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.sessionLifetimeMs, 12 * 60 * 60 * 1000);
    assert.equal(config.sessionIdleTimeoutMs, 2 * 60 * 60 * 1000);
    assert.equal(config.cookieSameSite, 'strict');
    assert.equal(config.cookieSecure, false, 'plain http on a laptop must still get its cookie');
    assert.equal(config.demoDepartment, true, 'development seeds the demo department by default');
    assert.equal(config.secretKey, developmentSecretKey);
    assert.equal(config.secretKeyIsDevelopmentDefault, true);
  });

  test('the testing mode neither seeds a demo nor marks cookies secure', () => {
    const config = load({ FMS_CONFIG: 'testing' });
    assert.equal(config.mode, 'testing');
    assert.equal(config.demoDepartment, false);
    assert.equal(config.cookieSecure, false);
  });

  test('production marks cookies secure and never seeds the demo', () => {
    const key = goodKey();
    const config = load({ FMS_CONFIG: 'production', SECRET_KEY: key });
    assert.equal(config.isProduction, true);
    assert.equal(config.cookieSecure, true);
    assert.equal(config.demoDepartment, false);
    assert.equal(config.secretKey, key);
    assert.equal(config.secretKeyIsDevelopmentDefault, false);
  });

  test('SESSION_COOKIE_SECURE overrides the mode default', () => {
    assert.equal(load({ SESSION_COOKIE_SECURE: 'true' }).cookieSecure, true);
    assert.equal(load({ FMS_CONFIG: 'production', SECRET_KEY: goodKey(), SESSION_COOKIE_SECURE: 'false' }).cookieSecure, false);
    assert.equal(load({ SESSION_COOKIE_SAMESITE: 'Lax' }).cookieSameSite, 'lax');
  });

  test('an unknown FMS_CONFIG is refused, naming the three modes', () => {
    const problems = problemsOf({ FMS_CONFIG: 'staging' });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^FMS_CONFIG: .*development, testing, production/);
  });

  test('empty variables count as unset, as compose files produce them', () => {
    const config = load({ PORT: '', DATABASE_URL: '', SECRET_KEY: '' });
    assert.equal(config.port, 3000);
    assert.equal(config.database.kind, 'sqlite');
    assert.equal(config.secretKeyIsDevelopmentDefault, true);
  });
});

describe('loadConfig reads only the environment it is given', () => {
  // The CLI passes process.env itself; tests and tools pass their own objects and must not pick up
  // whatever the calling shell happens to export.
  const withProcessEnv = (vars: Record<string, string>, body: () => void) => {
    const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
    Object.assign(process.env, vars);
    try {
      body();
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  };

  test('variables of the running process do not leak into loadConfig({})', () => {
    withProcessEnv({ PORT: '4321', FMS_CONFIG: 'testing', LOG_LEVEL: 'trace' }, () => {
      const config = load({});
      assert.equal(config.port, 3000);
      assert.equal(config.mode, 'development');
      assert.equal(config.logLevel, 'info');
    });
  });

  test('an empty PORT= or DATABASE_URL= in the real environment means the default', () => {
    withProcessEnv({ PORT: '', DATABASE_URL: '' }, () => {
      const config = loadConfig(process.env, { dotenvDir: false });
      assert.equal(config.port, 3000);
      assert.equal(config.database.kind, 'sqlite');
    });
  });
});

describe("the secrets of fms serve's workers are judged once, by the primary", () => {
  /**
   * loadConfig(env) in a fresh process (no test has loaded zxcvbn's dictionaries, 70 MB, in it):
   * in a node:cluster worker forked as `fms serve` forks them, or in a plain process. Answers
   * whether the estimate was loaded and the problems found.
   */
  const loadIn = (t: TestContext, where: 'worker' | 'plain process', env: Record<string, string>) => {
    const dir = tempDir(t);
    const script = join(dir, 'load-config.mjs');
    writeFileSync(
      script,
      `import cluster from 'node:cluster';
      import { createRequire } from 'node:module';
      const env = JSON.parse(process.env.TEST_ENV);
      if (cluster.isPrimary && process.env.TEST_WHERE === 'worker') {
        cluster.fork().on('message', (answer) => { process.stdout.write(JSON.stringify(answer)); }).on('exit', (code) => { process.exitCode = code; });
      } else {
        const { loadConfig } = await import(${JSON.stringify(new URL('./index.ts', import.meta.url).href)});
        let problems = [];
        try { loadConfig(env, { dotenvDir: false }); } catch (error) { problems = error.problems ?? [String(error)]; }
        const loaded = Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes('@zxcvbn-ts'));
        const answer = { loaded, problems };
        if (cluster.isWorker) process.send(answer, () => process.exit(0));
        else process.stdout.write(JSON.stringify(answer));
      }`,
    );
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', env: { ...process.env, TEST_ENV: JSON.stringify(env), TEST_WHERE: where } });
    assert.equal(child.status, 0, child.stderr);
    return JSON.parse(child.stdout) as { loaded: boolean; problems: string[] };
  };

  test("a worker given the primary's digest of the same secrets does not load the estimate; anything else judges them", (t) => {
    const env = { FMS_CONFIG: 'production', SECRET_KEY: goodKey(), METRICS_TOKEN: goodKey() };
    const fromPrimary = workerEnvironment(load(env));
    assert.deepEqual(Object.keys(fromPrimary), ['FMS_SECRETS_JUDGED']);
    assert.deepEqual(loadIn(t, 'worker', { ...env, ...fromPrimary }), { loaded: false, problems: [] }, 'the judged secrets are not judged again');
    assert.deepEqual(loadIn(t, 'worker', env), { loaded: true, problems: [] }, 'without the digest the worker judges them (the check above can fail)');
    assert.deepEqual(loadIn(t, 'plain process', { ...env, ...fromPrimary }), { loaded: true, problems: [] }, 'only a cluster worker reads the digest');
  });

  test('other secrets than the primary judged are judged again: a weak key is refused', (t) => {
    const judged = workerEnvironment(load({ FMS_CONFIG: 'production', SECRET_KEY: goodKey() }));
    const problems = loadIn(t, 'worker', { FMS_CONFIG: 'production', SECRET_KEY: 'a'.repeat(64), ...judged }).problems;
    assert.match(problems.join(' '), /SECRET_KEY/);
    // A changed METRICS_TOKEN voids the digest too.
    const key = goodKey();
    const withToken = workerEnvironment(load({ FMS_CONFIG: 'production', SECRET_KEY: key, METRICS_TOKEN: goodKey() }));
    assert.match(loadIn(t, 'worker', { FMS_CONFIG: 'production', SECRET_KEY: key, METRICS_TOKEN: 'changeme-changeme-changeme', ...withToken }).problems.join(' '), /METRICS_TOKEN/);
    assert.deepEqual(workerEnvironment(load({ FMS_CONFIG: 'development' })), {}, 'outside production nothing is judged, nothing is passed');
  });
});

describe('production refuses an unsafe SECRET_KEY', () => {
  const expectOneSecretKeyProblem = (env: Record<string, string>) => {
    const problems = problemsOf({ FMS_CONFIG: 'production', ...env });
    assert.equal(problems.length, 1, problems.join(' | '));
    assert.match(problems[0]!, /SECRET_KEY/);
    assert.match(problems[0]!, /openssl rand -hex 32/, 'the message names the fix');
    return problems[0]!;
  };

  test('missing', () => {
    assert.match(expectOneSecretKeyProblem({}), /missing/);
    assert.match(expectOneSecretKeyProblem({ SECRET_KEY: '' }), /missing/);
  });

  test('shorter than 32 characters', () => {
    assert.match(expectOneSecretKeyProblem({ SECRET_KEY: randomBytes(15).toString('hex') }), /32 characters/);
  });

  test('every documented or placeholder value, in any case', () => {
    for (const documented of documentedSecretKeys) {
      expectOneSecretKeyProblem({ SECRET_KEY: documented });
      expectOneSecretKeyProblem({ SECRET_KEY: documented.toUpperCase() });
    }
    // The long ones are refused for being documented, not merely for their length.
    assert.match(expectOneSecretKeyProblem({ SECRET_KEY: developmentSecretKey }), /documentation/);
    assert.match(expectOneSecretKeyProblem({ SECRET_KEY: 'change-me-to-a-long-random-string-of-at-least-32-characters' }), /documentation/);
  });

  test('long but not random', () => {
    expectOneSecretKeyProblem({ SECRET_KEY: 'a'.repeat(64) });
  });

  test('a random key of 32 characters or more is accepted', () => {
    assert.equal(load({ FMS_CONFIG: 'production', SECRET_KEY: randomBytes(24).toString('base64') }).isProduction, true);
  });

  test('the outputs of the usual generators are accepted', () => {
    for (const key of [
      randomBytes(32).toString('hex'), // openssl rand -hex 32
      randomBytes(16).toString('hex'), // openssl rand -hex 16
      randomBytes(32).toString('base64'), // openssl rand -base64 32
      randomBytes(48).toString('base64'), // openssl rand -base64 48
      randomBytes(32).toString('base64url'), // secrets.token_urlsafe(32)
    ])
      assert.equal(load({ FMS_CONFIG: 'production', SECRET_KEY: key }).secretKey, key);
  });

  test('the Flask guide placeholder and Flask\'s documented example key', () => {
    assert.match(expectOneSecretKeyProblem({ SECRET_KEY: 'your_very_long_random_and_ultra_secret_key_goes_here_do_not_share!' }), /documentation/);
    assert.match(expectOneSecretKeyProblem({ SECRET_KEY: '192b9bdd22ab9ed4d12e236c78afcb9a393ec15f71bbf5dc987d54727823bcbf' }), /documentation/);
  });

  test('a documented value with spaces around it or in other capitals', () => {
    assert.match(expectOneSecretKeyProblem({ SECRET_KEY: ' change-me-to-a-long-random-string-of-at-least-32-characters' }), /documentation/);
    assert.match(expectOneSecretKeyProblem({ SECRET_KEY: 'Change-Me-To-A-Long-Random-String-Of-At-Least-32-Characters  ' }), /documentation/);
  });

  test('near copies of documented values: one character less, one more, one changed', () => {
    for (const key of [
      developmentSecretKey.slice(0, -1),
      developmentSecretKey.slice(1),
      `${developmentSecretKey}!`,
      developmentSecretKey.replace('insecure', 'inSECURE-x'),
      'your_very_long_random_and_ultra_secret_key_goes_here_do_not_share',
      '192b9bdd22ab9ed4d12e236c78afcb9a393ec15f71bbf5dc987d54727823bcb0',
    ])
      assert.match(expectOneSecretKeyProblem({ SECRET_KEY: key }), /near copy/, key);
  });

  test('sequences, repetitions and words, though long and with 8 distinct characters', () => {
    for (const key of [
      'abcdefghijklmnopqrstuvwxyz123456',
      '0123456789abcdef0123456789abcdef',
      '12345678901234567890123456789012',
      `${'a'.repeat(57)}bcdefgh`,
      'ababababcdefghijcdefghijcdefghijcdefghij',
      'Passw0rd!Passw0rd!Passw0rd!Passw0rd!',
      'FacultyManagementSystemSecretKey2026!',
    ])
      assert.match(expectOneSecretKeyProblem({ SECRET_KEY: key }), /not random enough|made of words|near copy/, key);
  });

  test('every SECRET_KEY or METRICS_TOKEN value printed in the docs, README, .env.example and deploy/ is refused', () => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    const files = ['README.md', 'SECURITY.md', '.env.example', 'Dockerfile', 'compose.yaml', 'Procfile'];
    const walk = (dir: string) => {
      for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name));
        else files.push(join(dir, entry.name));
      }
    };
    walk('docs');
    walk('deploy');
    const printed = new Set<string>();
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(join(root, file), 'utf8');
      } catch {
        continue;
      }
      for (const match of text.matchAll(/\b(?:SECRET_KEY|METRICS_TOKEN)\s*[=:]\s*["']?([^\s"'`$<…]{4,})/g)) printed.add(match[1]!);
    }
    assert.ok(printed.has('change-me-to-a-long-random-string-of-at-least-32-characters'), `found ${[...printed].join(', ')}`);
    for (const value of printed) {
      assert.ok(problemsOf({ FMS_CONFIG: 'production', SECRET_KEY: value }).some((p) => p.startsWith('SECRET_KEY')), value);
      assert.ok(problemsOf({ FMS_CONFIG: 'production', SECRET_KEY: goodKey(), METRICS_TOKEN: value }).some((p) => p.startsWith('METRICS_TOKEN')), value);
    }
  });

  test('outside production a short SECRET_KEY is used as given', () => {
    assert.equal(load({ SECRET_KEY: 'short' }).secretKey, 'short');
  });
});

describe('METRICS_TOKEN must be random in production', () => {
  const production = (token: string) => ({ FMS_CONFIG: 'production', SECRET_KEY: goodKey(), METRICS_TOKEN: token });

  test('sixteen of one character are refused, naming the fix', () => {
    for (const token of ['aaaaaaaaaaaaaaaa', '0000000000000000', 'metrics-token-metrics-token']) {
      const problems = problemsOf(production(token));
      assert.equal(problems.length, 1, problems.join(' | '));
      assert.match(problems[0]!, /^METRICS_TOKEN is (not random enough|too repetitive|made of words|a value from)/);
      assert.match(problems[0]!, /openssl rand -hex 32/);
    }
  });

  test('a documented value is refused too', () => {
    assert.match(problemsOf(production(developmentSecretKey))[0]!, /^METRICS_TOKEN is a value from the documentation/);
  });

  test('openssl rand -hex 32 and -hex 24 are accepted', () => {
    for (const token of [randomBytes(32).toString('hex'), randomBytes(24).toString('hex')]) assert.equal(load(production(token)).metricsToken, token);
  });

  test('shorter than 16 characters is refused in every mode; outside production a long weak token is left to fms doctor', () => {
    assert.match(problemsOf({ METRICS_TOKEN: 'short-token' })[0]!, /^METRICS_TOKEN is shorter than 16 characters: .*openssl rand -hex 32/);
    assert.equal(load({ METRICS_TOKEN: 'aaaaaaaaaaaaaaaa' }).metricsToken, 'aaaaaaaaaaaaaaaa');
  });
});

describe('NODE_ENV=production without FMS_CONFIG means production (fail closed)', () => {
  test('the mode is production, with its cookies and without the demo department', () => {
    const config = load({ NODE_ENV: 'production', SECRET_KEY: goodKey() });
    assert.equal(config.mode, 'production');
    assert.equal(config.isProduction, true);
    assert.equal(config.demoDepartment, false);
    assert.equal(config.cookieSecure, true);
  });

  test("production's refusals follow: no SECRET_KEY is one clear problem, not the development key", () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^SECRET_KEY is missing: .*openssl rand -hex 32/);
    assert.match(problemsOf({ NODE_ENV: 'production', SECRET_KEY: goodKey(), DEMO_DEPARTMENT: 'true' })[0]!, /^DEMO_DEPARTMENT cannot be true in production/);
  });

  test('an explicit FMS_CONFIG wins; an empty one counts as unset', () => {
    assert.equal(load({ NODE_ENV: 'production', FMS_CONFIG: 'development' }).mode, 'development');
    assert.equal(load({ NODE_ENV: 'production', FMS_CONFIG: 'testing' }).mode, 'testing');
    assert.equal(load({ NODE_ENV: 'production', FMS_CONFIG: '', SECRET_KEY: goodKey() }).mode, 'production');
  });

  test('other NODE_ENV values keep the development default', () => {
    for (const value of ['development', 'test', 'staging', '']) assert.equal(load({ NODE_ENV: value }).mode, 'development', value);
  });

  test('NODE_ENV from a .env file counts as well', (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, '.env'), 'NODE_ENV=production\n');
    assert.match(problemsOf({}, { dotenvDir: dir })[0]!, /^SECRET_KEY is missing/);
  });
});

describe('every bad variable is reported at once', () => {
  test('bad PORT, DATABASE_URL and MAX_CONTENT_LENGTH give one error with three problems', () => {
    const problems = problemsOf({ PORT: 'eighty', DATABASE_URL: 'mysql://db/fms', MAX_CONTENT_LENGTH: 'lots' });
    assert.equal(problems.length, 3, `expected three problems, got: ${problems.join(' | ')}`);
    assert.ok(problems.some((p) => p.startsWith('PORT') && /0 to 65535/.test(p)));
    assert.ok(problems.some((p) => p.startsWith('DATABASE_URL') && /sqlite:.*postgres:\/\//.test(p)));
    assert.ok(problems.some((p) => p.startsWith('MAX_CONTENT_LENGTH') && /16MiB/.test(p)));
  });

  test('checks after the schema are all reported together too', () => {
    const problems = problemsOf({
      DATABASE_URL: 'sqlite:',
      MAX_CONTENT_LENGTH: '-1',
      SESSION_LIFETIME: 'forever',
      SESSION_IDLE_TIMEOUT: '0',
      RATELIMIT_STORAGE_URI: 'memcached://localhost',
    });
    assert.deepEqual(
      problems.map((p) => p.split(' ')[0]),
      ['DATABASE_URL', 'MAX_CONTENT_LENGTH', 'RATELIMIT_STORAGE_URI', 'SESSION_LIFETIME', 'SESSION_IDLE_TIMEOUT'],
    );
  });

  test('schema problems name the variable and how it should look', () => {
    const problems = problemsOf({ PORT: '70000', LOG_LEVEL: 'loud', SESSION_COOKIE_SAMESITE: 'None' });
    assert.equal(problems.length, 3);
    assert.match(problems.find((p) => p.startsWith('PORT'))!, /0 to 65535/);
    assert.match(problems.find((p) => p.startsWith('LOG_LEVEL'))!, /fatal, error, warn, info, debug, trace, silent/);
    assert.match(problems.find((p) => p.startsWith('SESSION_COOKIE_SAMESITE'))!, /Strict or Lax/);
  });
});

describe('values', () => {
  test('DATABASE_URL: sqlite paths and PostgreSQL URLs', () => {
    assert.deepEqual(load({ DATABASE_URL: 'sqlite:/srv/fms/fms.sqlite' }).database, { kind: 'sqlite', file: '/srv/fms/fms.sqlite', url: 'sqlite:/srv/fms/fms.sqlite' });
    assert.equal((load({ DATABASE_URL: 'sqlite:///srv/fms/fms.sqlite' }).database as { file: string }).file, '/srv/fms/fms.sqlite');
    assert.equal((load({ DATABASE_URL: 'sqlite::memory:' }).database as { file: string }).file, ':memory:');
    for (const url of ['postgres://fms:pw@db:5432/fms', 'postgresql://fms@localhost/fms']) {
      assert.deepEqual(load({ DATABASE_URL: url }).database, { kind: 'postgres', url });
    }
    assert.match(problemsOf({ DATABASE_URL: 'postgres://fms:pw@db:port/fms' })[0]!, /^DATABASE_URL is not a valid URL/);
    // A password with # or ? as they are (the walkthrough's case): the hint names the encoding, and
    // the password itself is not repeated.
    for (const url of ['postgres://fms:Wk7#rT9zQ@localhost:5432/fms', 'postgres://fms:Wk7?rT9zQ@localhost:5432/fms']) {
      const [problem] = problemsOf({ DATABASE_URL: url });
      assert.match(problem!, /^DATABASE_URL is not a valid URL: .*percent-encode @ : \/ # \? in the password \(# is %23, \? is %3F/);
      assert.doesNotMatch(problem!, /Wk7|rT9zQ/);
    }
  });

  test('TIMEZONE takes an IANA zone, UTC by default, and names the variable when it is not one', () => {
    assert.equal(load({}).timeZone, 'UTC');
    assert.equal(load({ TIMEZONE: 'Europe/Zagreb' }).timeZone, 'Europe/Zagreb');
    assert.equal(load({ TIMEZONE: 'europe/zagreb' }).timeZone, 'Europe/Zagreb', 'written as IANA writes it');
    assert.throws(
      () => load({ TIMEZONE: 'Mars/Olympus' }),
      (error: Error) => /TIMEZONE=Mars\/Olympus is not a time zone: give an IANA name such as Europe\/Zagreb/.test(error.message),
    );
  });

  test('MAX_CONTENT_LENGTH accepts bytes or a size with a unit', () => {
    assert.equal(load({ MAX_CONTENT_LENGTH: '16MiB' }).maxContentLength, 16_777_216);
    assert.equal(load({ MAX_CONTENT_LENGTH: '1048576' }).maxContentLength, 1_048_576);
    assert.equal(load({ MAX_CONTENT_LENGTH: '10M' }).maxContentLength, 10_000_000);
    assert.equal(load({ MAX_CONTENT_LENGTH: '512 KiB' }).maxContentLength, 524_288);
    assert.match(problemsOf({ MAX_CONTENT_LENGTH: '16 parsecs' })[0]!, /^MAX_CONTENT_LENGTH/);
  });

  test('SESSION_LIFETIME accepts a unit or seconds', () => {
    assert.equal(load({ SESSION_LIFETIME: '12h' }).sessionLifetimeMs, 43_200_000);
    assert.equal(load({ SESSION_LIFETIME: '3600' }).sessionLifetimeMs, 3_600_000);
    assert.equal(load({ SESSION_LIFETIME: '30m' }).sessionLifetimeMs, 1_800_000);
    assert.equal(load({ SESSION_IDLE_TIMEOUT: '45s' }).sessionIdleTimeoutMs, 45_000);
    assert.match(problemsOf({ SESSION_LIFETIME: '12 hours' })[0]!, /^SESSION_LIFETIME .*12h/);
  });

  test('a redis:// RATELIMIT_STORAGE_URI turns Redis on', () => {
    for (const uri of ['redis://127.0.0.1:6379', 'rediss://cache.internal:6380/2']) {
      const config = load({ RATELIMIT_STORAGE_URI: uri });
      assert.equal(config.redisUrl, uri);
      assert.equal(config.rateLimitStorageUri, uri);
    }
    assert.equal(load({ RATELIMIT_STORAGE_URI: 'memory://' }).redisUrl, null);
    assert.match(problemsOf({ RATELIMIT_STORAGE_URI: 'memcached://localhost:11211' })[0]!, /^RATELIMIT_STORAGE_URI .*redis:\/\//);
  });

  test('API_RATELIMIT: the budget of each API token, written like RATELIMIT_DEFAULT', () => {
    assert.deepEqual(load({}).apiRateLimit, { max: 1000, windowMs: 3_600_000 }, 'the default is 1000 per hour');
    assert.deepEqual(load({ API_RATELIMIT: '20000 per hour' }).apiRateLimit, { max: 20000, windowMs: 3_600_000 });
    assert.deepEqual(load({ API_RATELIMIT: '50/minute' }).apiRateLimit, { max: 50, windowMs: 60_000 });
    for (const bad of ['lots', '0 per hour', '1000 per week', '1000']) {
      assert.deepEqual(problemsOf({ API_RATELIMIT: bad }), ['API_RATELIMIT is not a rate: write it like "1000 per hour" (second, minute, hour or day), the budget of each API token'], bad);
    }
  });

  test('DEMO_DEPARTMENT', () => {
    assert.equal(load({ DEMO_DEPARTMENT: 'false' }).demoDepartment, false);
    assert.equal(load({ FMS_CONFIG: 'testing', DEMO_DEPARTMENT: 'true' }).demoDepartment, true);
    assert.equal(load({ FMS_CONFIG: 'production', SECRET_KEY: goodKey(), DEMO_DEPARTMENT: 'false' }).demoDepartment, false);
    for (const value of ['true', '1']) {
      const problems = problemsOf({ FMS_CONFIG: 'production', SECRET_KEY: goodKey(), DEMO_DEPARTMENT: value });
      assert.equal(problems.length, 1);
      assert.match(problems[0]!, /^DEMO_DEPARTMENT cannot be true in production.*unset it/);
    }
    assert.match(problemsOf({ DEMO_DEPARTMENT: 'yes' })[0]!, /^DEMO_DEPARTMENT: .*true or false/);
  });

  test('TRUST_PROXY takes comma-separated addresses, ranges and keywords', () => {
    assert.deepEqual([...load({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1,fd00::/8 , loopback' }).trustProxy], [
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
    assert.deepEqual([...load({ TRUST_PROXY: ' , ' }).trustProxy], []);
  });

  test('TRUST_PROXY refuses what is not an address, naming the entry', () => {
    for (const junk of ['true', 'proxy.example.com', '*', '10.0.0.0/8;rm']) {
      const problems = problemsOf({ TRUST_PROXY: `127.0.0.1,${junk}` });
      assert.equal(problems.length, 1, junk);
      assert.ok(problems[0]!.startsWith(`TRUST_PROXY entry "${junk}" is not an address`), problems[0]);
    }
  });

  test('TRUST_PROXY refuses a range of every address, which the server cannot compile either', () => {
    for (const everything of ['0.0.0.0/0', '::/0', '10.0.0.0/0']) {
      const problems = problemsOf({ TRUST_PROXY: `127.0.0.1,${everything}` });
      assert.equal(problems.length, 1, everything);
      assert.match(problems[0]!, new RegExp(`^TRUST_PROXY entry "${everything.replace(/\./g, '\\.')}" trusts every address.*list only your proxies`));
    }
  });

  test("TRUST_PROXY accepts exactly what the server's proxy-addr can compile, but ranges that trust every IPv4 client", () => {
    const entries = ['127.0.0.1', '10.0.0.0/8', '0.0.0.0/1', '128.0.0.0/1', '::1', 'fd00::/8', '2000::/3', '::ffff:10.0.0.0/104', '0.0.0.0/0', '::/0', '1.2.3.4/33', 'loopback', 'linklocal', 'uniquelocal'];
    // These compile, yet hold all of ::ffff:0:0/96: every IPv4 client could choose its address.
    for (const everyone of ['::/1', '::ffff:0:0/96']) {
      assert.doesNotThrow(() => proxyAddr.compile([everyone]));
      assert.match(problemsOf({ TRUST_PROXY: everyone })[0]!, /trusts every address/, everyone);
    }
    for (const entry of entries) {
      let compiles = true;
      try {
        proxyAddr.compile([entry]);
      } catch {
        compiles = false;
      }
      let accepted = true;
      try {
        load({ TRUST_PROXY: entry });
      } catch {
        accepted = false;
      }
      assert.equal(accepted, compiles, entry);
    }
  });

  test('TRUST_PROXY refuses impossible addresses and ranges (the server would crash on them at start)', () => {
    for (const junk of ['999.1.1.1', '10.0.0.0/33', '::::', '1.2.3']) {
      const problems = problemsOf({ TRUST_PROXY: junk });
      assert.ok(problems[0]!.startsWith(`TRUST_PROXY entry "${junk}"`), problems[0]);
    }
  });
});

describe('NAME_FILE secrets (Docker secrets)', () => {
  test('SECRET_KEY_FILE is read and trimmed', (t) => {
    const dir = tempDir(t);
    const key = goodKey();
    const file = join(dir, 'secret_key');
    writeFileSync(file, `${key}\n`);
    const config = load({ FMS_CONFIG: 'production', SECRET_KEY_FILE: file });
    assert.equal(config.secretKey, key);
  });

  test('DATABASE_URL_FILE is read too', (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'database_url');
    writeFileSync(file, 'postgres://fms:s3cret@db/fms\n');
    assert.deepEqual(load({ DATABASE_URL_FILE: file }).database, { kind: 'postgres', url: 'postgres://fms:s3cret@db/fms' });
  });

  test('setting both NAME and NAME_FILE is an error', (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'secret_key');
    writeFileSync(file, goodKey());
    const problems = problemsOf({ FMS_CONFIG: 'production', SECRET_KEY: goodKey(), SECRET_KEY_FILE: file });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /SECRET_KEY and SECRET_KEY_FILE are both set/);
  });

  test('an unreadable file is named with the cause', (t) => {
    const dir = tempDir(t);
    const missing = join(dir, 'no-such-secret');
    const problems = problemsOf({ SECRET_KEY_FILE: missing });
    assert.equal(problems.length, 1);
    assert.ok(problems[0]!.startsWith('SECRET_KEY_FILE'), problems[0]);
    assert.ok(problems[0]!.includes(missing), 'the path is named');
    assert.match(problems[0]!, /ENOENT/);

    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked');
      writeFileSync(locked, goodKey());
      chmodSync(locked, 0o000);
      const denied = problemsOf({ SECRET_KEY_FILE: locked });
      assert.ok(denied[0]!.includes(locked));
      assert.match(denied[0]!, /EACCES/);
    }
  });
});

describe('.env files', () => {
  test('values come from .env in the given folder; the real environment wins', (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, '.env'), ['# deployment settings', 'PORT=4000', 'LOG_LEVEL=debug', 'UPLOAD_FOLDER=/srv/fms/uploads', ''].join('\n'));
    const config = loadConfig({ PORT: '5000' }, { dotenvDir: dir });
    assert.equal(config.port, 5000, 'the environment beats the file');
    assert.equal(config.logLevel, 'debug', 'the file fills what the environment leaves unset');
    assert.equal(config.uploadFolder, '/srv/fms/uploads');
  });

  test('a bad value in .env is reported like one in the environment', (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, '.env'), 'PORT=not-a-port\n');
    assert.match(problemsOf({}, { dotenvDir: dir })[0]!, /^PORT/);
  });

  test('a folder without .env, or dotenvDir false, reads nothing from disk', (t) => {
    const dir = tempDir(t);
    assert.equal(loadConfig({}, { dotenvDir: dir }).port, 3000);
    writeFileSync(join(dir, '.env'), 'PORT=4000\n');
    assert.equal(loadConfig({}, { dotenvDir: false }).port, 3000);
    assert.equal(loadConfig({}, { dotenvDir: dir }).port, 4000);
  });
});

describe('the config is frozen', () => {
  test('no code can change a setting after start', () => {
    const config: Config = load({ TRUST_PROXY: '127.0.0.1' });
    assert.ok(Object.isFrozen(config));
    assert.throws(() => {
      (config as { port: number }).port = 1;
    }, TypeError);
    assert.equal(config.port, 3000);
    assert.throws(() => (config.trustProxy as string[]).push('0.0.0.0/0'), TypeError);
    assert.deepEqual([...config.trustProxy], ['127.0.0.1']);
  });

  test('the database target inside it is frozen too', () => {
    const config = load({ DATABASE_URL: 'postgres://fms@db/fms' });
    assert.ok(Object.isFrozen(config.database), 'config.database can be changed after loading');
    assert.throws(() => {
      (config.database as { url: string }).url = 'postgres://attacker@elsewhere/fms';
    }, TypeError);
  });
});
