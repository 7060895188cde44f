import type { Command } from 'commander';
import { runDoctor } from '../../ops/doctor.js';
import { run } from '../context.js';

export function registerDoctor(program: Command) {
  program
    .command('doctor')
    .description('Check the installation against the troubleshooting list: PASS, WARN or FAIL with the fix; exits 1 on any FAIL')
    .action(() =>
      run(async () => {
        const findings = await runDoctor();
        const width = Math.max(...findings.map((f) => f.check.length));
        for (const f of findings) process.stdout.write(`${f.verdict.padEnd(4)}  ${f.check.padEnd(width)}  ${f.detail}\n`);
        const failures = findings.filter((f) => f.verdict === 'FAIL').length;
        const warnings = findings.filter((f) => f.verdict === 'WARN').length;
        process.stdout.write(`\n${failures} failure(s), ${warnings} warning(s)\n`);
        if (failures) process.exitCode = 1;
      }),
    );
}
