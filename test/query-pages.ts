// The pages whose SQL the query suites watch (issue 11's list: the sign-in page, each role's
// dashboard, the students list in its four forms, the other lists, a student's record, the JSON
// API's list and search; issue 13's news list, article, feed and public API), each requested as its
// role would, with the statements it sent.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import type { ServiceContext } from '../src/context.js';
import type { Db } from '../src/db/index.js';
import { setAccountDisabled, setPasswordForDemo } from '../src/features/accounts/service.js';
import { databaseSessionStore } from '../src/features/auth/session-store.js';
import type { NewsCategory } from '../src/features/news/fields.js';
import { STUDENTS_PAGE_SIZE } from '../src/features/students/service.js';
import { newsCursorAfter } from '../src/features/news/service.js';
import { Browser } from './http.js';
import { listing, type QueryLog, type Statement } from './query-log.js';

export type Role = 'anonymous' | 'admin' | 'lecturer' | 'student' | 'api';

export type PageId =
  | 'sign-in'
  | 'dashboard-admin'
  | 'dashboard-lecturer'
  | 'dashboard-student'
  | 'students'
  | 'students-page'
  | 'students-search'
  | 'students-group'
  | 'students-archived'
  | 'students-lecturer'
  | 'lecturers'
  | 'groups'
  | 'accounts'
  | 'accounts-lecturers'
  | 'accounts-search'
  | 'accounts-search-students'
  | 'audit'
  | 'audit-groups'
  | 'student-record'
  | 'student-record-lecturer'
  | 'student-record-own'
  | 'lecturer-record'
  | 'api-students'
  | 'api-students-500'
  | 'api-search'
  | 'subjects'
  | 'subjects-lecturer'
  | 'subjects-student'
  | 'subject'
  | 'waiting-room'
  | 'my-exercises'
  | 'api-waiting-room'
  | 'gradebook'
  | 'news'
  | 'news-student'
  | 'news-student-category'
  | 'news-lecturer'
  | 'news-lecturer-older'
  | 'news-article'
  | 'news-feed'
  | 'api-public-news'
  | 'theses'
  | 'theses-lecturer'
  | 'theses-student'
  | 'api-theses-similar'
  | 'assistant-student'
  | 'assistant-student-scores'
  | 'assistant-lecturer'
  | 'assistant-admin';

export interface WatchedPage<Id extends string = PageId> {
  id: Id;
  label: string;
  role: Role;
  path: string;
}

/** What the addresses name in a given department. */
export interface PageTargets {
  /** A group with students, taught by the signed-in lecturer. */
  groupId: number;
  /** A student's record, seen by the admin. */
  studentId: number;
  /** A word in some students' names. */
  searched: string;
  /** A students' page by number that exists. */
  pageNumber: number;
  /** A subject the signed-in lecturer teaches to `groupId`. */
  subjectId: number;
  /** The signed-in lecturer's record (its subjects with their waiting counts), seen by the admin. */
  lecturerId: number;
  /** An article the signed-in student may read: one for their group where there is one. */
  newsId: number;
  /** The news list's Older link from the middle of the news. */
  newsCursor: string;
}

/** The category the news list is filtered by. */
const NEWS_CATEGORY: NewsCategory = 'exam';

/** The page targets of a seeded department, and who signs in to see them. */
interface FoundTargets extends PageTargets {
  /** Active students (the middle page is counted from them). */
  students: number;
  /** The account of `studentId`, a student of `groupId`. */
  studentUserId: number;
  /** The account of a lecturer who teaches `groupId`, not an admin as well where another teaches it. */
  lecturerUserId: number;
}

/**
 * What the pages name in a seeded department (src/seeds/scale.ts), found the same way by the plan
 * test and the bench: a student from the middle of the list rather than the first row written, in a
 * group an active lecturer teaches; that lecturer; the middle page; a common surname's start.
 */
