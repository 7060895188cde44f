// The news of a generated department, as plain data drawn from a seed: three years of articles by
// the department's admins and lecturers, for each audience. Lecturers who are not admins write only
// to groups they teach (news/service.ts' rule), about a subject they teach there; the admins write
// to anyone. Nothing here touches the database; scale.ts writes the articles in bulk.
import type { NewsAudience, NewsCategory } from '../features/news/fields.js';
import type { DepartmentPlan } from './scale-department.js';
import { drawPerson } from './scale-names.js';
import { SeededRandom } from './seeded-random.js';

export interface PlannedArticle {
  category: NewsCategory;
  title: string;
  /** Markdown: a few sentences, sometimes a list or a link. */
  body: string;
  audience: NewsAudience;
  /** Its author: an index into the plan's lecturers, or null for the department's admin account. */
  author: number | null;
  /** Indexes into the plan's groups (audience "groups" only). */
  groups: number[];
  /** How long before the seed it was published, in milliseconds; distinct for every article. */
  ago: number;
  /** How long after publishing it was last changed, or null. */
  editedAfter: number | null;
}

const HOUR = 3_600_000;
/** How far back the news goes: three years. */
const NEWS_SPAN = 3 * 365 * 24 * HOUR;

const audiences: readonly NewsAudience[] = ['everyone', 'students', 'public', 'lecturers', 'groups'];
/** Mostly news for everyone signed in and for students; some public, some for lecturers or groups. */
const audienceWeights = [34, 30, 12, 8, 16];
/** Of the articles for groups: the share a lecturer writes (an admin the rest). */
const LECTURER_SHARE_OF_GROUPS = 0.75;
/** Of the admins' articles: the share the department's admin account writes (an admin lecturer the rest). */
const ADMIN_ACCOUNT_SHARE = 0.7;
/** Of all articles: the share changed after publishing. */
const EDITED_SHARE = 0.08;

const categoryWeights: Record<NewsCategory, number> = { general: 20, announcement: 25, event: 15, exam: 15, research: 10, 'student life': 15 };
const categories = Object.keys(categoryWeights) as NewsCategory[];

const weekdays = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];
const terms = ['autumn', 'spring', 'summer'];
const topics = [
  'machine learning in medicine',
  'quantum error correction',
  'secure software supply chains',
  'graph databases',
  'robot navigation',
  'language models for Armenian and Georgian',
  'energy-efficient computing',
  'computer vision in agriculture',
  'formal verification',
  'climate data analysis',
  'privacy-preserving statistics',
  'accessible user interfaces',
];
const clubs = ['chess club', 'choir', 'photography club', 'debating society', 'robotics club', 'hiking club'];
const sports = ['football', 'volleyball', 'basketball', 'table tennis'];

/** What a template may draw on. */
interface Draw {
  r: SeededRandom;
  room(): string;
  weekday(): string;
  hour(): number;
  topic(): string;
  person(): string;
}

type Template = (d: Draw) => { title: string; body: string };

