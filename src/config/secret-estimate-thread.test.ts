import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { describe, test } from 'node:test';
import { secretEstimateProblems, secretEstimateProblemsApart, type Config } from './index.js';

const production = (secretKey: string, metricsToken: string | null = null) => ({ isProduction: true, secretKey, metricsToken }) as Config;

describe("the secrets' strength estimate on a thread of its own (fms serve's primary)", () => {
  test('gives the words the estimate in the process gives: each weak secret named, a strong one passed', async () => {
    const weak = production('passwordpasswordpassword12345678', 'metricsmetricsmetrics2026');
    const apart = await secretEstimateProblemsApart(weak);
    assert.deepEqual(apart, secretEstimateProblems(weak));
    assert.equal(apart.length, 2);
    assert.match(apart[0]!, /^SECRET_KEY is not random enough: about \d+ bits of guessing where 80 are needed/);
    assert.match(apart[1]!, /^METRICS_TOKEN /);

    assert.deepEqual(await secretEstimateProblemsApart(production(randomBytes(32).toString('hex'), randomBytes(24).toString('base64url'))), []);
    assert.deepEqual(await secretEstimateProblemsApart({ isProduction: false, secretKey: 'dev', metricsToken: null } as Config), [], 'outside production nothing is estimated');
  });

  test("leaves no dictionary in the caller's process: zxcvbn is loaded on the thread alone (started from another folder)", () => {
    const script = `
      import { createRequire } from 'node:module';
      const { secretEstimateProblemsApart } = await import(${JSON.stringify(new URL('./index.ts', import.meta.url).href)});
      const problems = await secretEstimateProblemsApart({ isProduction: true, secretKey: 'passwordpasswordpassword12345678', metricsToken: null });
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((file) => file.includes('@zxcvbn-ts'));
      process.stdout.write(JSON.stringify({ problems: problems.length, loaded }));`;
    // From a folder outside the project, as bin/fms.js may run the sources: the thread must find tsx
    // from the project, not from where it was started.
    const child = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script], { encoding: 'utf8', cwd: tmpdir() });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), { problems: 1, loaded: [] });
  });
});
