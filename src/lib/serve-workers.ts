// The worker processes of an `fms serve` primary, read from /proc: what `fms reload` reports as
// replaced, and what the tests watch; and whether a process of a given id is running.
import { readdirSync, readFileSync } from 'node:fs';

/** The `fms serve` worker processes whose parent is `pid`, in pid order. */
export function workersOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      // tsx may give a process an esbuild child too: only `serve` processes are workers.
      if (ppid === pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes('serve')) out.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out.sort((a, b) => a - b);
}

/** Whether a process with this id exists (EPERM: it does, as another user). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
