// deploy/fms-cli.sh, the `sudo fms …` wrapper, run for real as root: it reads fms.env the way
// systemd's EnvironmentFile= does (systemd.exec(5); src/basic/env-file.c), never as shell, so a `$`,
// a backtick or a quote in a value arrives as written; it runs FMS as the service user, in FMS_HOME,
// with umask 077, so what a command creates (a database, a backup, restored uploads) is FMS's alone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { inCi, repoRoot, tempDir } from './harness.js';

const script = join(repoRoot, 'deploy', 'fms-cli.sh');
const SERVICE_USER = 'nobody';

function why(): string | false {
  const problem =
    process.getuid?.() !== 0
      ? 'needs root: the wrapper refuses anyone else and switches to the service user'
      : spawnSync('runuser', ['--version']).status !== 0
        ? 'runuser is not installed (Debian package util-linux)'
        : spawnSync('runuser', ['-u', SERVICE_USER, '--', 'test', '-r', join(repoRoot, 'bin', 'fms.js')]).status !== 0
          ? `user ${SERVICE_USER} cannot read this checkout (${repoRoot}), so it cannot stand in for the service user`
          : null;
  if (!problem) return false;
  if (inCi) throw new Error(`CI=true: ${problem}`);
  process.stderr.write(`# skipping: ${problem}\n`);
  return problem;
}
const skip = why();

const uidOf = (user: string) => Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8).padStart(4, '0');

/** A folder the service user may enter, with an env file only root may read. */
function layout(t: TestContext, envText: string | Buffer) {
  const dir = tempDir(t, 'fms-cli-sh-');
  chmodSync(dir, 0o711);
  const envFile = join(dir, 'fms.env');
  writeFileSync(envFile, envText, { mode: 0o600 });
  return { dir, envFile };
}

