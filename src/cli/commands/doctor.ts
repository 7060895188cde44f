import type { Command } from 'commander';
import { runDoctor, type Finding } from '../../ops/doctor.js';
import { run } from '../context.js';

/** The last line: a check that could not run is counted, so "0 failure(s)" never hides it. */
export function summary(findings: Finding[]): string {
  const count = (verdict: Finding['verdict']) => findings.filter((f) => f.verdict === verdict).length;
  return `${count('FAIL')} failure(s), ${count('WARN')} warning(s), ${count('SKIP')} skipped`;
}

export function registerDoctor(program: Command) {
  program
    .command('doctor')
    .description('Check the installation against the troubleshooting list: PASS, WARN or FAIL with the fix, SKIP for a check that could not run; exits 1 on any FAIL')
    .action(() =>
      run(async () => {
        const findings = await runDoctor();
        const width = Math.max(...findings.map((f) => f.check.length));
        for (const f of findings) process.stdout.write(`${f.verdict.padEnd(4)}  ${f.check.padEnd(width)}  ${f.detail}\n`);
        process.stdout.write(`\n${summary(findings)}\n`);
        if (findings.some((f) => f.verdict === 'FAIL')) process.exitCode = 1;
      }),
    );
}
