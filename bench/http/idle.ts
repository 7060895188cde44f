// Waits until a server has finished the work a load left behind. A client that stops (the end of
// a warm-up or of a measurement) abandons up to one request per connection, and the server still
// runs each of them to the end: without this wait, a slow scenario's backlog would be measured as
// the next scenario's slowness.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/** CPU time a process has used, in clock ticks (user + system), or 0 when it is gone. */
function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of proc(5), counted from the state (field 3) here.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

const TICK_MS = 10;
const WINDOW_MS = 200;

/**
 * Returns once the processes have used under 5% of a core for two windows in a row and
 * `busyElsewhere` (the database server) says it is done too; the milliseconds it waited, or -1
 * when they were still busy after `maxMs`.
 */
export async function waitUntilIdle(pids: () => number[], busyElsewhere: (() => Promise<boolean>) | null, maxMs = 180_000): Promise<number> {
  const start = Date.now();
  let quiet = 0;
  while (Date.now() - start < maxMs) {
    const watched = pids();
    const before = watched.reduce((sum, pid) => sum + cpuTicks(pid), 0);
    await sleep(WINDOW_MS);
    const used = (watched.reduce((sum, pid) => sum + cpuTicks(pid), 0) - before) * TICK_MS;
    const idle = used <= WINDOW_MS * 0.05 && !(await busyElsewhere?.());
    quiet = idle ? quiet + 1 : 0;
    if (quiet >= 2) return Date.now() - start - 2 * WINDOW_MS;
  }
  return -1;
}

/** Whether PostgreSQL is still running statements on the database (ours excepted). */
export function postgresBusy(serverUrl: string, database: string): { check: () => Promise<boolean>; close: () => Promise<void> } {
  const client = new pg.Client({ connectionString: serverUrl });
  const connected = client.connect();
  return {
    check: async () => {
      await connected;
      const { rows } = await client.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = $1 and state = 'active' and pid <> pg_backend_pid()", [database]);
      return rows[0]!.n > 0;
    },
    close: () => connected.then(() => client.end()).catch(() => {}),
  };
}