export async function findPageTargets(db: Db): Promise<FoundTargets> {
  const { n } = await db.selectFrom('students').select((eb) => eb.fn.countAll<number>().as('n')).where('archived', '=', false).executeTakeFirstOrThrow();
  const students = Number(n);
  const student = await db
    .selectFrom('students')
    .innerJoin('users', 'users.studentId', 'students.id')
    .select(['users.id as userId', 'students.id as studentId', 'students.groupId'])
    .where('students.archived', '=', false)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('teaching')
          .innerJoin('lecturers', 'lecturers.id', 'teaching.lecturerId')
          .innerJoin('users as lecturerUsers', 'lecturerUsers.lecturerId', 'lecturers.id')
          .select('teaching.id')
          .whereRef('teaching.groupId', '=', 'students.groupId')
          .where('lecturers.archived', '=', false),
      ),
    )
    .orderBy('students.id')
    .offset(Math.floor(students / 2))
    .limit(1)
    .executeTakeFirst();
  if (!student?.groupId) throw new Error('the seeded department has no student past the middle of the list in a group an active lecturer teaches');
  // A lecturer's dashboard, not an admin's as well (an admin who teaches sees more there).
  const lecturer = await db
    .selectFrom('teaching')
    .innerJoin('lecturers', 'lecturers.id', 'teaching.lecturerId')
    .innerJoin('users', 'users.lecturerId', 'lecturers.id')
    .select(['users.id', 'lecturers.id as lecturerId'])
    .where('teaching.groupId', '=', student.groupId)
    .where('lecturers.archived', '=', false)
    .where('users.role', '=', 'lecturer')
    .orderBy('users.isAdmin')
    .orderBy('users.id')
    .limit(1)
    .executeTakeFirstOrThrow();
  const taught = await db
    .selectFrom('teaching')
    .innerJoin('users', 'users.lecturerId', 'teaching.lecturerId')
    .select('teaching.subjectId')
    .where('users.id', '=', lecturer.id)
    .where('teaching.groupId', '=', student.groupId)
    .orderBy('teaching.subjectId')
    .limit(1)
    .executeTakeFirstOrThrow();
  // The student's group's newest article, else the newest for students: what a student opens from the list.
  const forGroup = await db
    .selectFrom('news')
    .innerJoin('newsGroups', 'newsGroups.newsId', 'news.id')
    .select('news.id')
    .where('newsGroups.groupId', '=', student.groupId)
    .orderBy('news.publishedAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  const article = forGroup ?? (await db.selectFrom('news').select('id').where('audience', '=', 'students').orderBy('publishedAt', 'desc').limit(1).executeTakeFirst());
  if (!article) throw new Error('the seeded department has no news for students');
  const { articles } = await db.selectFrom('news').select((eb) => eb.fn.countAll<number>().as('articles')).executeTakeFirstOrThrow();
  const middle = await db
    .selectFrom('news')
    .select(['publishedAt', 'id'])
    .orderBy('publishedAt', 'desc')
    .orderBy('id', 'desc')
    .offset(Math.floor(Number(articles) / 2))
    .limit(1)
    .executeTakeFirstOrThrow();
  // The first four letters of the most common surname: a search with many hits, as users type.
  const common = await db
    .selectFrom('students')
    .select(['lastName', sql<number>`count(*)`.as('n')])
    .groupBy('lastName')
    .orderBy('n', 'desc')
    .orderBy('lastName')
    .limit(1)
    .executeTakeFirstOrThrow();
  return {
    students,
    studentUserId: student.userId,
    lecturerUserId: lecturer.id,
    groupId: student.groupId,
    studentId: student.studentId,
    searched: common.lastName.toLocaleLowerCase('en').slice(0, 4),
    // The middle page (page 1,000 of 2,000 at `large`).
    pageNumber: Math.max(1, Math.floor(Math.ceil(students / STUDENTS_PAGE_SIZE) / 2)),
    subjectId: taught.subjectId,
    lecturerId: lecturer.lecturerId,
    newsId: article.id,
    newsCursor: newsCursorAfter({ publishedAt: middle.publishedAt!, id: middle.id }),
  };
}

/** The assistant's questions the suites ask (and the bench loads): each role's everyday one. */
export const ASSISTANT_QUESTIONS = { student: 'When is my next deadline?', lecturer: 'How many submissions are waiting?' } as const;

