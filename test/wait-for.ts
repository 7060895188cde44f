// Waiting for something a test can observe, instead of sleeping for as long as it usually takes: on
// a loaded machine "usually" is wrong both ways (too short fails, too long proves less).
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** How long to wait before failing (ms). The bound is for a machine that is slow, not for speed. */
  timeoutMs?: number;
  /** How often to look (ms). */
  everyMs?: number;
  /** What was last seen, for the failure message. */
  seen?: () => string;
}

/** Resolves once `check` is true; fails naming `what` (and what was last seen) after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, options: WaitOptions = {}): Promise<void> {
  const { timeoutMs = 10_000, everyMs = 20, seen } = options;
  const until = performance.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (performance.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen ? ` (last seen: ${seen()})` : ''}`);
    await sleep(everyMs);
  }
}