function wrapper(env: Record<string, string>, args: string[]) {
  // Root's usual umask: the wrapper must not rely on it.
  const result = spawnSync('sh', ['-c', 'umask 022; exec "$@"', 'sh', script, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** An FMS_HOME whose bin/fms.js reports what it was started with, instead of running FMS. */
function reportingHome(dir: string): string {
  const home = join(dir, 'home');
  mkdirSync(join(home, 'bin'), { recursive: true });
  writeFileSync(
    join(home, 'bin', 'fms.js'),
    `const env = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('T_')).sort().map((k) => [k, process.env[k]]));
process.stdout.write(JSON.stringify({ env, umask: process.umask(), uid: process.getuid(), cwd: process.cwd(), args: process.argv.slice(2) }));\n`,
  );
  chmodSync(home, 0o755);
  chmodSync(join(home, 'bin'), 0o755);
  chmodSync(join(home, 'bin', 'fms.js'), 0o644);
  return home;
}

// Each line, and the variable it sets (when its assignment ends on that line) under systemd's rules.
const envLines: [string, [string, string] | null][] = [
  ['# a comment with $HOME and `id`', null],
  ['; a comment too', null],
  ['   # an indented comment', null],
  ['T_PLAIN=plain', ['T_PLAIN', 'plain']],
  ['T_DOLLAR=pa$$word$HOME${X:-y}', ['T_DOLLAR', 'pa$$word$HOME${X:-y}']],
  ['T_BACKTICK=`id -u`$(id -u)', ['T_BACKTICK', '`id -u`$(id -u)']],
  ['T_INNER_QUOTES=it\'s "quoted"', ['T_INNER_QUOTES', 'it\'s "quoted"']],
  ['T_HASH=value # not a comment', ['T_HASH', 'value # not a comment']],
  ['  T_SPACES  =   interior  spaces kept   ', ['T_SPACES', 'interior  spaces kept']],
  ["T_SINGLE='$HOME \\n \"x\" # ;'", ['T_SINGLE', '$HOME \\n "x" # ;']],
  ['T_DOUBLE="\\" \\\\ \\$ \\` stay, \\n too"', ['T_DOUBLE', '" \\ $ ` stay, \\n too']],
  ["T_GLUED='a'b \"c\"", ['T_GLUED', 'ab "c"']],
  ['T_ESCAPED=\\$HOME\\ ', ['T_ESCAPED', '$HOME ']],
  ['T_CONTINUED=one\\', null],
  ['two', ['T_CONTINUED', 'onetwo']],
  ["T_MULTILINE='first", null],
  ["second'", ['T_MULTILINE', 'first\nsecond']],
  ['T_DQ_CONTINUED="three\\', null],
  ['four"', ['T_DQ_CONTINUED', 'threefour']],
  ['T_EMPTY=', ['T_EMPTY', '']],
  ['T_TWICE=first', null],
  ['T_TWICE=second', ['T_TWICE', 'second']],
  ['export T_EXPORTED=1', null],
  ['1T_DIGIT=1', null],
  ['T_NO_EQUALS', null],
  ['T_UTF8=Šarić ključ ✓', ['T_UTF8', 'Šarić ključ ✓']],
];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('deploy/fms-cli.sh', { skip, timeout: 120_000 }, async (t) => {
  await t.test('reads fms.env as systemd does: nothing is expanded, quotes and escapes follow systemd.exec(5)', (t) => {
    const text = `${envLines.map(([line]) => line).join('\n')}\nT_CRLF=crlf\r\nT_OPEN="no closing quote, no final newline`;
    const { dir, envFile } = layout(t, text);
    const home = reportingHome(dir);
    const result = wrapper({ FMS_HOME: home, FMS_ENV: envFile, FMS_USER: SERVICE_USER, NODE: process.execPath }, ['backup', '--output', '/a folder/with $pace', "it's", '`x`']);
    assert.equal(result.status, 0, result.stderr);
    const seen = JSON.parse(result.stdout) as { env: Record<string, string>; umask: number; uid: number; cwd: string; args: string[] };
    const expected = Object.fromEntries([...envLines.flatMap(([, set]) => (set ? [set] : [])), ['T_CRLF', 'crlf'], ['T_OPEN', 'no closing quote, no final newline']]);
    assert.deepEqual(seen.env, Object.fromEntries(Object.entries(expected).sort(([a], [b]) => (a < b ? -1 : 1))));
    assert.deepEqual(seen.args, ['backup', '--output', '/a folder/with $pace', "it's", '`x`'], 'arguments pass through untouched');
    assert.equal(seen.uid, uidOf(SERVICE_USER), 'runs as the service user');
    assert.equal(seen.cwd, home, 'runs in FMS_HOME');
    assert.equal(seen.umask, 0o077, 'umask 077 whatever root had');
    // What systemd drops, the wrapper drops too, and says so.
    assert.match(result.stderr, /line 23: "export T_EXPORTED" is not a variable name; ignored/);
    assert.match(result.stderr, /line 24: "1T_DIGIT" is not a variable name; ignored/);
    assert.match(result.stderr, /line 25: "T_NO_EQUALS" has no "="; ignored/);
  });

  await t.test('a comment ending in a backslash swallows the next line only where this systemd does', (t) => {
    const { dir, envFile } = layout(t, '# a comment \\\nT_AFTER=1\nT_NEXT=2\n');
    const result = wrapper({ FMS_HOME: reportingHome(dir), FMS_ENV: envFile, FMS_USER: SERVICE_USER, NODE: process.execPath }, []);
    assert.equal(result.status, 0, result.stderr);
    const version = Number(/systemd (\d+)/.exec(spawnSync('systemctl', ['--version'], { encoding: 'utf8' }).stdout ?? '')?.[1] ?? 0);
    const env = (JSON.parse(result.stdout) as { env: Record<string, string> }).env;
    assert.deepEqual(env, version > 0 && version < 254 ? { T_NEXT: '2' } : { T_AFTER: '1', T_NEXT: '2' }, `systemd ${version || 'absent'}`);
    assert.match(result.stderr, /line 1: the comment ends in a backslash/);
  });

  await t.test('refuses to run as anyone but root, and names a missing env file', (t) => {
    const { dir, envFile } = layout(t, 'T_X=1\n');
    const asUser = spawnSync('runuser', ['-u', SERVICE_USER, '--', 'sh', script, 'doctor'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', FMS_ENV: envFile } });
    assert.equal(asUser.status, 1);
    assert.match(asUser.stderr, /^fms: run it as root \(sudo fms doctor\)/);
    const missing = wrapper({ FMS_HOME: dir, FMS_ENV: join(dir, 'nope.env'), FMS_USER: SERVICE_USER, NODE: process.execPath }, ['doctor']);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /nope\.env is missing: create it/);
  });

  await t.test('sudo fms migrate and sudo fms backup leave files only the service user can read', (t) => {
    // A password-like value full of shell syntax reaches FMS intact: the SQLite path carries it.
    const { dir } = layout(t, '');
    const data = join(dir, 'data $x `y`');
    mkdirSync(data);
    spawnSync('chown', [SERVICE_USER, data]);
    const envFile = join(dir, 'fms.env');
    writeFileSync(envFile, `FMS_CONFIG=testing\nLOG_LEVEL='warn'\nDATABASE_URL=sqlite:${data}/fms.sqlite\nUPLOAD_FOLDER="${data.replace(/[$`]/g, '\\$&')}/uploads"\n`, { mode: 0o600 });
    const env = { FMS_HOME: repoRoot, FMS_ENV: envFile, FMS_USER: SERVICE_USER, NODE: process.execPath };

    const migrated = wrapper(env, ['migrate']);
    assert.equal(migrated.status, 0, migrated.stderr);
    assert.equal(statSync(join(data, 'fms.sqlite')).uid, uidOf(SERVICE_USER));
    assert.equal(mode(join(data, 'fms.sqlite')), '0600', 'the new SQLite file is not readable by others');

    // No --output: the archives go beside the database, where the timer keeps them.
    const backup = wrapper(env, ['backup']);
    assert.equal(backup.status, 0, backup.stderr);
    const folder = join(data, 'backups');
    assert.match(backup.stdout, new RegExp(`Backup written: ${escapeRegExp(folder)}/fms-backup-\\d{8}T\\d{6}Z\\.tar\\.gz`));
    const [archive] = readdirSync(folder);
    assert.equal(mode(folder), '0700');
    assert.equal(mode(join(folder, archive!)), '0600');

    // The README's restore drill: the newest archive in the folder the timer fills, no shell glob
    // (the operator's shell may not look into that folder).
    const drill = wrapper(env, ['backup', '--verify', folder]);
    assert.equal(drill.status, 0, drill.stderr);
    assert.match(drill.stdout, new RegExp(`^The newest archive in ${escapeRegExp(folder)}: ${escapeRegExp(join(folder, archive!))}\n`));
    assert.match(drill.stdout, /\nPASS: all \d+ items of .* match its manifest\.\n$/);

    // A folder the service user may not write: one line naming the fix, not a raw EACCES.
    const closed = join(dir, 'root-only');
    mkdirSync(closed, { mode: 0o755 });
    const refused = wrapper(env, ['backup', '--output', join(closed, 'backups')]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /^fms: The backup folder \(--output\) .*root-only\/backups does not exist and user nobody \(uid \d+\) may not create it: run `sudo mkdir -p .*`; or pass --output with another folder \(fms-backup\.service uses \/var\/lib\/fms\/backups\)\.\n$/);
  });
});
