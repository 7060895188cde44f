// The offline answer to each intent, from what the asker may see: every figure and name comes from
// another feature's service called as the asker (deadlines, scores, materials, the Waiting Room,
// news, subjects, theses), so access.ts decides what an answer can hold, as it does for the pages.
import { can, waitingRoomScope } from '../../access.js';
import type { ActorContext } from '../../context.js';
import { COUNT_AHEAD } from '../../db/record-counts.js';
import { formatBytes } from '../../lib/bytes.js';
import { formatDeadline, timeFromNow } from '../../lib/department-time.js';
import { departmentWaitingUpTo, getAdminSummary } from '../dashboard/service.js';
import { exercisesDueForLecturer, exercisesOfShownSubject, myExercises, studentOutlook } from '../exercises/service.js';
import { waitingByTeachingOf } from '../exercises/submissions.js';
import type { Guide } from '../help/guide.js';
import { listNews } from '../news/service.js';
import { listMaterials } from '../subjects/materials.js';
import { listSubjects, type SubjectView } from '../subjects/service.js';
import { myThesis } from '../theses/service.js';
import { asksAboutSomeoneElse, asksHow, subjectPhrase, subjectRemainder, type Intent } from './intents.js';
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

/** The questions the assistant's page offers to click: each role's own, with one of their subjects by name. */
export async function examplesFor(ctx: ActorContext): Promise<string[]> {
  if (!isStudent(ctx) && !isLecturer(ctx)) {
    if (ctx.actor.isAdmin) return ['How many students are there?', 'How many submissions are waiting?', 'How do I import students?', 'How do I reset a password?', 'What is the latest news?'];
    return ['What is the latest news?', 'How do I change my password?'];
  }
  const subject = (await listSubjects(ctx, { limit: 1 })).items[0]?.name;
  const files = subject ? `Which files are in ${subject}?` : 'What are my subjects?';
  if (isStudent(ctx)) return ['When is my next deadline?', subject ? `What did I get in ${subject}?` : 'What are my latest scores?', files, 'Is anything I sent still waiting?', 'How do I send an exercise?'];
  return ['How many submissions are waiting?', 'What is due in the next 14 days?', files, 'What are my subjects?', 'How do I release scores?'];
}

export async function answerFor(ctx: ActorContext, intent: Intent, message: string, guide: Guide): Promise<OfflineAnswer> {
  switch (intent) {
    case 'deadlines':
      return deadlines(ctx, message);
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
      return counts(ctx);
    case 'greeting':
      return greeting(ctx);
    case 'guide':
      return fromGuide(ctx, message, guide);
  }
}

const isStudent = (ctx: ActorContext) => ctx.actor.role === 'student' && ctx.actor.studentId !== null;
const isLecturer = (ctx: ActorContext) => ctx.actor.role === 'lecturer' && ctx.actor.lecturerId !== null;

/** An exercise's link: its title and, since titles repeat across subjects ("Exercise 1"), its subject. */
const exerciseLink = (e: { id: number; title: string; subjectName: string }) => ({ title: `${e.title} (${e.subjectName})`, url: `/exercises/${e.id}` });

async function deadlines(ctx: ActorContext, message: string): Promise<OfflineAnswer> {
  // "When is the deadline for Databases?": that subject's, if it is one of the asker's.
  if (subjectPhrase(message) || subjectRemainder(message)) {
    const lookup = await subjectNamed(ctx, message);
    if (lookup.kind === 'found') return deadlinesOf(ctx, lookup.subject);
    if (lookup.kind !== 'unnamed') return subjectNotClear(lookup);
    return withNoSubjectCalled(lookup.tried, await allDeadlines(ctx));
  }
  return allDeadlines(ctx);
}

/**
 * The answer for all of the asker's subjects, said to be that when the question's other words
 * ("Chemistry deadlines") named none of them: the same words whether or not such a subject exists.
 */
function withNoSubjectCalled(tried: string | undefined, answer: OfflineAnswer): OfflineAnswer {
  return tried ? { ...answer, answer: lines(`None of your subjects is called "${tried}". For all of them:`, answer.answer) } : answer;
}

async function allDeadlines(ctx: ActorContext): Promise<OfflineAnswer> {
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
      links: [exerciseLink(next.exercise), ...later.map((d) => exerciseLink(d.exercise)), { title: 'My exercises', url: '/my-exercises' }],
    };
  }
  if (isLecturer(ctx)) {
    const due = await exercisesDueForLecturer(ctx, FORTNIGHT, LISTED);
    if (due.length === 0) return { answer: 'No exercise of your subjects falls due in the next 14 days.', links: [{ title: 'Subjects', url: '/subjects' }] };
    return {
      answer: lines('Due in the next 14 days in your subjects:', ...due.map((e) => bullet(`${e.title} (${e.subjectName}): ${formatDeadline(e.dueAt!, zone)}, ${timeFromNow(e.dueAt!, now)}`))),
      links: due.map(exerciseLink),
    };
  }
  return { answer: 'You have no deadlines of your own. Each subject\'s page lists its exercises and their due times.', links: [{ title: 'Subjects', url: '/subjects' }] };
}

