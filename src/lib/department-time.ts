// Deadlines are instants (UTC in the database) shown and typed in the department's time zone
// (TIMEZONE): a lecturer in Yerevan types 23:59 and means 23:59 in Yerevan, whatever the server's
// zone, and every student sees that same moment written the same way, with the zone named.

/**
 * One formatter per zone and purpose, made once: an Intl.DateTimeFormat costs ICU memory and a
 * fraction of a millisecond to build, and a Waiting Room page formats hundreds of times (made per
 * call, a process under load grew past 1 GB, bench/RESULTS.md).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(kind: 'parts' | 'deadline' | 'short', timeZone: string): Intl.DateTimeFormat {
  const key = `${kind} ${timeZone}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter =
      kind === 'parts'
        ? new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
        : kind === 'short'
          ? new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short' })
          : new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** The wall-clock parts of an instant in a zone. */
function partsIn(at: Date, timeZone: string) {
  const parts = formatterOf('parts', timeZone).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** How far the zone's wall clock is ahead of UTC at this instant, in ms. */
function offsetAt(at: Date, timeZone: string): number {
  const p = partsIn(at, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The instant a wall-clock time ("2026-12-10T23:59", as a datetime-local input sends it) names in
 * the zone, or null when the text is not such a time. A time the clocks skip (spring forward) is
 * read as the same wall time after the change; a time they pass twice, as its first passing.
 */
export function instantFromLocal(text: string, timeZone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  // Two passes: the offset at the first guess may differ from the offset at the answer (DST).
  let guess = wall - offsetAt(new Date(wall), timeZone);
  guess = wall - offsetAt(new Date(guess), timeZone);
  return new Date(guess);
}

/** The instant as a datetime-local input's value in the zone: "2026-12-10T23:59". */
export function localInputValue(at: Date, timeZone: string): string {
  const p = partsIn(at, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}`;
}

/**
 * A department's exercises share a few thousand due times, and a record or a Waiting Room formats
 * a hundred or more of them per page; ICU takes about a microsecond each. Kept as written; the map
 * starts over when full, so it cannot grow without bound.
 */
const deadlines = new Map<string, string>();
const DEADLINES_KEPT = 10_000;

/** "Thu, 10 Dec 2026, 23:59 Europe/Zagreb": the absolute date and time, the zone named. */
export function formatDeadline(at: Date, timeZone: string): string {
  const key = `${timeZone} ${at.getTime()}`;
  let text = deadlines.get(key);
  if (text === undefined) {
    text = `${formatterOf('deadline', timeZone).format(at).replace(' at ', ', ')} ${timeZone}`;
    if (deadlines.size >= DEADLINES_KEPT) deadlines.clear();
    deadlines.set(key, text);
  }
  return text;
}


/** "10 Dec": a day of the month, short, in the zone (a gradebook column's due date). */
export function formatShortDate(at: Date, timeZone: string): string {
  return formatterOf('short', timeZone).format(at);
}

/** "in 3 days", "in 5 hours", "2 days ago", "just now": how far the instant is from now, roughly. */
export function timeFromNow(at: Date, now: Date): string {
  const ms = at.getTime() - now.getTime();
  const abs = Math.abs(ms);
  if (abs < 60_000) return 'just now';
  const unit = abs >= 2 * 86_400_000 ? { n: Math.round(abs / 86_400_000), name: 'day' } : abs >= 2 * 3_600_000 ? { n: Math.round(abs / 3_600_000), name: 'hour' } : { n: Math.max(1, Math.round(abs / 60_000)), name: 'minute' };
  const amount = `${unit.n} ${unit.name}${unit.n === 1 ? '' : 's'}`;
  return ms >= 0 ? `in ${amount}` : `${amount} ago`;
}
