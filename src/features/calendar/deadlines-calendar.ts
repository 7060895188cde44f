// A student's deadlines as an iCalendar document (RFC 5545), written by ical-generator: it escapes
// TEXT values (backslash, semicolon, comma, line breaks) and folds lines at 75 octets, counting
// UTF-8 bytes, which is what calendar apps choke on when done by hand.
import { packageOnFirstUse } from '../../lib/on-first-use.js';

const icalGenerator = packageOnFirstUse<typeof import('ical-generator')>('ical-generator');
import { formatDeadline } from '../../lib/department-time.js';
import type { Site } from '../../lib/site.js';
import type { ExerciseState, MyExercise } from '../exercises/service.js';

/** Where the feed is served: links and UIDs name the site the calendar app fetched it from. */
export type FeedSite = Site;

const stateWords: Record<ExerciseState, string> = {
  open: 'open',
  'due soon': 'due soon',
  overdue: 'overdue',
  waiting: 'sent, waiting for a score',
  scored: 'scored',
};

/** Calendar apps poll at their own pace; this asks for hourly, often enough for deadlines. */
const REFRESH_SECONDS = 3600;

// RFC 5545 TEXT allows no control characters but tab and line breaks (which are escaped); a title
// written by a script could hold one, and a strict calendar app would then drop the whole feed.
const controlCharacters = /[^\P{Cc}\t\r\n]/gu;
const clean = (text: string) => text.replace(controlCharacters, '');

export function deadlinesCalendar(props: { exercises: readonly MyExercise[]; site: FeedSite; now: Date; timeZone: string }): string {
  const { default: ical, ICalEventTransparency } = icalGenerator();
  const calendar = ical({
    prodId: { company: 'FMS', product: 'Faculty Management System', language: 'EN' },
    name: 'FMS deadlines',
    ttl: REFRESH_SECONDS,
  });
  for (const mine of props.exercises) {
    const { exercise } = mine;
    if (!exercise.dueAt) continue;
    const url = `${props.site.origin}/exercises/${exercise.id}`;
    const state = mine.state === 'scored' && mine.score !== null ? `scored ${mine.score}` : stateWords[mine.state];
    calendar.createEvent({
      // Stable across fetches and edits, so a calendar app updates the event instead of adding one.
      id: `exercise-${exercise.id}@${props.site.hostname}`,
      stamp: props.now,
      lastModified: exercise.updatedAt,
      // A deadline is a moment: RFC 5545 (3.6.1) reads a VEVENT with a DTSTART and no DTEND as
      // ending when it starts, while a DTEND equal to DTSTART is invalid (3.8.2.2).
      start: exercise.dueAt,
      summary: clean(`${exercise.subjectName}: ${exercise.title}`),
      description: clean(`Due ${formatDeadline(exercise.dueAt, props.timeZone)}.\nState: ${state}.\n${url}`),
      url,
      // A deadline does not make the student busy.
      transparency: ICalEventTransparency.TRANSPARENT,
    });
  }
  return calendar.toString();
}
