// deploy/systemd/: `systemd-analyze verify` passes on fms.service, fms-backup.service and
// fms-backup.timer without a single warning (it exits 0 even on unknown keys and bad values, so its
// output must be empty), the sandbox keeps systemd's exposure rating "OK", and the commands the
// units run exist in the `fms` CLI with the options they use.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findTool, inCi, missingTool, repoRoot, tempDir } from './harness.js';

const analyze = findTool('systemd-analyze');
const skip = analyze ? false : missingTool('systemd-analyze', 'systemd');

const units = ['fms.service', 'fms-backup.service', 'fms-backup.timer'] as const;
const unitText = (name: string) => readFileSync(join(repoRoot, 'deploy', 'systemd', name), 'utf8');

type Unit = Record<string, Record<string, string[]>>;

/** The unit's settings: section -> key -> every value given (repeated keys accumulate). */
function parseUnit(text: string): Unit {
  const unit: Unit = {};
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      unit[section] ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    assert.ok(eq > 0, `not key=value: ${line}`);
    const key = line.slice(0, eq).trim();
    (unit[section]![key] ??= []).push(line.slice(eq + 1).trim());
  }
  return unit;
}

const one = (unit: Unit, section: string, key: string) => {
  const values = unit[section]?.[key];
  assert.ok(values?.length, `[${section}] ${key}= is missing`);
  return values.at(-1)!;
};

/**
 * A copy runnable on this machine: systemd-analyze checks that ExecStart's program exists, so the
 * units point at this node and this checkout, and run as the current user.
 */
function localCopy(dir: string, name: string, text = unitText(name)): string {
  const me = userInfo().username;
  const localText = text
    .replaceAll('/usr/bin/node', process.execPath)
    .replaceAll('/opt/fms/bin/fms.js', join(repoRoot, 'bin', 'fms.js'))
    .replace(/^User=fms$/m, `User=${me}`)
    .replace(/^Group=fms$/m, `Group=${me}`);
  const path = join(dir, name);
  writeFileSync(path, localText);
  return path;
}

