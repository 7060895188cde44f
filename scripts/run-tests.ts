// Runs every *.test.ts(x) under src/ and test/ with node's test runner (through tsx). Extra
// arguments are passed on, e.g. `npm test -- --test-name-pattern=csrf`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

function find(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : find(path);
    return /\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

const root = process.cwd();
const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
const files = only.length ? only : [...find(join(root, 'src')), ...find(join(root, 'test'))].map((f) => relative(root, f)).sort();

// The timeout is a guard against a hang, not a speed check (benchmarks do that). Node applies it to
// each test file as a whole too, and a file that spawns many `fms` processes (src/cli/cli.test.ts:
// 75 s alone on two idle cores) can pass 120 s while another file runs beside it on a busy machine.
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000', ...flags, ...files], {
  stdio: 'inherit',
  env: { ...process.env, FMS_CONFIG: 'testing' },
});
process.exit(result.status ?? 1);
