// For tests: a real S3-compatible server (s3rver, a devDependency) on 127.0.0.1 and a free port,
// with its own temporary folder and one empty bucket. It runs in a child process, so memory measured
// in the test process is FMS's alone, and a CLI under test reaches it like any server. Nothing at run
// time imports this file.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import type { S3Target } from './s3.js';

export interface LocalS3 {
  target: S3Target;
  /** A plain SDK client on the same bucket, to look behind the driver's back. */
  client: S3Client;
  /** The variables that point FMS at this server. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export async function startS3rver(bucket = 'fms-uploads'): Promise<LocalS3> {
  const directory = mkdtempSync(join(tmpdir(), 'fms-s3rver-'));
  const script = `
    const S3rver = require('s3rver');
    const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.argv[1], configureBuckets: [{ name: process.argv[2], configs: [] }] });
    server.run().then(({ port }) => process.stdout.write('port=' + port + '\\n'));
    process.on('SIGTERM', () => server.close().then(() => process.exit(0)));`;
  const child = spawn(process.execPath, ['-e', script, directory, bucket], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((done, fail) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`s3rver did not start: ${output}`));
    }, 15_000);
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      const match = /port=(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        done(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`s3rver exited with ${code}: ${output}`));
    });
  });
  // s3rver's fixed credentials. It checks the access key id (not V4 signatures).
  const target: S3Target = {
    kind: 's3',
    bucket,
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
  };
  const client = new S3Client({
    region: target.region,
    endpoint: target.endpoint!,
    forcePathStyle: true,
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    target,
    client,
    env: { S3_BUCKET: bucket, S3_ENDPOINT: target.endpoint!, S3_ACCESS_KEY_ID: target.accessKeyId, S3_SECRET_ACCESS_KEY: target.secretAccessKey },
    async stop() {
      client.destroy();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
