import { fileRecordsByKey } from '../../features/files/service.js';
import { existsSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { formatBytes } from '../../lib/bytes.js';
import { copyObjects, type FileRecord } from '../../storage/copy.js';
import { assertUploadFolderWritable, createLocalStorage, createS3Storage, createStorage } from '../../storage/index.js';
import { CliError, readConfig, run, withSession } from '../context.js';

const s3Variables = 'S3_BUCKET, S3_ENDPOINT (unless AWS), S3_REGION, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY';

export function registerStorage(program: Command) {
  const storage = program.command('storage').description('Where uploads live: check it, or move them between UPLOAD_FOLDER and S3');

  storage
    .command('check')
    .description('Say where uploads are stored and whether this process can write there')
    .action(() =>
      run(async () => {
        const config = readConfig();
        const store = createStorage(config);
        try {
          const health = await store.check();
          if (!health.ok) throw new CliError(`Uploads go to ${store.describe()}, which is not usable: ${health.reason}`);
          process.stdout.write(`Uploads go to ${store.describe()}: writable.\n`);
        } finally {
          await store.close();
        }
      }),
    );

  storage
    .command('copy')
    .description('Copy every upload from UPLOAD_FOLDER to the S3 bucket (--to s3) or back (--to local), verifying each copy by SHA-256')
    .requiredOption('--to <where>', 's3 (from UPLOAD_FOLDER to S3_BUCKET) or local (from S3_BUCKET to UPLOAD_FOLDER)')
    .option('--overwrite', 'replace target objects whose content differs from the source (by default they are reported and the copy fails)')
    .action((options: { to: string; overwrite?: boolean }) =>
      run(async () => {
        if (options.to !== 's3' && options.to !== 'local') throw new CliError(`--to takes s3 or local, not "${options.to}"`);
        const config = readConfig();
        if (config.storage.kind !== 's3')
          throw new CliError(`fms storage copy needs both sides: UPLOAD_FOLDER (${config.uploadFolder}) and the bucket; set ${s3Variables}.`);
        const folder = createLocalStorage(config.uploadFolder);
        const bucket = createS3Storage(config.storage);
        const [source, target] = options.to === 's3' ? [folder, bucket] : [bucket, folder];
        try {
          await withSession(async (session) => {
            if (options.to === 's3' && !existsSync(config.uploadFolder))
              throw new CliError(`UPLOAD_FOLDER ${config.uploadFolder} does not exist: there is nothing to copy (check UPLOAD_FOLDER).`);
            if (options.to === 'local') await assertUploadFolderWritable(config.uploadFolder);
            for (const [side, store] of [['source', source], ['target', target]] as const) {
              const health = await store.check();
              if (!health.ok) throw new CliError(`The ${side}, ${store.describe()}, is not usable: ${health.reason}`);
            }

            // One query for every row: the files table is small next to the files themselves.
            const records: Map<string, FileRecord> = await fileRecordsByKey(session.ctx);

            process.stderr.write(`Copying ${source.describe()} -> ${target.describe()}\n`);
            const bar = new cliProgress.SingleBar(
              { format: ' {bar} {value}/{total} files | {duration_formatted} | {key}', stream: process.stderr, hideCursor: true, etaBuffer: 50 },
              cliProgress.Presets.shades_classic,
            );
            const report = await copyObjects({
              source,
              target,
              records,
              overwrite: options.overwrite,
              onStart: (objects) => bar.start(objects, 0, { key: '' }),
              onObject: (done, key) => bar.update(done, { key }),
            }).finally(() => bar.stop());

            for (const { key, problem } of report.problems) process.stderr.write(`FAIL ${key}: ${problem}\n`);
            process.stdout.write(
              `${report.total} object(s) in ${source.describe()}: ${report.copied} copied (${formatBytes(report.copiedBytes)}), ` +
                `${report.skipped} already in ${target.describe()} with the same SHA-256, ${report.problems.length} problem(s).\n`,
            );
            if (report.problems.length) {
              process.stdout.write('Every copy that was made was read back and verified; fix the problems above and run the command again.\n');
              throw new CliError(`${report.problems.length} object(s) were not copied or did not verify.`);
            }
            process.stdout.write(
              options.to === 's3'
                ? `Every object verified by SHA-256. Start FMS with the same S3_* variables to serve uploads from ${target.describe()}; keep ${config.uploadFolder} until you have checked the app.\n`
                : `Every object verified by SHA-256. Unset S3_BUCKET (and the other S3_* variables) to serve uploads from ${config.uploadFolder}.\n`,
            );
          });
        } finally {
          await Promise.all([folder.close(), bucket.close()]);
        }
      }),
    );
}
