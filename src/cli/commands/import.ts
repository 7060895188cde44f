// `fms import students FILE` and `fms import lecturers FILE`: the same dry run and the same
// all-or-nothing import as the web pages, with the report on stdout, progress on stderr and the new
// accounts' one-time passwords in a credentials sheet readable only by the operator.
import { open, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import {
  applyImport,
  IMPORT_MAX_ROWS,
  ImportHasErrors,
  importKinds,
  ImportPlanChanged,
  LargeChangeUnconfirmed,
  planImport,
  writeCredentialsSheet,
  type ImportKind,
  type ImportReport,
} from '../../features/imports/service.js';
import { formatBytes } from '../../lib/bytes.js';
import { plural } from '../../lib/plural.js';
import { CliError, readConfig, run, withSession } from '../context.js';
import { progressReporter } from './backup.js';

interface ImportFlags {
  dryRun?: boolean;
  confirmLargeChange?: boolean;
  credentials?: string;
  json?: boolean;
}

export function registerImport(program: Command) {
  const command = program
    .command('import')
    .description(`Import students, lecturers or subjects from an .xlsx or .csv file (at most ${IMPORT_MAX_ROWS.toLocaleString('en')} rows; see docs/imports.md)`);
  for (const kind of importKinds) {
    command
      .command(kind)
      .description(`Create and update ${kind} from a spreadsheet: every row or none`)
      .argument('<file>', 'the .xlsx or .csv file (the template is on the Import page)')
      .option('--dry-run', 'only report what would be created, updated and refused; write nothing')
      .option('--confirm-large-change', 'apply even when the import updates more than 20% of the existing records')
      .option('--credentials <file>', 'where to write the new accounts\' one-time passwords (.xlsx; default ./fms-<kind>-credentials-<time>.xlsx; students and lecturers: subjects have no accounts)')
      .option('--json', 'print the report as JSON instead of text')
      .action((file: string, flags: ImportFlags) => run(() => importFile(kind, file, flags)));
  }
}

async function importFile(kind: ImportKind, path: string, flags: ImportFlags): Promise<void> {
  const config = readConfig();
  const file = await readInput(path, config.maxContentLength);
  if (flags.dryRun) {
    const report = await withSession((session) => planImport(session.ctx, kind, file));
    print(report, flags, 'Dry run: nothing was written.');
    if (report.errors.length) throw new CliError(`${plural(report.errors.length, 'error')}: fix the file and run the command again.`);
    if (report.largeChange) process.stdout.write('Applying it will need --confirm-large-change.\n');
    return;
  }
  // Opened before the import so a path that cannot be written fails before anything changes.
  const credentialsPath = resolve(flags.credentials ?? `fms-${kind}-credentials-${stamp(new Date())}.xlsx`);
  let handle: FileHandle | null = null;
  let sheetWritten = false;
  const progress = progressReporter();
  try {
    const result = await withSession(async (session) => {
      progress.update({ step: 'checking rows', done: 0, total: 0, unit: 'rows' });
      try {
        return await session.inTransaction(async (ctx) => {
          const applied = await applyImport(ctx, kind, file, { confirmLargeChange: flags.confirmLargeChange, onProgress: progress.update });
          // The sheet is written before the transaction commits: if it cannot be written, nothing
          // is imported, and no account exists whose password nobody has.
          if (applied.credentials.length) {
            handle = await openPrivate(credentialsPath);
            sheetWritten = true;
            const out = new PassThrough();
            const writing = writeCredentialsSheet(out, kind, applied.credentials);
            for await (const chunk of out) await (handle as FileHandle).write(chunk as Buffer);
            await writing;
            await (handle as FileHandle).close();
            handle = null;
          }
          return applied;
        });
      } finally {
        progress.stop();
      }
    });
    print(result.report, flags, 'Imported: every row was applied.');
    if (result.credentials.length) {
      // Beside --json's report, not inside it: stdout stays one JSON document.
      (flags.json ? process.stderr : process.stdout).write(
        `One-time passwords of the ${result.credentials.length} new account(s): ${credentialsPath} (readable only by you; hand them out, then delete the file).\n`,
      );
    }
  } catch (error) {
    // The transaction rolled back: a sheet written for it names accounts that do not exist.
    if (handle) await (handle as FileHandle).close().catch(() => {});
    if (sheetWritten) await unlink(credentialsPath).catch(() => {});
    if (error instanceof ImportHasErrors) {
      print(error.report, flags, 'Nothing was imported.');
      throw new CliError(`${plural(error.report.errors.length, 'error')}: fix the file and run the command again.`);
    }
    if (error instanceof LargeChangeUnconfirmed) {
      print(error.report, flags, 'Nothing was imported.');
      throw new CliError(`${error.message.replace(/confirm the large change to apply it\.$/, 'run again with --confirm-large-change to apply it.')}`);
    }
    if (error instanceof ImportPlanChanged) throw new CliError(error.message);
    throw error;
  }
}

async function readInput(path: string, limit: number) {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CliError(`${path} is not a file.`);
    size = info.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`Cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (error as Error).message}.`);
  }
  if (size > limit) throw new CliError(`${path} is ${formatBytes(size)}, more than MAX_CONTENT_LENGTH (${formatBytes(limit)}); split it into smaller files.`);
  const handle = await open(path, 'r');
  try {
    return { bytes: await handle.readFile(), filename: basename(path) };
  } finally {
    await handle.close();
  }
}

/** A new file only the operator can read; an existing file is never overwritten. */
async function openPrivate(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      code === 'EEXIST'
        ? `${path} exists already; choose another file with --credentials (nothing was imported).`
        : `Cannot write the credentials sheet to ${path} (${code ?? (error as Error).message}); choose another file with --credentials (nothing was imported).`,
    );
  }
}

function stamp(at: Date): string {
  return at.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}

/** The report, as the web page shows it: counts, warnings, every error, every change. */
function print(report: ImportReport, flags: ImportFlags, closing: string): void {
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const out: string[] = [];
  const n = (value: number) => value.toLocaleString('en').padStart(8);
  out.push(`Import of ${report.kind} from ${report.fileName} (${report.format}, ${plural(report.rows, 'data row')})`);
  out.push(`${n(report.counts.create)}  to create`);
  out.push(`${n(report.counts.update)}  to update`);
  out.push(`${n(report.counts.unchanged)}  unchanged`);
  out.push(`${n(report.counts.rowsWithErrors)}  rows with errors`);
  if (report.largeChange)
    out.push(
      `Large change: ${report.counts.update} of ${report.existingActive} existing ${report.kind} (${Math.round(report.changedShare * 1000) / 10}%, more than ${Math.round(report.largeChangeThreshold * 100)}%).`,
    );
  if (report.warnings.length) {
    out.push('', 'Warnings:');
    for (const w of report.warnings) out.push(`  ${w}`);
  }
  if (report.errors.length) {
    out.push('', `Errors (${report.errors.length}):`);
    for (const e of report.errors) out.push(`  ${e.row === null ? 'file' : `row ${e.row}`}${e.column ? `, ${e.column}` : ''}: ${e.message}`);
  }
  if (report.updates.length) {
    out.push('', `Changes (${report.updates.length}):`);
    for (const u of report.updates) {
      out.push(`  row ${u.row}: ${u.label}`);
      for (const c of u.changes) out.push(`      ${c.column}: ${c.before === '' ? '(empty)' : c.before} -> ${c.after === '' ? '(empty)' : c.after}`);
    }
  }
  out.push('', closing, '');
  process.stdout.write(out.join('\n'));
}
