// What the suite loads: each a GET as one role, as issue 11 lists them. `kind` sorts them for the
// targets: lists, searches and dashboards are compared with `small`, exports are timed once.
import type { Role } from '../../test/query-pages.js';
import type { Department } from './department.js';

type ScenarioKind = 'page' | 'list' | 'search' | 'dashboard' | 'json-list' | 'json-search' | 'export';

export interface Scenario {
  id: string;
  label: string;
  role: Role;
  path: string;
  kind: ScenarioKind;
}

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
    { id: 'gradebook', label: "a group's gradebook", role: 'lecturer', path: `/subjects/${department.subjectId}/gradebook?group=${department.student.groupId}`, kind: 'page' },
    { id: 'export-csv', label: `export of all ${department.counts.students.toLocaleString('en')} students, CSV`, role: 'admin', path: '/students/export.csv', kind: 'export' },
    { id: 'export-xlsx', label: `export of all ${department.counts.students.toLocaleString('en')} students, xlsx`, role: 'admin', path: '/students/export.xlsx', kind: 'export' },
  ];
}

/** What the `small` run repeats: every list, search and dashboard (issue 11: within 2× at scale). */
export function comparedAtSmall(scenario: Scenario): boolean {
  return scenario.kind !== 'page' && scenario.kind !== 'export';
}
