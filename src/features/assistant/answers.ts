// The offline answer to each intent, from what the asker may see: every figure and name comes from
// another feature's service called as the asker (deadlines, scores, materials, the Waiting Room,
// news, subjects, theses), so access.ts decides what an answer can hold, as it does for the pages.
import { can, waitingRoomScope } from '../../access.js';
import type { ActorContext } from '../../context.js';
import { COUNT_AHEAD } from '../../db/record-counts.js';
import { formatBytes } from '../../lib/bytes.js';
import { formatDeadline, timeFromNow } from '../../lib/department-time.js';
import { departmentWaitingUpTo, getAdminSummary } from '../dashboard/service.js';
import { exercisesDueForLecturer, myExercises, studentOutlook } from '../exercises/service.js';
import { waitingByTeachingOf } from '../exercises/submissions.js';
import type { Guide } from '../help/guide.js';
import { listNews } from '../news/service.js';
import { listMaterials } from '../subjects/materials.js';
import { listSubjects, type SubjectView } from '../subjects/service.js';
import { myThesis } from '../theses/service.js';
import type { Intent } from './intents.js';
import { subjectNamed } from './subject-named.js';

export interface AssistantLink {
  title: string;
  url: string;
}

export interface OfflineAnswer {
  answer: string;
  links: AssistantLink[];
}

/** How many items an answer lists; its links lead to the whole list. */
const LISTED = 5;
const FORTNIGHT = 14 * 86_400_000;

const lines = (...parts: (string | false | null | undefined)[]) => parts.filter((p): p is string => typeof p === 'string' && p !== '').join('\n');
const bullet = (text: string) => `• ${text}`;
/** "1 file", "12 files"; "1 hand-in of yours waits", "2 hand-ins of yours wait". */
const count = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

export const examples = ['When is my next deadline?', 'What did I get in Databases?', 'Which files are in Algorithms?', 'How many submissions are waiting?', 'How do I import students?'];

export async function answerFor(ctx: ActorContext, intent: Intent, message: string, guide: Guide): Promise<OfflineAnswer> {
  switch (intent) {
    case 'deadlines':
      return deadlines(ctx);
    case 'scores':
      return scores(ctx, message);
    case 'files':
      return files(ctx, message);
    case 'waiting':
      return waiting(ctx);
    case 'news':
      return news(ctx);
    case 'subjects':
      return subjects(ctx);
    case 'thesis':
      return thesis(ctx);
    case 'counts':
      return counts(ctx, message, guide);
    case 'greeting':
      return greeting(ctx);
    case 'guide':
      return fromGuide(message, guide);
  }
}

const isStudent = (ctx: ActorContext) => ctx.actor.role === 'student' && ctx.actor.studentId !== null;
const isLecturer = (ctx: ActorContext) => ctx.actor.role === 'lecturer' && ctx.actor.lecturerId !== null;

async function deadlines(ctx: ActorContext): Promise<OfflineAnswer> {
  const now = ctx.clock.now();
  const zone = ctx.config.timeZone;
  if (isStudent(ctx)) {
    const outlook = await studentOutlook(ctx, LISTED);
    const [next, ...later] = outlook.deadlines;
    const overdue = outlook.overdue > 0 ? `${count(outlook.overdue, 'exercise is', 'exercises are')} overdue with nothing sent.` : null;
    if (!next) return { answer: lines('You have no deadline ahead: every exercise with a due time is sent or past.', overdue), links: [{ title: 'My exercises', url: '/my-exercises' }] };
    const due = (e: (typeof outlook.deadlines)[number]['exercise']) => `${e.title} (${e.subjectName}) is due ${formatDeadline(e.dueAt!, zone)}, ${timeFromNow(e.dueAt!, now)}`;
    return {
      answer: lines(`Your next deadline: ${due(next.exercise)}.`, later.length ? 'After it:' : null, ...later.map((d) => bullet(due(d.exercise))), overdue),
      links: [{ title: next.exercise.title, url: `/exercises/${next.exercise.id}` }, ...later.map((d) => ({ title: d.exercise.title, url: `/exercises/${d.exercise.id}` })), { title: 'My exercises', url: '/my-exercises' }],
    };
  }
  if (isLecturer(ctx)) {
    const due = await exercisesDueForLecturer(ctx, FORTNIGHT, LISTED);
    if (due.length === 0) return { answer: 'No exercise of your subjects falls due in the next 14 days.', links: [{ title: 'Subjects', url: '/subjects' }] };
    return {
      answer: lines('Due in the next 14 days in your subjects:', ...due.map((e) => bullet(`${e.title} (${e.subjectName}): ${formatDeadline(e.dueAt!, zone)}, ${timeFromNow(e.dueAt!, now)}`))),
      links: due.map((e) => ({ title: e.title, url: `/exercises/${e.id}` })),
    };
  }
  return { answer: 'You have no deadlines of your own. Each subject\'s page lists its exercises and their due times.', links: [{ title: 'Subjects', url: '/subjects' }] };
}

