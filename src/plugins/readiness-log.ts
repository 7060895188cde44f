// What /readyz tells the log: a failing check once when it starts failing, and again while it keeps
// failing only when its reason changes or some minutes have passed; its recovery once. A load
// balancer probes every few seconds, and a line per probe would bury the log.
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../lib/clock.js';

export interface CheckResult {
  ok: boolean;
  reason?: string;
}

/** While a check keeps failing for the same reason, it is logged again this often. */
export const REPEAT_FAILURE_LOG_MS = 5 * 60_000;
/** A check whose reason changes on every probe (a timeout's milliseconds) is logged at most this often. */
export const MIN_FAILURE_LOG_GAP_MS = 60_000;

interface Failing {
  reason: string;
  since: Date;
  loggedAt: number;
}

/** Returns a function to call with every probe's results; it writes the lines worth writing. */
export function readinessLog(log: Pick<FastifyBaseLogger, 'warn' | 'info'>, clock: Clock): (checks: Record<string, CheckResult>) => void {
  const failing = new Map<string, Failing>();
  return (checks) => {
    const now = clock.now();
    for (const [check, result] of Object.entries(checks)) {
      const known = failing.get(check);
      if (result.ok) {
        if (known) {
          failing.delete(check);
          log.info({ check, failingSince: known.since.toISOString() }, `readiness check ${check} passes again`);
        }
        continue;
      }
      const reason = result.reason ?? 'failed';
      if (known) {
        const quiet = now.getTime() - known.loggedAt;
        const due = quiet >= REPEAT_FAILURE_LOG_MS || (reason !== known.reason && quiet >= MIN_FAILURE_LOG_GAP_MS);
        if (!due) continue;
      }
      const since = known?.since ?? now;
      failing.set(check, { reason, since, loggedAt: now.getTime() });
      log.warn({ check, reason, failingSince: since.toISOString() }, `readiness check ${check} fails: ${reason}`);
    }
  };
}
