// The admin dashboard's charts: sign-ins and hand-ins per day of the department (TIMEZONE) over the
// last 90 days. Triggers tally them per hour (migration 0011, ADR 0019); a day is the hours from its
// midnight to the next. The finished days cannot change (short of a restore), so their sums are
// kept per database for the day, ten minutes at most; today's hours are read on every view. So a
// view reads at most 2 × 24 rows, whether the department has 100 students or 100,000.
import type { Db } from '../../db/index.js';
import { formatShortDate, instantFromLocal, localInputValue } from '../../lib/department-time.js';
import * as repo from './repository.js';

export const ACTIVITY_DAYS = 90;
const HOUR = 3_600_000;
const KEPT_FOR = 10 * 60_000;

export interface ActivityDay {
  /** "2026-12-06": the department's date. */
  day: string;
  /** "6 Dec". */
  label: string;
  signIns: number;
  handIns: number;
}

interface Kept {
  key: string;
  until: number;
  /** The finished days, oldest first. */
  days: ActivityDay[];
  /** The hour today begins. */
  todayFrom: number;
}

const kept = new WeakMap<Db, Kept>();

/** "2026-12-06" for the day `back` days before the given date (calendar arithmetic, no zone). */
function dateBefore(date: string, back: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - back)).toISOString().slice(0, 10);
}

/** The hour (since 1970, UTC) in which the department's day begins; a zone half an hour off UTC begins it in the hour that holds its midnight. */
function hourDayBegins(date: string, timeZone: string): number {
  return Math.floor(instantFromLocal(`${date}T00:00`, timeZone)!.getTime() / HOUR);
}

function sums(rows: readonly { activity: string; hour: number; n: number | string }[], from: number, to: number) {
  let signIns = 0;
  let handIns = 0;
  for (const r of rows) {
    if (r.hour < from || r.hour >= to) continue;
    if (r.activity === 'sign_in') signIns += Number(r.n);
    else handIns += Number(r.n);
  }
  return { signIns, handIns };
}

async function finishedDays(db: Db, today: string, timeZone: string, now: number): Promise<Kept> {
  const key = `${timeZone} ${today}`;
  const have = kept.get(db);
  if (have && have.key === key && have.until > now) return have;
  const dates = Array.from({ length: ACTIVITY_DAYS }, (_, i) => dateBefore(today, ACTIVITY_DAYS - 1 - i));
  const begins = dates.map((d) => hourDayBegins(d, timeZone));
  const todayFrom = begins[begins.length - 1]!;
  const rows = await repo.activityHours(db, begins[0]!, todayFrom);
  const days = dates.slice(0, -1).map((day, i) => ({ day, label: formatShortDate(new Date(begins[i]! * HOUR + 12 * HOUR), timeZone), ...sums(rows, begins[i]!, begins[i + 1]!) }));
  const fresh = { key, until: now + KEPT_FOR, days, todayFrom };
  kept.set(db, fresh);
  return fresh;
}

/** The last 90 days of the department, today last, with the sign-ins and hand-ins of each. */
export async function activityByDay(db: Db, now: Date, timeZone: string): Promise<ActivityDay[]> {
  const today = localInputValue(now, timeZone).slice(0, 10);
  const finished = await finishedDays(db, today, timeZone, now.getTime());
  const rows = await repo.activityHours(db, finished.todayFrom, Math.floor(now.getTime() / HOUR) + 1);
  const todays = { day: today, label: formatShortDate(now, timeZone), ...sums(rows, finished.todayFrom, Infinity) };
  return [...finished.days, todays];
}