async function scores(ctx: ActorContext, message: string): Promise<OfflineAnswer> {
  const lookup = await subjectNamed(ctx, message);
  if (lookup.kind === 'several' || lookup.kind === 'unknown') return subjectNotClear(lookup);
  if (isStudent(ctx)) {
    if (lookup.kind === 'found') {
      const subject = lookup.subject;
      const mine = (await myExercises(ctx)).filter((m) => m.exercise.subjectId === subject.id);
      if (mine.length === 0) return { answer: `${subject.name} has no exercises for your group yet.`, links: [{ title: subject.name, url: `/subjects/${subject.id}` }] };
      const scored = mine.filter((m) => m.score !== null);
      const average = scored.length ? scored.reduce((n, m) => n + m.score!, 0) / scored.length : null;
      const stateOf = (m: (typeof mine)[number]) =>
        m.score !== null ? `score ${m.score}` : m.state === 'waiting' ? (m.submission?.status === 'graded' ? 'scored, not released yet' : 'waiting to be scored') : m.state === 'overdue' ? 'overdue, nothing sent' : 'not sent yet';
      return {
        answer: lines(
          `Your scores in ${subject.name}${average !== null ? ` (average ${average.toFixed(2)} of ${count(scored.length, 'score', 'scores')})` : ''}:`,
          ...mine.slice(0, 10).map((m) => bullet(`${m.exercise.title}: ${stateOf(m)}`)),
          mine.length > 10 ? `… and ${mine.length - 10} more on My exercises.` : null,
        ),
        links: [{ title: subject.name, url: `/subjects/${subject.id}` }, { title: 'My exercises', url: '/my-exercises' }],
      };
    }
    const { scores: latest } = await studentOutlook(ctx, LISTED);
    if (latest.length === 0) return { answer: 'You have no released scores yet.', links: [{ title: 'My exercises', url: '/my-exercises' }] };
    return {
      answer: lines('Your latest scores:', ...latest.map((s) => bullet(`${s.exercise.title} (${s.exercise.subjectName}): ${s.score}`))),
      links: [{ title: 'My exercises', url: '/my-exercises' }],
    };
  }
  if (lookup.kind === 'found' && (ctx.actor.isAdmin || isLecturer(ctx))) {
    const subject = lookup.subject;
    return { answer: `The scores of ${subject.name} are in its gradebook, one row per student and one column per exercise.`, links: [{ title: `Gradebook of ${subject.name}`, url: `/subjects/${subject.id}/gradebook` }] };
  }
  return { answer: 'Scores are kept per subject, in its gradebook. Name the subject, e.g. "scores in Databases".', links: [{ title: 'Subjects', url: '/subjects' }] };
}