function verify(dir: string, files: string[]) {
  const result = spawnSync(analyze!, ['verify', '--man=no', ...files], { cwd: dir, encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

function fmsHelp(...command: string[]): string {
  const result = spawnSync(process.execPath, [join(repoRoot, 'bin', 'fms.js'), ...command, '--help'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, FMS_CONFIG: 'testing' } });
  assert.equal(result.status, 0, `fms ${command.join(' ')} --help failed: ${result.stderr}`);
  assert.match(result.stdout, new RegExp(`^Usage: fms ${command.join(' ')} `, 'm'), `the fms CLI has no \`${command.join(' ')}\` command`);
  return result.stdout;
}

test('deploy/systemd units', { skip, timeout: 60_000 }, async (t) => {
  const dir = tempDir(t, 'fms-systemd-');
  const files = units.map((name) => localCopy(dir, name));

  await t.test('systemd-analyze verify passes without a warning', () => {
    const { status, output } = verify(dir, files);
    assert.equal(status, 0, output);
    assert.equal(output, '', 'systemd-analyze verify printed warnings');
  });

  await t.test('the check catches a broken unit (it exits 0 on bad values, so the output counts)', () => {
    const broken = join(dir, 'broken');
    spawnSync('mkdir', ['-p', broken]);
    const path = localCopy(broken, 'fms.service', unitText('fms.service').replace(/^Restart=always$/m, 'Restart=allways').replace(/^ProtectSystem=strict$/m, 'ProtectSytem=strict'));
    const { output } = verify(broken, [path]);
    assert.match(output, /restart specifier/i);
    assert.match(output, /Unknown key .*ProtectSytem/);
  });

  await t.test('the sandbox keeps systemd\'s exposure rating at "OK" (2.0 or less)', () => {
    for (const name of ['fms.service', 'fms-backup.service']) {
      const result = spawnSync(analyze!, ['security', '--offline=true', '--threshold=20', '--no-pager', join(dir, name)], { cwd: dir, encoding: 'utf8' });
      const rating = /Overall exposure level for .*: ([\d.]+) (\S+)/.exec(result.stdout);
      assert.ok(rating, `no rating for ${name}: ${result.stdout.slice(-500)}${result.stderr}`);
      assert.equal(result.status, 0, `${name}: exposure ${rating[1]} ${rating[2]}`);
      assert.ok(Number(rating[1]) <= 2.0, `${name}: exposure ${rating[1]}`);
    }
  });

  await t.test('fms.service: dedicated user, env file, restarts, the socket nginx connects to', () => {
    const unit = parseUnit(unitText('fms.service'));
    assert.equal(one(unit, 'Service', 'User'), 'fms');
    assert.equal(one(unit, 'Service', 'Group'), 'fms');
    assert.equal(one(unit, 'Service', 'WorkingDirectory'), '/opt/fms');
    assert.equal(one(unit, 'Service', 'EnvironmentFile'), '/etc/fms/fms.env');
    assert.equal(one(unit, 'Service', 'Restart'), 'always');
    assert.equal(one(unit, 'Service', 'KillSignal'), 'SIGTERM');
    assert.equal(one(unit, 'Service', 'RuntimeDirectory'), 'fms');
    for (const [key, value] of [
      ['NoNewPrivileges', 'yes'],
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'yes'],
      ['PrivateTmp', 'yes'],
    ] as const) {
      assert.equal(one(unit, 'Service', key), value, key);
    }
    assert.deepEqual(one(unit, 'Service', 'ReadWritePaths').split(/\s+/).sort(), ['/var/lib/fms', '/var/log/fms']);
    assert.equal(unit.Service!.MemoryDenyWriteExecute, undefined, 'MemoryDenyWriteExecute breaks V8\'s JIT');
    // Longer than the app's own grace period (SHUTDOWN_GRACE, default 30 s), so it can drain.
    assert.ok(Number(one(unit, 'Service', 'TimeoutStopSec')) > 32);

    const exec = one(unit, 'Service', 'ExecStart').split(/\s+/);
    assert.deepEqual(exec.slice(0, 3), ['/usr/bin/node', '/opt/fms/bin/fms.js', 'serve']);
    const bind = exec[exec.indexOf('--bind') + 1]!;
    assert.equal(bind, 'unix:/run/fms/fms.sock');
    assert.equal(exec[exec.indexOf('--umask') + 1], '007');
    assert.ok(exec.includes('--workers'));
    // The socket is where nginx looks for it.
    const nginx = readFileSync(join(repoRoot, 'deploy', 'nginx', 'fms.conf'), 'utf8');
    assert.match(nginx, new RegExp(`^\\s*server ${bind.replace(/[/.]/g, '\\$&')}[ ;]`, 'm'));

    const help = fmsHelp('serve');
    for (const option of ['--workers', '--bind', '--umask']) assert.ok(help.includes(option), `fms serve has no ${option}`);
    // Started means answering on the same socket; reload waits for its outcome; the umask keeps
    // everything but the socket from nginx's group.
    const post = one(unit, 'Service', 'ExecStartPost').split(/\s+/);
    assert.deepEqual(post.slice(0, 3), ['/usr/bin/node', '/opt/fms/bin/fms.js', 'wait-ready']);
    assert.equal(post[post.indexOf('--bind') + 1], bind, 'ExecStartPost waits on the socket ExecStart listens on');
    assert.ok(Number(post[post.indexOf('--timeout') + 1]) < Number(one(unit, 'Service', 'TimeoutStartSec')), 'wait-ready gives up before systemd does, and says why');
    assert.deepEqual(one(unit, 'Service', 'ExecReload').split(/\s+/), ['/usr/bin/node', '/opt/fms/bin/fms.js', 'reload', '--pid', '$MAINPID']);
    for (const option of ['--bind', '--timeout', '--live']) assert.ok(fmsHelp('wait-ready').includes(option), `fms wait-ready has no ${option}`);
    assert.ok(fmsHelp('reload').includes('--pid'));
    assert.equal(one(unit, 'Service', 'UMask'), '0077');
    assert.equal(one(unit, 'Service', 'StateDirectoryMode'), '0700');
    assert.equal(one(unit, 'Service', 'LogsDirectoryMode'), '0700');
    assert.equal(one(unit, 'Service', 'RuntimeDirectoryMode'), '0750', 'nginx\'s group reaches the socket in /run/fms');
    const pre = unit.Service!.ExecStartPre ?? [];
    for (const command of pre) assert.match(command, /fms\.js migrate$/);
    assert.ok(fmsHelp('migrate').length > 0);
  });

  await t.test('fms-backup.service and .timer: a nightly backup with retention, as the fms user', () => {
    const service = parseUnit(unitText('fms-backup.service'));
    assert.equal(one(service, 'Service', 'Type'), 'oneshot');
    assert.equal(one(service, 'Service', 'User'), 'fms');
    assert.equal(one(service, 'Service', 'EnvironmentFile'), '/etc/fms/fms.env');
    assert.equal(one(service, 'Service', 'ProtectSystem'), 'strict');
    const exec = one(service, 'Service', 'ExecStart').split(/\s+/);
    assert.deepEqual(exec.slice(0, 3), ['/usr/bin/node', '/opt/fms/bin/fms.js', 'backup']);
    assert.equal(exec[exec.indexOf('--keep') + 1], '14');
    const output = exec[exec.indexOf('--output') + 1]!;
    assert.ok(one(service, 'Service', 'ReadWritePaths').split(/\s+/).some((path) => output.startsWith(`${path}/`)), 'the backup folder is writable in the sandbox');

    const help = fmsHelp('backup');
    for (const option of ['--output', '--keep']) assert.ok(help.includes(option), `fms backup has no ${option}`);

    const timer = parseUnit(unitText('fms-backup.timer'));
    assert.equal(one(timer, 'Timer', 'OnCalendar'), '*-*-* 02:30:00');
    assert.equal(one(timer, 'Timer', 'Persistent'), 'true');
    assert.ok(one(timer, 'Timer', 'RandomizedDelaySec'));
    assert.equal(one(timer, 'Install', 'WantedBy'), 'timers.target');
    const next = spawnSync(analyze!, ['calendar', '--iterations=1', one(timer, 'Timer', 'OnCalendar')], { encoding: 'utf8' });
    assert.equal(next.status, 0, next.stderr);
    assert.match(next.stdout, /02:30:00/);
  });

  await t.test('deploy/fms-cli.sh runs fms as the service user with the service\'s configuration', async (t) => {
    const script = join(repoRoot, 'deploy', 'fms-cli.sh');
    assert.ok(statSync(script).mode & 0o111, 'not executable');
    const syntax = spawnSync('sh', ['-n', script], { encoding: 'utf8' });
    assert.equal(syntax.status, 0, syntax.stderr);
    /** What only root can check: under CI=true a failure naming what is needed, elsewhere a skip. */
    const cannot = (reason: string) => {
      if (inCi) assert.fail(`CI=true: ${reason}`);
      t.skip(reason);
    };
    if (process.getuid?.() !== 0) {
      // What anyone can check: the wrapper refuses to run for anyone but root, and says why.
      const refused = spawnSync(script, ['migrate'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', FMS_ENV: join(dir, 'absent.env') } });
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /^fms: run it as root \(sudo fms migrate\): .* is readable by root only$/m);
      cannot('running as the service user needs root (the wrapper switches users with runuser): run the suite as root, as .ci/run does');
      return;
    }
    const readable = spawnSync('runuser', ['-u', 'nobody', '--', 'test', '-r', join(repoRoot, 'bin', 'fms.js')]);
    if (readable.status !== 0) {
      cannot(`user nobody cannot read this checkout (${repoRoot}), so it cannot stand in for the service user: make the checkout readable by others (chmod o+rX on it and its parents)`);
      return;
    }
    // As on a server: an env file only root reads, a data folder the service user owns.
    const data = join(dir, 'data');
    spawnSync('mkdir', ['-p', data]);
    chmodSync(dir, 0o711);
    chmodSync(data, 0o777);
    const envFile = join(dir, 'fms.env');
    writeFileSync(envFile, `FMS_CONFIG=production\nSECRET_KEY=${randomBytes(32).toString('hex')}\nDATABASE_URL=sqlite:${data}/fms.sqlite\nLOG_LEVEL="warn"\n`, { mode: 0o600 });
    const env = { PATH: process.env.PATH ?? '', FMS_HOME: repoRoot, FMS_ENV: envFile, FMS_USER: 'nobody', NODE: process.execPath };
    const migrated = spawnSync(script, ['migrate'], { encoding: 'utf8', env });
    assert.equal(migrated.status, 0, migrated.stderr);
    assert.match(migrated.stdout, /Applied \d+ migration/);
    assert.equal(statSync(join(data, 'fms.sqlite')).uid, Number(spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout.trim()), 'the database was created by the service user');
    const status = spawnSync(script, ['migrate', '--status'], { encoding: 'utf8', env });
    assert.match(status.stdout, /up to date/);
  });
});