/** The exercises of one of the asker's subjects still ahead: a student's to send, the staff's set. */
async function deadlinesOf(ctx: ActorContext, subject: SubjectView): Promise<OfflineAnswer> {
  const now = ctx.clock.now();
  const zone = ctx.config.timeZone;
  const link = { title: subject.name, url: `/subjects/${subject.id}` };
  const ahead = isStudent(ctx)
    ? (await myExercises(ctx)).filter((m) => m.exercise.subjectId === subject.id && m.exercise.dueAt && m.exercise.dueAt > now && (m.state === 'open' || m.state === 'due soon')).map((m) => m.exercise)
    : (await exercisesOfShownSubject(ctx, subject)).filter((e) => e.dueAt && e.dueAt > now);
  ahead.sort((a, b) => a.dueAt!.getTime() - b.dueAt!.getTime());
  if (ahead.length === 0) return { answer: isStudent(ctx) ? `Nothing of ${subject.name} is due ahead for you to send.` : `No exercise of ${subject.name} is due ahead.`, links: [link] };
  const shown = ahead.slice(0, LISTED);
  return {
    answer: lines(`Due next in ${subject.name}:`, ...shown.map((e) => bullet(`${e.title}: ${formatDeadline(e.dueAt!, zone)}, ${timeFromNow(e.dueAt!, now)}`)), ahead.length > shown.length ? `… and ${ahead.length - shown.length} more on the subject's page.` : null),
    links: [...shown.map((e) => ({ title: e.title, url: `/exercises/${e.id}` })), link],
  };
}

async function scores(ctx: ActorContext, message: string): Promise<OfflineAnswer> {
  // A student sees their own scores only: asked about someone else's, they get no one's.
  if (isStudent(ctx) && asksAboutSomeoneElse(message))
    return { answer: 'I can tell you only your own scores. Ask, e.g., "What are my latest scores?"', links: [{ title: 'My exercises', url: '/my-exercises' }] };
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
    const tried = lookup.kind === 'unnamed' ? lookup.tried : undefined;
    if (latest.length === 0) return withNoSubjectCalled(tried, { answer: 'You have no released scores yet.', links: [{ title: 'My exercises', url: '/my-exercises' }] });
    return withNoSubjectCalled(tried, {
      answer: lines('Your latest scores:', ...latest.map((s) => bullet(`${s.exercise.title} (${s.exercise.subjectName}): ${s.score}`))),
      links: [{ title: 'My exercises', url: '/my-exercises' }],
    });
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
  if (isLecturer(ctx)) {
    // What they teach (an admin's subjects list would be every subject): the dashboard's rows, past terms' left out.
    const taught = new Map<number, { name: string; groups: string[] }>();
    for (const t of await waitingByTeachingOf(ctx, ctx.actor.lecturerId!)) {
      if (t.archived) continue;
      const subject = taught.get(t.subjectId) ?? { name: t.subjectName, groups: [] };
      subject.groups.push(t.groupName);
      taught.set(t.subjectId, subject);
    }
    if (taught.size === 0) return { answer: 'You teach no subjects yet.', links: [{ title: 'Subjects', url: '/subjects' }] };
    const list = [...taught].sort((a, b) => a[1].name.localeCompare(b[1].name));
    return {
      answer: lines('You teach:', ...list.map(([, t]) => bullet(`${t.name} (${t.groups.join(', ')})`))),
      links: list.slice(0, LISTED).map(([id, t]) => ({ title: t.name, url: `/subjects/${id}` })),
    };
  }
  const page = await listSubjects(ctx, { limit: 10 });
  const mine = isStudent(ctx) ? 'Your group takes' : 'The running subjects include';
  if (page.items.length === 0) return { answer: isStudent(ctx) ? 'Your group takes no subjects yet.' : 'No subject is running.', links: [{ title: 'Subjects', url: '/subjects' }] };
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

async function counts(ctx: ActorContext): Promise<OfflineAnswer> {
  const summary = await getAdminSummary(ctx);
  // The department's figures are the admins'.
  if (!summary) return { answer: "The department's figures are for administrators. Ask about your own subjects, deadlines or scores instead.", links: [{ title: 'Dashboard', url: '/dashboard' }] };
  return {
    answer: lines('The department now has:', bullet(count(summary.students, 'student', 'students')), bullet(count(summary.lecturers, 'lecturer', 'lecturers')), bullet(count(summary.groups, 'group', 'groups')), bullet(count(summary.subjects, 'subject', 'subjects'))),
    links: [{ title: 'Dashboard', url: '/dashboard' }],
  };
}

async function greeting(ctx: ActorContext): Promise<OfflineAnswer> {
  return {
    answer: lines(`Hello, ${ctx.actor.displayName}. Ask me about your deadlines, scores, subjects and their files, the Waiting Room, news and theses, or how to do something in FMS. For example:`, ...(await examplesFor(ctx)).map(bullet)),
    links: [{ title: 'Help', url: '/help' }],
  };
}

/**
 * How alike a question and a guide's section must be (lib/similarity.ts cosine) to answer with it:
 * a "how do I …" question says it wants the guides, anything else must match them more closely,
 * or the answer is a guess ("what is 2+2" is about no section).
 */
const GUIDE_MATCH = { asked: 0.1, guessed: 0.16 };

async function fromGuide(ctx: ActorContext, message: string, guide: Guide): Promise<OfflineAnswer> {
  // The import and audit guides are for administrators: the others would be sent to pages they cannot open.
  const found = guide.search(message, { limit: 3, threshold: asksHow(message) ? GUIDE_MATCH.asked : GUIDE_MATCH.guessed, docs: ctx.actor.isAdmin ? undefined : ['users'] });
  if (found.length === 0)
    return { answer: lines("I don't know that one. I can answer questions like these:", ...(await examplesFor(ctx)).map(bullet)), links: [{ title: 'Help', url: '/help' }] };
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