async function files(ctx: ActorContext, message: string): Promise<OfflineAnswer> {
  const lookup = await subjectNamed(ctx, message);
  if (lookup.kind !== 'found') return subjectNotClear(lookup);
  const subject = lookup.subject;
  const materials = await listMaterials(ctx, subject.id);
  const link = { title: subject.name, url: `/subjects/${subject.id}` };
  if (materials.length === 0) return { answer: `${subject.name} has no files yet.`, links: [link] };
  const shown = materials.slice(0, 10);
  return {
    answer: lines(
      `${subject.name} has ${count(materials.length, 'file', 'files')}:`,
      ...shown.map((m) => bullet(`${m.title} (${m.originalName}, ${formatBytes(m.size)})`)),
      materials.length > shown.length ? `… and ${materials.length - shown.length} more on the subject's page.` : null,
    ),
    links: [link, ...shown.map((m) => ({ title: m.title, url: `/materials/${m.id}/file` }))],
  };
}

async function waiting(ctx: ActorContext): Promise<OfflineAnswer> {
  if (isStudent(ctx)) {
    const waitingOnes = (await myExercises(ctx)).filter((m) => m.state === 'waiting');
    if (waitingOnes.length === 0) return { answer: 'Nothing you sent is waiting: every hand-in is scored, or you have sent none.', links: [{ title: 'My exercises', url: '/my-exercises' }] };
    return {
      answer: lines(`${count(waitingOnes.length, 'hand-in of yours waits', 'hand-ins of yours wait')} for a score (or for its release):`, ...waitingOnes.slice(0, 10).map((m) => bullet(`${m.exercise.title} (${m.exercise.subjectName})`))),
      links: [{ title: 'My exercises', url: '/my-exercises' }],
    };
  }
  const scope = waitingRoomScope(ctx.actor);
  if (scope.kind === 'taughtBy') {
    const bySubject = new Map<string, number>();
    for (const t of await waitingByTeachingOf(ctx, scope.lecturerId)) bySubject.set(t.subjectName, (bySubject.get(t.subjectName) ?? 0) + Number(t.waiting ?? 0));
    const total = [...bySubject.values()].reduce((a, b) => a + b, 0);
    const busy = [...bySubject].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
    return {
      answer: lines(total === 0 ? 'Nothing waits in your Waiting Room.' : `${count(total, 'submission waits', 'submissions wait')} in your Waiting Room:`, ...busy.slice(0, 10).map(([name, n]) => bullet(`${name}: ${n}`))),
      links: [{ title: 'Waiting Room', url: '/waiting-room' }],
    };
  }
  if (scope.kind === 'all') {
    const { total, atLeast } = await departmentWaitingUpTo(ctx, COUNT_AHEAD);
    const figure = atLeast ? `More than ${count(total, 'submission waits', 'submissions wait')}` : count(total, 'submission waits', 'submissions wait');
    return { answer: total === 0 ? 'Nothing waits in the Waiting Room.' : `${figure} in the department's Waiting Room.`, links: [{ title: 'Waiting Room', url: '/waiting-room' }] };
  }
  return { answer: 'You have no Waiting Room.', links: [] };
}

async function news(ctx: ActorContext): Promise<OfflineAnswer> {
  const page = await listNews(ctx, { limit: 3 });
  if (page.items.length === 0) return { answer: 'There is no news for you yet.', links: [{ title: 'News', url: '/news' }] };
  return {
    answer: lines('The latest news:', ...page.items.map((a) => bullet(a.title))),
    links: [...page.items.map((a) => ({ title: a.title, url: `/news/${a.id}` })), { title: 'All news', url: '/news' }],
  };
}

async function subjects(ctx: ActorContext): Promise<OfflineAnswer> {
  if (!can(ctx.actor, 'subjects.view')) return { answer: 'You have no subjects.', links: [] };
  const page = await listSubjects(ctx, { limit: 10 });
  const mine = isStudent(ctx) ? 'Your group takes' : isLecturer(ctx) ? 'You teach' : 'The running subjects include';
  if (page.items.length === 0) return { answer: isStudent(ctx) ? 'Your group takes no subjects yet.' : isLecturer(ctx) ? 'You teach no subjects yet.' : 'No subject is running.', links: [{ title: 'Subjects', url: '/subjects' }] };
  return {
    answer: lines(`${mine}:`, ...page.items.map((s) => bullet(s.name)), page.nextCursor ? '… and more on the Subjects page.' : null),
    links: [...page.items.slice(0, LISTED).map((s) => ({ title: s.name, url: `/subjects/${s.id}` })), { title: 'Subjects', url: '/subjects' }],
  };
}