export function watchedPages(t: PageTargets): WatchedPage<PageId>[] {
  const q = encodeURIComponent(t.searched);
  return [
    { id: 'sign-in', label: 'the sign-in page', role: 'anonymous', path: '/login' },
    { id: 'dashboard-admin', label: "an admin's dashboard", role: 'admin', path: '/dashboard' },
    { id: 'dashboard-lecturer', label: "a lecturer's dashboard", role: 'lecturer', path: '/dashboard' },
    { id: 'dashboard-student', label: "a student's dashboard", role: 'student', path: '/dashboard' },
    { id: 'students', label: 'the students list, first page', role: 'admin', path: '/students' },
    { id: 'students-page', label: `the students list, page ${t.pageNumber} by number`, role: 'admin', path: `/students?page=${t.pageNumber}` },
    { id: 'students-search', label: `the students list, a search for "${t.searched}"`, role: 'admin', path: `/students?q=${q}` },
    { id: 'students-group', label: 'the students list, one group', role: 'admin', path: `/students?group=${t.groupId}` },
    { id: 'students-archived', label: 'the students list, archived', role: 'admin', path: '/students?archived=true' },
    { id: 'students-lecturer', label: "the students list, a lecturer's", role: 'lecturer', path: '/students' },
    { id: 'lecturers', label: 'the lecturers list', role: 'admin', path: '/lecturers' },
    { id: 'groups', label: 'the groups list', role: 'admin', path: '/groups' },
    { id: 'accounts', label: 'the accounts list', role: 'admin', path: '/admin/accounts' },
    { id: 'accounts-lecturers', label: "the accounts list, lecturers'", role: 'admin', path: '/admin/accounts?role=lecturer' },
    { id: 'accounts-search', label: `the accounts list, a search for "${t.searched}"`, role: 'admin', path: `/admin/accounts?q=${q}` },
    { id: 'accounts-search-students', label: `the accounts list, students', a search for "${t.searched}"`, role: 'admin', path: `/admin/accounts?q=${q}&role=student` },
    { id: 'audit', label: 'the audit trail', role: 'admin', path: '/admin/audit' },
    { id: 'audit-groups', label: "the audit trail, groups'", role: 'admin', path: '/admin/audit?entity=group' },
    { id: 'student-record', label: "a student's record", role: 'admin', path: `/students/${t.studentId}` },
    { id: 'student-record-lecturer', label: "a student's record, as a lecturer of the group sees it", role: 'lecturer', path: `/students/${t.studentId}` },
    { id: 'student-record-own', label: "a student's own record", role: 'student', path: `/students/${t.studentId}` },
    { id: 'lecturer-record', label: "a lecturer's record with their subjects and waiting counts", role: 'admin', path: `/lecturers/${t.lecturerId}` },
    { id: 'api-students', label: 'the JSON API students list', role: 'api', path: '/api/v1/students' },
    { id: 'api-students-500', label: 'the JSON API students list, 500 a page', role: 'api', path: '/api/v1/students?limit=500' },
    { id: 'api-search', label: `the JSON API students search for "${t.searched}"`, role: 'api', path: `/api/v1/students?q=${q}` },
    { id: 'subjects', label: 'the subjects list', role: 'admin', path: '/subjects' },
    { id: 'subjects-lecturer', label: "the subjects list, a lecturer's", role: 'lecturer', path: '/subjects' },
    { id: 'subjects-student', label: "a student's subject cards with their materials", role: 'student', path: '/subjects' },
    { id: 'subject', label: 'a subject page', role: 'admin', path: `/subjects/${t.subjectId}` },
    { id: 'waiting-room', label: "a lecturer's Waiting Room", role: 'lecturer', path: '/waiting-room' },
    { id: 'my-exercises', label: "a student's exercises", role: 'student', path: '/my-exercises' },
    { id: 'api-waiting-room', label: "the JSON API Waiting Room, an admin's (every entry), 500 a page", role: 'api', path: '/api/v1/waiting-room?limit=500' },
    { id: 'gradebook', label: "a lecturer's gradebook of one group", role: 'lecturer', path: `/subjects/${t.subjectId}/gradebook?group=${t.groupId}` },
    { id: 'news', label: 'the news list, an admin\'s (every article)', role: 'admin', path: '/news' },
    { id: 'news-student', label: "the news list, a student's", role: 'student', path: '/news' },
    { id: 'news-student-category', label: `the news list, a student's, one category (${NEWS_CATEGORY})`, role: 'student', path: `/news?category=${encodeURIComponent(NEWS_CATEGORY)}` },
    { id: 'news-lecturer', label: "the news list, a lecturer's", role: 'lecturer', path: '/news' },
    { id: 'news-lecturer-older', label: "the news list, a lecturer's, an Older page", role: 'lecturer', path: `/news?cursor=${t.newsCursor}` },
    { id: 'news-article', label: 'an article, as a student of its group reads it', role: 'student', path: `/news/${t.newsId}` },
    { id: 'news-feed', label: 'the Atom feed of the public news', role: 'anonymous', path: '/news/feed.atom' },
    { id: 'api-public-news', label: "the public news API (the landing page's)", role: 'anonymous', path: '/api/public/news' },
    { id: 'theses', label: "the theses list, an admin's (every thesis)", role: 'admin', path: '/theses' },
    { id: 'theses-lecturer', label: "the theses list, a lecturer's", role: 'lecturer', path: '/theses' },
    { id: 'theses-student', label: "a student's thesis page, with a search for similar titles", role: 'student', path: `/theses?title=${encodeURIComponent('Neural networks for routing in sensor networks')}` },
    { id: 'api-theses-similar', label: 'the JSON API search for similar thesis titles', role: 'api', path: `/api/v1/theses/similar?title=${encodeURIComponent('Graph algorithms for scheduling of university exams')}` },
    { id: 'assistant-student', label: 'the assistant asked "When is my next deadline?" by a student', role: 'student', path: `/assistant?message=${encodeURIComponent(ASSISTANT_QUESTIONS.student)}` },
    { id: 'assistant-student-scores', label: 'the assistant asked "What are my latest scores?" by a student', role: 'student', path: `/assistant?message=${encodeURIComponent('What are my latest scores?')}` },
    { id: 'assistant-lecturer', label: 'the assistant asked "How many submissions are waiting?" by a lecturer', role: 'lecturer', path: `/assistant?message=${encodeURIComponent(ASSISTANT_QUESTIONS.lecturer)}` },
    { id: 'assistant-admin', label: 'the assistant asked "How many submissions are waiting?" by an admin (the department\'s)', role: 'admin', path: `/assistant?message=${encodeURIComponent(ASSISTANT_QUESTIONS.lecturer)}` },
  ];
}

