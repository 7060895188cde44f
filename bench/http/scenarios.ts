// What the suite loads, as issues 11 and 12 list them: a GET as one role, except scoring (a POST
// that consumes a waiting entry each request). `kind` sorts them for the targets: lists, searches
// and dashboards are compared with `small`, exports are timed once, the download's memory must
// stay flat.
import { ASSISTANT_QUESTIONS, type Role } from '../../test/query-pages.js';
import type { Department } from './department.js';
import { scoreRequest, type ScorePool } from './score-pool.js';

type ScenarioKind = 'page' | 'list' | 'search' | 'dashboard' | 'json-list' | 'json-search' | 'export' | 'write' | 'download';

/** The roles of test/query-pages.ts, and the busiest lecturer of the department. */
export type BenchRole = Role | 'busy-lecturer';

export interface Scenario {
  id: string;
  label: string;
  role: BenchRole;
  /** The address (a write's: of its first request; each goes to another entry). */
  path: string;
  kind: ScenarioKind;
  /** A write: where each request goes and what it sends, one entry of the pool each. */
  writes?: { pool: ScorePool; request: typeof scoreRequest };
}

/** The scoring scenario's id (last of the loaded ones: it changes the department). */
export const SCORE_ID = 'score';
export const MATERIAL_ID = 'material-10mb';
/** The title the thesis searches compare: close to many of the generated ones (seeds/scale-theses.ts). */
const SIMILAR_TO = 'Neural networks for recognition of handwritten letters in real time';

export function scenariosOf(department: Department): Scenario[] {
  const q = encodeURIComponent(department.searchFragment);
  return [
    { id: 'sign-in', label: 'sign-in page', role: 'anonymous', path: '/login', kind: 'page' },
    { id: 'dashboard-admin', label: 'dashboard, admin', role: 'admin', path: '/dashboard', kind: 'dashboard' },
    { id: 'dashboard-lecturer', label: 'dashboard, lecturer', role: 'lecturer', path: '/dashboard', kind: 'dashboard' },
    { id: 'dashboard-student', label: 'dashboard, student', role: 'student', path: '/dashboard', kind: 'dashboard' },
    { id: 'students', label: 'students, first page', role: 'admin', path: '/students', kind: 'list' },
    { id: 'students-deep', label: `students, middle page (${department.deepPage.toLocaleString('en')})`, role: 'admin', path: `/students?page=${department.deepPage}`, kind: 'list' },
    { id: 'students-search', label: `students, search "${department.searchFragment}"`, role: 'admin', path: `/students?q=${q}`, kind: 'search' },
    { id: 'students-group', label: 'students, one group', role: 'admin', path: `/students?group=${department.student.groupId}`, kind: 'list' },
    { id: 'lecturers', label: 'lecturers', role: 'admin', path: '/lecturers', kind: 'list' },
    { id: 'groups', label: 'groups', role: 'admin', path: '/groups', kind: 'list' },
    { id: 'accounts', label: 'accounts', role: 'admin', path: '/admin/accounts', kind: 'list' },
    { id: 'audit', label: 'audit trail', role: 'admin', path: '/admin/audit', kind: 'list' },
    { id: 'student-record', label: "a student's record", role: 'admin', path: `/students/${department.student.studentId}`, kind: 'page' },
    { id: 'api-students', label: 'API, students', role: 'api', path: '/api/v1/students', kind: 'json-list' },
    { id: 'api-search', label: `API, search "${department.searchFragment}"`, role: 'api', path: `/api/v1/students?q=${q}`, kind: 'json-search' },
    { id: 'subjects', label: 'subjects', role: 'admin', path: '/subjects', kind: 'list' },
    { id: 'subject', label: 'a subject page', role: 'admin', path: `/subjects/${department.subjectId}`, kind: 'page' },
    { id: 'subjects-student', label: "a student's subject cards", role: 'student', path: '/subjects', kind: 'page' },
    { id: 'waiting-room', label: "a lecturer's Waiting Room", role: 'lecturer', path: '/waiting-room', kind: 'list' },
    { id: 'my-exercises', label: "a student's exercises", role: 'student', path: '/my-exercises', kind: 'list' },
    { id: 'news-student', label: "news, a student's list", role: 'student', path: '/news', kind: 'list' },
    { id: 'news-article', label: 'a news article (a student)', role: 'student', path: `/news/${department.newsId}`, kind: 'page' },
    { id: 'news-admin', label: 'news, everything (admin)', role: 'admin', path: '/news', kind: 'list' },
    { id: 'news-public-api', label: 'public news API (no sign-in)', role: 'anonymous', path: '/api/public/news', kind: 'json-list' },
    { id: 'news-feed', label: 'Atom feed of public news', role: 'anonymous', path: '/news/feed.atom', kind: 'list' },
    // Issue 13: "Find similar theses" over every title (50,000 at large), through the API and on a student's page.
    { id: 'theses-similar-api', label: 'API, similar thesis titles', role: 'api', path: `/api/v1/theses/similar?title=${encodeURIComponent(SIMILAR_TO)}`, kind: 'json-search' },
    { id: 'theses-student', label: "a student's theses page, similar titles", role: 'student', path: `/theses?title=${encodeURIComponent(SIMILAR_TO)}`, kind: 'search' },
    // Issue 13: one assistant question per role that has one every day (offline answers: no model in the bench).
    { id: 'assistant-student', label: `assistant, a student: "${ASSISTANT_QUESTIONS.student}"`, role: 'student', path: `/assistant?message=${encodeURIComponent(ASSISTANT_QUESTIONS.student)}`, kind: 'search' },
    { id: 'assistant-lecturer', label: `assistant, a lecturer: "${ASSISTANT_QUESTIONS.lecturer}"`, role: 'lecturer', path: `/assistant?message=${encodeURIComponent(ASSISTANT_QUESTIONS.lecturer)}`, kind: 'search' },
    { id: 'gradebook', label: "a group's gradebook", role: 'lecturer', path: `/subjects/${department.subjectId}/gradebook?group=${department.student.groupId}`, kind: 'page' },
    ...(department.busyLecturer
      ? [{ id: 'waiting-room-busy', label: `a busy lecturer's Waiting Room (${department.busyLecturer.waiting.toLocaleString('en')} waiting)`, role: 'busy-lecturer' as const, path: '/waiting-room', kind: 'list' as const }]
      : []),
    // The student's own download link on the subject's card (their access checked on every request).
    ...(department.material ? [{ id: MATERIAL_ID, label: `a ${(department.material.bytes / 2 ** 20).toFixed(0)} MiB material download`, role: 'student' as const, path: `/materials/${department.material.id}/file`, kind: 'download' as const }] : []),
    // After every page it could change: it scores none of the entries those pages show (score-pool.ts).
    { id: SCORE_ID, label: 'scoring one submission (API, as an admin)', role: 'api', path: '/api/v1/submissions/{id}/score', kind: 'write', writes: { pool: department.scorePool, request: scoreRequest } },
    { id: 'export-csv', label: `export of all ${department.counts.students.toLocaleString('en')} students, CSV`, role: 'admin', path: '/students/export.csv', kind: 'export' },
    { id: 'export-xlsx', label: `export of all ${department.counts.students.toLocaleString('en')} students, xlsx`, role: 'admin', path: '/students/export.xlsx', kind: 'export' },
  ];
}

/** What the `small` run repeats: every list, search and dashboard (issue 11: within 2× at scale). */
export function comparedAtSmall(scenario: Scenario): boolean {
  return scenario.kind !== 'page' && scenario.kind !== 'export' && scenario.kind !== 'write' && scenario.kind !== 'download';
}
