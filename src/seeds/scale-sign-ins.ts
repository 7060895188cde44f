// The sign-ins of a department's last 90 days, as audit rows (what a sign-in writes), so that the
// admin dashboard's charts and the bench show a department's worth of them: `perWeekday` students'
// accounts sign in on a weekday (the scale seed: a twentieth of the students; the demo: a dozen), a
// third as many at a weekend, in the day's waking hours.
// Written in batches straight into the audit trail; the triggers of migration 0011 tally them.
import type { ServiceContext } from '../context.js';
import type { Db } from '../db/index.js';
import { SeededRandom } from './seeded-random.js';
import type { OnProgress } from '../ops/data/progress.js';

const DAYS = 90;
const HOUR = 3_600_000;
const BATCH = 1000;

export async function writeSignIns(
  ctx: ServiceContext,
  inStepTransaction: <T>(work: (db: Db) => Promise<T>) => Promise<T>,
  options: { perWeekday: number; seed: number },
  onProgress: OnProgress,
): Promise<number> {
  const step = 'recording sign-ins';
  const r = new SeededRandom(options.seed, 'sign-ins');
  const accounts = (await ctx.db.selectFrom('users').select('id').where('studentId', 'is not', null).where('disabled', '=', false).orderBy('id').execute()).map((u) => u.id);
  if (accounts.length === 0) return 0;
  // Whole hours back from the seed's hour: a day of the chart is 24 of them, whatever the zone.
  const hourNow = Math.floor(ctx.clock.now().getTime() / HOUR);
  const perWeekday = Math.max(1, Math.round(options.perWeekday));
  // About: the progress bar's end.
  const total = Math.round((DAYS * perWeekday * 17) / 21);
  let written = 0;
  let pending: { actorId: number; action: string; entity: string; entityId: string; before: null; after: null; at: Date; ip: null }[] = [];
  const flush = async () => {
    const rows = pending;
    pending = [];
    if (rows.length) await inStepTransaction((db) => db.insertInto('auditLog').values(rows).execute());
  };
  for (let day = DAYS - 1; day >= 0; day--) {
    const dayStart = (hourNow - (hourNow % 24) - day * 24) * HOUR;
    const weekday = new Date(dayStart).getUTCDay();
    // Some days busier than others (a deadline, an exam), by up to 40% either way.
    const usual = weekday === 0 || weekday === 6 ? perWeekday / 3 : perWeekday;
    const count = Math.round(usual * (0.6 + 0.8 * r.next()));
    for (let i = 0; i < count; i++) {
      // 07:00 to 23:00, most in the working day; none after the seed's own hour.
      const at = dayStart + (7 + Math.floor(16 * r.next() ** 1.3)) * HOUR + r.below(HOUR);
      const actorId = accounts[r.below(accounts.length)]!;
      if (at >= hourNow * HOUR) continue;
      pending.push({ actorId, action: 'auth.sign_in', entity: 'user', entityId: String(actorId), before: null, after: null, at: new Date(at), ip: null });
      if (pending.length === BATCH) {
        await flush();
        written += BATCH;
        onProgress({ step, done: Math.min(written, total), total, unit: 'rows' });
      }
    }
  }
  written += pending.length;
  await flush();
  onProgress({ step, done: written, total: written, unit: 'rows' });
  return written;
}