async function thesis(ctx: ActorContext): Promise<OfflineAnswer> {
  if (isStudent(ctx)) {
    const own = await myThesis(ctx);
    if (!own) return { answer: 'You have no thesis yet. On Theses you can find similar titles and propose yours.', links: [{ title: 'Theses', url: '/theses' }] };
    return {
      answer: lines(`Your thesis: "${own.title}" (${own.status === 'proposed' ? 'proposed by you' : 'recorded'}).`, own.supervisor ? `Supervisor: ${own.supervisor}.` : 'No supervisor yet.', own.year ? `Year: ${own.year}.` : null),
      links: [{ title: 'Theses', url: '/theses' }],
    };
  }
  return { answer: 'On Theses you can find titles like one you type, and see the theses you supervise or record.', links: [{ title: 'Theses', url: '/theses' }] };
}

async function counts(ctx: ActorContext, message: string, guide: Guide): Promise<OfflineAnswer> {
  const summary = await getAdminSummary(ctx);
  // The department's figures are the admins'; others are answered from the guide.
  if (!summary) return fromGuide(message, guide);
  return {
    answer: lines('The department now has:', bullet(count(summary.students, 'student', 'students')), bullet(count(summary.lecturers, 'lecturer', 'lecturers')), bullet(count(summary.groups, 'group', 'groups')), bullet(count(summary.subjects, 'subject', 'subjects'))),
    links: [{ title: 'Dashboard', url: '/dashboard' }],
  };
}

function greeting(ctx: ActorContext): OfflineAnswer {
  return {
    answer: lines(`Hello, ${ctx.actor.displayName}. Ask me about your deadlines, scores, subjects and their files, the Waiting Room, news and theses, or how to do something in FMS. For example:`, ...examples.map(bullet)),
    links: [{ title: 'Help', url: '/help' }],
  };
}

function fromGuide(message: string, guide: Guide): OfflineAnswer {
  const found = guide.search(message, 3);
  if (found.length === 0)
    return { answer: lines("I don't know that one. I can answer questions like these:", ...examples.map(bullet)), links: [{ title: 'Help', url: '/help' }] };
  const best = found[0]!.section;
  return {
    answer: lines(`The guide explains it under "${best.title}"${best.level === 3 ? ` (in "${best.chapter}")` : ''}:`, excerpt(best.markdown)),
    links: found.map((f) => ({ title: f.section.level === 3 ? `${f.section.chapter}: ${f.section.title}` : f.section.title, url: `/help#${f.section.slug}` })),
  };
}

/** A section's opening paragraph as plain text: what it says first, to read on /help. */
function excerpt(markdown: string): string {
  const paragraph = markdown.split(/\n\s*\n/).find((p) => p.trim() !== '' && !/^\s*(```|\|)/.test(p)) ?? '';
  const plain = paragraph
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\*\*([^*]*)\*\*/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > 400 ? `${plain.slice(0, 399).replace(/\s+\S*$/, '')}…` : plain;
}

function subjectNotClear(lookup: { kind: 'several'; phrase: string; subjects: SubjectView[] } | { kind: 'unknown'; phrase: string } | { kind: 'unnamed' }): OfflineAnswer {
  if (lookup.kind === 'several')
    return {
      answer: lines(`Several of your subjects match "${lookup.phrase}":`, ...lookup.subjects.map((s) => bullet(s.name)), 'Ask again with the one you mean.'),
      links: lookup.subjects.map((s) => ({ title: s.name, url: `/subjects/${s.id}` })),
    };
  if (lookup.kind === 'unknown') return { answer: `None of your subjects is called "${lookup.phrase}".`, links: [{ title: 'Subjects', url: '/subjects' }] };
  return { answer: 'Which subject? Name it, e.g. "files in Algorithms".', links: [{ title: 'Subjects', url: '/subjects' }] };
}
