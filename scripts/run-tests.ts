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

const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=120000', ...flags, ...files], {
  stdio: 'inherit',
  env: { ...process.env, FMS_CONFIG: 'testing' },
});
process.exit(result.status ?? 1);
