// The secrets' strength estimate on a thread of its own, for `fms serve`'s primary.
//
// The estimate builds zxcvbn's dictionaries (0.3–0.7 s, about 60 MB of heap). The primary never
// checks a password after it, yet its heap kept them: releasing the references frees nothing until
// a full collection runs, and a primary that only forks and waits allocates too little for V8 to
// run one (it still held 135 MB, 79 of them heap, half a minute after the estimate, unchanged). A thread's heap goes
// with the thread: the primary stays small whatever the estimate needed.
//
// This file is both sides: secretEstimateProblemsOnThread starts it as a thread (its own entry in
// the bundle, scripts/bundle-server.ts), and as a thread it answers the problems and ends.
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { secretEstimateProblem, type SecretName } from './secrets.js';

interface Secrets {
  secrets: [SecretName, string][];
}

/** The estimate's problems in loadConfig's words, worked out on a thread that ends after. */
export function secretEstimateProblemsOnThread(secrets: readonly [SecretName, string][]): Promise<string[]> {
  if (secrets.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    // The process's own flags are not the thread's business (`--input-type` would even refuse a file).
    const options = { workerData: { secrets: [...secrets] } satisfies Secrets, execArgv: [] };
    // Run from the sources (tests, `npm run dev`, bin/fms.js without a build), the thread registers
    // tsx itself: a thread does not inherit the loader hooks the process registered (Node 20 and
    // 24). Found from here, not from the folder fms was started in, with the project's tsconfig.
    const thread = import.meta.url.endsWith('.ts')
      ? new Worker(
          `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register({ tsconfig: ${JSON.stringify(fileURLToPath(new URL('../../tsconfig.json', import.meta.url)))} }); return import(${JSON.stringify(import.meta.url)}); });`,
          { ...options, eval: true },
        )
      : new Worker(new URL('./secret-estimate-thread.js', import.meta.url), options);
    let answered = false;
    thread.once('message', (problems: string[]) => {
      answered = true;
      resolve(problems);
    });
    // Said as the check that could not run, which `fms serve` then prints as its reason to stop.
    thread.once('error', (error: Error & { code?: string }) => {
      const fix = error.code === 'MODULE_NOT_FOUND' || error.code === 'ERR_MODULE_NOT_FOUND' ? '; the build is incomplete: run `npm run build` again' : '';
      reject(new Error(`the strength check of SECRET_KEY and METRICS_TOKEN could not run: ${error.message}${fix}`));
    });
    thread.once('exit', (code) => {
      if (!answered) reject(new Error(`the strength check of SECRET_KEY and METRICS_TOKEN ended (exit code ${code}) before it answered`));
    });
  });
}

if (!isMainThread && parentPort && (workerData as Partial<Secrets> | null)?.secrets) {
  const { secrets } = workerData as Secrets;
  const problems = secrets.map(([name, value]) => secretEstimateProblem(name, value)).filter((problem): problem is string => problem !== null);
  parentPort.postMessage(problems);
}
