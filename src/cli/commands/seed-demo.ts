// `fms seed-demo`: the small demo department with its published sign-ins (never in production), or
// with --scale a generated department of realistic size whose passwords are all random, allowed
// anywhere but only into a database with no accounts.
import type { Command } from 'commander';
import { seedDemoDepartment } from '../../seeds/demo.js';
import { demoLogins } from '../../seeds/demo-logins.js';
import { DEFAULT_DEMO_SEED, demoScales, isDemoScale, isDemoSeed, SCALE_MESSAGE, SEED_MESSAGE, seedDepartmentAtScale, type DemoScale } from '../../seeds/scale.js';
import { CliError, run, withSession } from '../context.js';
import { progressReporter } from './backup.js';

interface SeedFlags {
  scale?: string;
  seed?: string;
}

const sizes = Object.entries(demoScales)
  .map(([name, s]) => `${name} ${s.students.toLocaleString('en')} students / ${s.groups.toLocaleString('en')} groups / ${s.lecturers.toLocaleString('en')} lecturers / ${s.subjects.toLocaleString('en')} subjects`)
  .join('; ');

export function registerSeedDemo(program: Command) {
  program
    .command('seed-demo')
    .description('Fill an empty database with the demo department (refused in production), or with --scale a generated department with random passwords')
    .option('--scale <scale>', `generate a department of this size instead: ${sizes}`)
    .option('--seed <n>', `with --scale: the same seed gives the same department (default ${DEFAULT_DEMO_SEED})`)
    .action((flags: SeedFlags) => run(() => (flags.scale === undefined && flags.seed === undefined ? seedDemo() : seedAtScale(flags))));
}

async function seedDemo(): Promise<void> {
  await withSession(async (session) => {
    if (session.config.isProduction) throw new CliError('The demo department has published passwords and is never seeded in production.');
    const seeded = await session.db.transaction().execute((trx) => seedDemoDepartment({ ...session.ctx, db: trx }));
    if (!seeded) throw new CliError('The database already has accounts; the demo department is only seeded into an empty one.');
  });
  process.stdout.write('Seeded the demo department. Sign in with:\n');
  for (const l of demoLogins) process.stdout.write(`  ${l.role.padEnd(9)} ${l.username} / ${l.password}\n`);
}

/** The options as given, checked before the database is opened. */
function parseFlags(flags: SeedFlags): { scale: DemoScale; seed: number } {
  if (flags.scale === undefined) throw new CliError(`--seed needs --scale: the seed chooses a generated department (e.g. --scale small --seed ${flags.seed}); the demo department has no seed.`);
  if (!isDemoScale(flags.scale)) throw new CliError(`--scale ${flags.scale}: ${SCALE_MESSAGE}`);
  if (flags.seed === undefined) return { scale: flags.scale, seed: DEFAULT_DEMO_SEED };
  const seed = /^\d{1,10}$/.test(flags.seed) ? Number(flags.seed) : NaN;
  if (!isDemoSeed(seed)) throw new CliError(`--seed ${flags.seed}: ${SEED_MESSAGE}`);
  return { scale: flags.scale, seed };
}

async function seedAtScale(flags: SeedFlags): Promise<void> {
  const { scale, seed } = parseFlags(flags);
  const progress = progressReporter();
  let result, storedIn;
  try {
    ({ result, storedIn } = await withSession(async (session) => ({
      result: await seedDepartmentAtScale(session.ctx, { scale, seed, onProgress: progress.update }),
      storedIn: session.ctx.storage?.describe() ?? 'UPLOAD_FOLDER',
    })));
  } finally {
    // The bar ends before anything else is written, on success or failure.
    progress.stop();
  }
  const n = (value: number) => value.toLocaleString('en');
  process.stdout.write(`Seeded a generated department (scale ${scale}, seed ${seed}) in ${(result.milliseconds / 1000).toFixed(1)} s:\n`);
  process.stdout.write(`  ${n(result.students)} students in ${n(result.groups)} groups, ${n(result.lecturers)} lecturers, each with an account, and the admin.\n`);
  process.stdout.write(`  ${n(result.subjects)} subjects with ${n(result.exercises)} exercises and ${n(result.submissions)} submissions; ${n(result.files)} generated files in ${storedIn}.\n`);
  process.stdout.write(`  ${n(result.news)} news articles over the last three years.\n`);
  process.stdout.write(`  ${n(result.theses)} theses; ${n(result.signIns)} sign-ins over the last 90 days.\n`);
  process.stdout.write('Sign in as the administrator with this one-time password (shown only now; you choose your own at the first sign-in):\n');
  process.stdout.write(`  ${result.adminUsername} / ${result.adminPassword}\n`);
  process.stdout.write("Every other account has a random one-time password, sealed in its import for one download by the admin (Import page), or set anew with Reset password.\n");
}
