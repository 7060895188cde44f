// `fms backup [--output DIR] [--keep N]` writes an archive; `fms backup --verify ARCHIVE` runs
// the restore drill on one. Progress goes to stderr (a bar on a terminal, plain lines in a
// journal), results to stdout.
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { formatBytes } from '../../lib/bytes.js';
import { TIMER_BACKUP_FOLDER } from '../../ops/backup/backup-folder.js';
import { archiveAt } from '../../ops/backup/archive-name.js';
import { createBackup } from '../../ops/backup/create-backup.js';
import { DEFAULT_KEEP } from '../../ops/backup/prune-archives.js';
import type { OnProgress, ProgressEvent } from '../../ops/data/progress.js';
import { verifyBackup } from '../../ops/restore/verify-backup.js';
import { CliError, readConfig, run, withSession } from '../context.js';

interface BackupFlags {
  output?: string;
  keep: string;
  verify?: string;
  pgDump: boolean;
}

export function registerBackup(program: Command) {
  program
    .command('backup')
    .description('Write one backup archive (database snapshot, uploads, manifest) while FMS keeps running; or check one with --verify')
    .option('--output <dir>', `folder for the archives (default: "backups" beside the SQLite file, else beside UPLOAD_FOLDER; ${TIMER_BACKUP_FOLDER} on the documented layout, as the nightly fms-backup.service)`)
    .option('--keep <n>', 'archives to keep in the folder, this one included; older ones are deleted', String(DEFAULT_KEEP))
    .option('--verify <archive>', 'restore ARCHIVE (or the newest archive in a folder) into a scratch database and folder, compare every count and checksum with its manifest, change nothing')
    .option('--no-pg-dump', 'PostgreSQL: write only the JSON-lines dump even when pg_dump is installed')
    .action((flags: BackupFlags) => run(() => (flags.verify ? verify(flags.verify) : backup(flags))));
}

async function backup(flags: BackupFlags): Promise<void> {
  const keep = Number(flags.keep);
  if (!Number.isInteger(keep) || keep < 1) throw new CliError(`--keep takes a whole number of at least 1 (got "${flags.keep}"), e.g. --keep 14`);
  const progress = progressReporter();
  try {
    // A backup before `fms migrate` is the point of taking one: pending migrations are no reason to refuse.
    const result = await withSession((session) => createBackup(session.ctx, { output: flags.output, keep, pgDump: flags.pgDump, onProgress: progress.update }), { requireCurrentSchema: false });
    progress.stop();
    const { manifest } = result;
    const rows = manifest.tables.reduce((sum, t) => sum + t.rows, 0);
    const uploads = manifest.uploads.included ? `${manifest.uploads.files} upload(s)` : 'no uploads';
    process.stdout.write(`Backup written: ${result.archive}\n`);
    process.stdout.write(`  ${formatBytes(result.bytes)}; ${manifest.tables.length} tables, ${rows} rows, ${uploads}; ${(result.milliseconds / 1000).toFixed(1)} s\n`);
    process.stdout.write(`  database snapshot: ${manifest.snapshot.kind}${manifest.snapshot.note ? ` (${manifest.snapshot.note})` : ''}\n`);
    if (result.pruned.length) process.stdout.write(`  deleted ${result.pruned.length} older archive(s) beyond --keep ${keep}: ${result.pruned.join(', ')}\n`);
    for (const warning of result.warnings) process.stderr.write(`fms: warning: ${warning}\n`);
  } finally {
    progress.stop();
  }
}

async function verify(given: string): Promise<void> {
  const config = readConfig();
  const archive = await archiveAt(given);
  if (archive !== given) process.stdout.write(`The newest archive in ${given}: ${archive}\n`);
  const progress = progressReporter();
  let result;
  try {
    result = await verifyBackup({ config }, archive, { onProgress: progress.update });
  } finally {
    progress.stop();
  }
  for (const check of result.checks) process.stdout.write(`${check.ok ? (check.warning ? 'WARN' : 'PASS') : 'FAIL'}  ${check.item}  ${check.detail}\n`);
  const failed = result.checks.filter((c) => !c.ok);
  if (failed.length) throw new CliError(`${archive} failed verification: ${failed.length} of ${result.checks.length} item(s) failed (${failed.map((c) => c.item).slice(0, 5).join(', ')}${failed.length > 5 ? ', …' : ''}).`);
  const warned = result.checks.filter((c) => c.warning).map((c) => c.item);
  process.stdout.write(`PASS: all ${result.checks.length} items of ${archive} match its manifest${warned.length ? `; WARN: not everything was proven (${warned.join(', ')}, above)` : ''}.\n`);
}

/**
 * Shows ops' progress events: a cli-progress bar when stderr is a terminal, otherwise a line when a
 * step starts and at each quarter, so a journal shows the job moving without a flood of lines.
 */
export function progressReporter(): { update: OnProgress; stop(): void } {
  return process.stderr.isTTY ? barReporter() : lineReporter();
}

function barReporter(): { update: OnProgress; stop(): void } {
  const bar = new cliProgress.SingleBar(
    { format: '{step} [{bar}] {percentage}% {amount}', stream: process.stderr, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let step: string | null = null;
  return {
    update(event) {
      const payload = { step: event.step.padEnd(28), amount: amount(event) };
      const total = Math.max(event.total, 1);
      if (event.step !== step) {
        if (step) bar.stop();
        step = event.step;
        bar.start(total, Math.min(event.done, total), payload);
      } else {
        bar.setTotal(total);
        bar.update(Math.min(event.done, total), payload);
      }
    },
    stop() {
      if (step) bar.stop();
      step = null;
    },
  };
}

function lineReporter(): { update: OnProgress; stop(): void } {
  let step: string | null = null;
  let quarter = -1;
  return {
    update(event) {
      const reached = event.total ? Math.floor((4 * event.done) / event.total) : 0;
      if (event.step === step && reached <= quarter) return;
      if (event.step !== step) quarter = -1;
      step = event.step;
      quarter = reached;
      process.stderr.write(`fms · ${event.step}${event.total ? ` ${amount(event)}` : ''}\n`);
    },
    stop() {},
  };
}

function amount(event: ProgressEvent): string {
  if (!event.total) return '';
  if (event.unit === 'bytes') return `${formatBytes(event.done)} of ${formatBytes(event.total)}`;
  return `${event.done} of ${event.total} ${event.unit}`;
}