const byCategory: Record<NewsCategory, Template[]> = {
  general: [
    (d) => {
      const from = d.r.between(7, 9);
      return {
        title: `Library opening hours for the ${d.r.pick(terms)} term`,
        body: `The department library opens **from ${from}:00 to ${from + 10}:00** on weekdays this term. Reading room ${d.room()} stays open until 21:00 during the examination weeks.\n\nBooks can be renewed at the desk or by e-mail.`,
      };
    },
    (d) => {
      const room = d.room();
      return {
        title: `New printers in room ${room}`,
        body: `Two new printers are in room **${room}**. Print from any department computer; the queue is called \`print-${room.toLowerCase()}\`.\n\nThe old printer on the second floor goes away on ${d.weekday()}.`,
      };
    },
    (d) => {
      const from = d.hour();
      return {
        title: 'The department office changes its hours',
        body: `From ${d.weekday()} on, the department office is open **${from}:00–${from + 4}:00** on weekdays. Certificates and transcripts can still be requested at any time by e-mail, and are ready within three working days.`,
      };
    },
  ],
  announcement: [
    (d) => {
      const [room, other, day] = [d.room(), d.room(), d.weekday()];
      return {
        title: `Room ${room} closed on ${day}`,
        body: `Room **${room}** is closed on ${day} for maintenance. The lectures planned there move to room ${other}.\n\nPlease check your timetable before you come.`,
      };
    },
    (d) => {
      const from = d.r.between(18, 21);
      return {
        title: `Network maintenance on ${d.weekday()}`,
        body: `The campus network is down **from ${from}:00 to ${from + 2}:00** for an upgrade. During that time these do not answer:\n\n- Wi-Fi in the lecture halls\n- e-mail\n- the department's web pages\n\nSave your work before it starts.`,
      };
    },
    (d) => {
      const term = d.r.pick(terms);
      return {
        title: `Timetable for the ${term} term published`,
        body: `The timetable of the ${term} term is on the notice board and in your dashboard. Clashes between subjects go to the department office **by ${d.weekday()}**; changes after that are announced here.`,
      };
    },
  ],
  event: [
    (d) => {
      const topic = d.topic();
      return {
        title: `Guest lecture: ${topic}`,
        body: `**${d.person()}** speaks about ${topic} on ${d.weekday()} at ${d.hour()}:00 in room ${d.room()}.\n\nEveryone is welcome; no registration needed. Questions to the speaker may be sent in advance to the department office.`,
      };
    },
    (d) => ({
      title: 'Open day for future students',
      body: `On ${d.weekday()} the department opens its laboratories to future students and their families. Tours start every hour from ${d.hour()}:00 at the main entrance.\n\nStudents who want to help as guides, please write to the office.`,
    }),
    (d) => {
      const hours = d.r.pick([24, 36, 48]);
      return {
        title: `Hackathon: ${hours} hours of ${d.topic()}`,
        body: `Teams of two to four build something in **${hours} hours**. Food and coffee are on the department.\n\n1. Register your team at the office.\n2. Bring a laptop and a charger.\n3. Present your work on the last evening.`,
      };
    },
  ],
  exam: [
    (d) => {
      const term = d.r.pick(terms);
      return {
        title: `Exam timetable for the ${term} session`,
        body: `The timetable of the ${term} examination session is published.\n\n1. Check the dates and rooms of your subjects.\n2. Report clashes to the office **by ${d.weekday()}**.\n\nBring your student card to every exam.`,
      };
    },
    (d) => ({
      title: 'Registration for resits is open',
      body: `Students who missed an exam or want to improve a score register for the resit at the department office until ${d.weekday()}. Each subject has one resit date; it is shown in your dashboard once registered.`,
    }),
    (d) => ({
      title: 'Rules for written exams',
      body: `Phones stay in your bag, switched off. Calculators are allowed where the subject's page says so. You may leave after **30 minutes**; room ${d.room()} is open for those who finish early.`,
    }),
  ],
  research: [
    (d) => {
      const topic = d.topic();
      return {
        title: `New paper on ${topic}`,
        body: `A team from the department published a paper on ${topic}, led by **${d.person()}**. Students who want to join the follow-up work can [read the abstract](https://fms.example/research) and write to the team.`,
      };
    },
    (d) => {
      const topic = d.topic();
      return {
        title: `Research seminar: ${topic}`,
        body: `This week's research seminar is on ${topic}, on ${d.weekday()} at ${d.hour()}:00 in room ${d.room()}. Master's and doctoral students present their progress; everyone may ask questions.`,
      };
    },
    (d) => ({
      title: `A grant for research on ${d.topic()}`,
      body: `The department received a three-year grant. It funds **two doctoral positions** and laboratory equipment; the positions are advertised next month.`,
    }),
  ],
  'student life': [
    (d) => {
      const [sport, day] = [d.r.pick(sports), d.weekday()];
      return {
        title: `The ${sport} tournament starts on ${day}`,
        body: `Teams of students and staff play ${sport} in the sports hall on ${day} evenings. Sign your team up at the students' council; spectators are welcome.`,
      };
    },
    (d) => ({
      title: "Students' council elections",
      body: `Every student may stand for the students' council. Nominations close on ${d.weekday()}; voting is in room ${d.room()} the week after.\n\n- one vote per student\n- bring your student card`,
    }),
    (d) => {
      const club = d.r.pick(clubs);
      return {
        title: `The ${club} welcomes new members`,
        body: `The ${club} meets every ${d.weekday()} at ${d.hour() + 6}:00 in room ${d.room()}. No experience needed: come along once and see.`,
      };
    },
  ],
};