export interface Login {
  username: string;
  password: string;
}

/** A sign-in, with its account. */
export interface SignedIn extends Login {
  userId: number;
}

/**
 * Gives the account this password (and enables it: generated accounts may be disabled), as an
 * operator would before handing it over.
 */
export async function signInAs(ctx: ServiceContext, userId: number, password: string): Promise<SignedIn> {
  const user = await ctx.db.selectFrom('users').select(['username', 'disabled']).where('id', '=', userId).executeTakeFirstOrThrow();
  await ctx.db.transaction().execute(async (trx) => {
    const inTrx = { ...ctx, db: trx };
    if (user.disabled) await setAccountDisabled({ ...inTrx, sessions: databaseSessionStore(trx) }, userId, false);
    await setPasswordForDemo(inTrx, userId, password);
  });
  return { username: user.username, password, userId };
}

/** A browser for each role, signed in (the API's carries the admin's token). */
export async function browsersFor(app: FastifyInstance, logins: { admin: Login; lecturer: Login; student: Login; apiToken: string }): Promise<Record<Role, Browser>> {
  const browsers: Record<Role, Browser> = {
    anonymous: new Browser(app),
    admin: new Browser(app),
    lecturer: new Browser(app),
    student: new Browser(app),
    api: new Browser(app, { authorization: `Bearer ${logins.apiToken}` }),
  };
  for (const role of ['admin', 'lecturer', 'student'] as const) await browsers[role].signIn(logins[role].username, logins[role].password);
  return browsers;
}

interface Visit<Id extends string = PageId> {
  page: WatchedPage<Id>;
  response: LightMyRequestResponse;
  statements: Statement[];
}

/** Requests each page twice and keeps the second: the first fills what a running server has filled already (a session's touch). */
export async function visitPages<Id extends string>(log: QueryLog, browsers: Record<Role, Browser>, pages: readonly WatchedPage<Id>[]): Promise<Map<Id, Visit<Id>>> {
  const visits = new Map<Id, Visit<Id>>();
  for (const page of pages) {
    const browser = browsers[page.role];
    await browser.get(page.path);
    const { result: response, statements } = await log.during(() => browser.get(page.path));
    visits.set(page.id, { page, response, statements });
  }
  return visits;
}

/** What a failure says about a page that did not answer 200. */
export function unanswered(visit: Visit<string>): string | null {
  if (visit.response.statusCode === 200) return null;
  return `${visit.page.label} (GET ${visit.page.path} as ${visit.page.role}) answered ${visit.response.statusCode}:\n${visit.response.body.slice(0, 300)}\nIts statements:\n${listing(visit.statements)}`;
}

/**
 * The entries waiting for each lecturer, counted with the Waiting Room's own rule (access.ts
 * waitingRoomScope; the join of exercises/repository.ts waiting()): the waiting submissions of the
 * exercises of subjects a lecturer teaches, from students of the groups they teach it to. For the
 * seed's test (one lecturer is far busier) and the bench (the busiest lecturer's Waiting Room).
 */
export function waitingPerLecturer(db: Db) {
  return db
    .selectFrom('submissions')
    .innerJoin('exercises', 'exercises.id', 'submissions.exerciseId')
    .innerJoin('students', 'students.id', 'submissions.studentId')
    .innerJoin('teaching', (join) => join.onRef('teaching.subjectId', '=', 'exercises.subjectId').onRef('teaching.groupId', '=', 'students.groupId'))
    .where('submissions.status', '=', 'waiting')
    .groupBy('teaching.lecturerId')
    .select(['teaching.lecturerId', (eb) => eb.fn.countAll<number>().as('waiting')]);
}