/** What a lecturer writes to the groups they teach, about a subject they teach them. */
const toGroups: { category: NewsCategory; write: (d: Draw, subject: string) => { title: string; body: string } }[] = [
  {
    category: 'announcement',
    write: (d, subject) => {
      const day = d.weekday();
      return { title: `${subject}: no lecture on ${day}`, body: `The lecture of **${subject}** on ${day} is cancelled. We make it up in the last week of the term; the exercises' due times stay as they are.` };
    },
  },
  {
    category: 'announcement',
    write: (d, subject) => {
      const [day, room] = [d.weekday(), d.room()];
      return { title: `${subject}: room change on ${day}`, body: `On ${day}, ${subject} meets in room **${room}** instead of the usual one.` };
    },
  },
  {
    category: 'exam',
    write: (d, subject) => ({
      title: `${subject}: consultation before the exam`,
      body: `A consultation for the exam in **${subject}** takes place on ${d.weekday()} at ${d.hour()}:00 in room ${d.room()}. Bring your questions; we go through last year's paper.`,
    }),
  },
  {
    category: 'general',
    write: (d, subject) => {
      const week = d.r.between(1, 14);
      return { title: `${subject}: notes of week ${week} are up`, body: `The notes and slides of week ${week} are on the subject's page. Read section 2 before ${d.weekday()}'s exercise class.` };
    },
  },
];

/** The groups each lecturer teaches (indexes into the plan's groups), from the teaching. */
function groupsTaught(plan: DepartmentPlan): Map<number, number[]> {
  const taught = new Map<number, Set<number>>();
  for (const t of plan.teaching) {
    const groups = taught.get(t.lecturer) ?? new Set<number>();
    groups.add(t.group);
    taught.set(t.lecturer, groups);
  }
  return new Map([...taught].map(([lecturer, groups]) => [lecturer, [...groups]]));
}

/** Up to `n` distinct items, `first` among them. */
function someOf(r: SeededRandom, items: readonly number[], n: number, first?: number): number[] {
  const picked = new Set<number>(first === undefined ? [] : [first]);
  const want = Math.min(n, items.length);
  while (picked.size < want) picked.add(items[r.below(items.length)]!);
  return [...picked];
}

/**
 * `count` articles drawn from the seed, oldest first (the order a department publishes them in,
 * so their ids follow their dates), each published at its own millisecond within the last three years.
 */
export function planNews(plan: DepartmentPlan, count: number, seed: number): PlannedArticle[] {
  const r = new SeededRandom(seed, 'news');
  const draw: Draw = {
    r,
    room: () => `${r.pick(['A', 'B', 'C', 'D'])}-${r.between(1, 4)}${r.digits(2)}`,
    weekday: () => r.pick(weekdays),
    hour: () => r.between(9, 16),
    topic: () => r.pick(topics),
    person: () => {
      const p = drawPerson(r);
      return `${r.pick(['Prof.', 'Dr.', 'Dr.', ''])} ${p.firstName} ${p.lastName}`.trim();
    },
  };
  const taught = groupsTaught(plan);
  const adminLecturers = plan.lecturers.flatMap((l, i) => (l.isAdmin && !l.archived ? [i] : []));
  const allGroups = [...plan.groups.keys()];
  const admin = () => (adminLecturers.length === 0 || r.chance(ADMIN_ACCOUNT_SHARE) ? null : r.pick(adminLecturers));
  const when = new Set<number>();

  const articles: PlannedArticle[] = [];
  for (let i = 0; i < count; i++) {
    const audience = r.weighted(audiences, audienceWeights);
    let article: Pick<PlannedArticle, 'category' | 'title' | 'body' | 'author' | 'groups'>;
    if (audience === 'groups' && plan.teaching.length > 0 && r.chance(LECTURER_SHARE_OF_GROUPS)) {
      // A lecturer, busier the more they teach, writes about one subject to one to three of their groups.
      const t = r.pick(plan.teaching);
      const template = r.pick(toGroups);
      const subject = plan.subjects[t.subject]!.name;
      article = { category: template.category, ...template.write(draw, subject), author: t.lecturer, groups: someOf(r, taught.get(t.lecturer)!, r.between(1, 3), t.group) };
    } else {
      const category = r.weighted(categories, categories.map((c) => categoryWeights[c]));
      article = { category, ...r.pick(byCategory[category])(draw), author: admin(), groups: audience === 'groups' ? someOf(r, allGroups, r.between(1, 3)) : [] };
    }
    let ago = HOUR + r.below(NEWS_SPAN);
    while (when.has(ago)) ago++;
    when.add(ago);
    const editedAfter = r.chance(EDITED_SHARE) ? Math.min(r.between(1, 48) * HOUR, ago - 1) : null;
    articles.push({ ...article, audience, ago, editedAfter });
  }
  return articles.sort((a, b) => b.ago - a.ago);
}
