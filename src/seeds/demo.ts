// A small demo department: an admin, 3 lecturers, 3 groups of 10 students, 4 subjects with teaching
// assignments, a few materials and four exercises each, submissions scored and waiting
// (demo-teaching.ts), and news for the public, everyone, students, lecturers and one group
// (demo-news.ts), four theses, and 90 days of sign-ins for the admin's charts (scale-sign-ins.ts).
// Everything else is made through the features' services (with their accounts and audit entries);
// materials only when the context has storage (the server's start and `fms seed-demo` give it).
import type { ServiceContext } from '../context.js';
import { systemActor } from '../access.js';
import { createAccount, setPasswordForDemo } from '../features/accounts/service.js';
import { createGroup } from '../features/groups/service.js';
import { createLecturer } from '../features/lecturers/service.js';
import { createStudent, studentNumbered } from '../features/students/service.js';
import { addMaterials } from '../features/subjects/materials.js';
import { createSubject, type SubjectView } from '../features/subjects/service.js';
import { seedDemoNews } from './demo-news.js';
import { seedDemoTeaching } from './demo-teaching.js';
import { recordThesis } from '../features/theses/service.js';
import { writeSignIns } from './scale-sign-ins.js';
import { ignoreProgress } from '../ops/data/progress.js';
import { newStorageKey } from '../storage/index.js';
import { Readable } from 'node:stream';
import { findUserByUsername } from '../features/auth/service.js';
import { writeSetting } from '../db/settings.js';
import { DEMO_SEEDED_SETTING, DEMO_STUDENT_COUNT, demoLecturerUsernames, demoLogins, demoStudentNumber, demoStudentUsername } from './demo-logins.js';

export { demoUsernames } from './demo-logins.js';

const lecturers: { username: (typeof demoLecturerUsernames)[number]; firstName: string; lastName: string; patronymic: string; academicDegree: string; position: string; isAdmin: boolean }[] = [
  { username: 'l.petrova', firstName: 'Elena', lastName: 'Petrova', patronymic: 'Ivanovna', academicDegree: 'PhD', position: 'Associate Professor', isAdmin: false },
  { username: 'l.horvat', firstName: 'Marko', lastName: 'Horvat', patronymic: '', academicDegree: 'PhD', position: 'Professor', isAdmin: true },
  { username: 'l.schmidt', firstName: 'Anna', lastName: 'Schmidt', patronymic: '', academicDegree: 'MSc', position: 'Assistant Lecturer', isAdmin: false },
];

const groups = [
  { name: 'CS-101', description: 'Computer Science, first year' },
  { name: 'CS-201', description: 'Computer Science, second year' },
  { name: 'MA-101', description: 'Applied Mathematics, first year' },
];

const subjects = [
  { name: 'Programming Fundamentals', description: 'Variables, control flow, functions and testing in Python.', groups: ['CS-101'], lecturer: 'l.petrova' },
  { name: 'Databases', description: 'Relational modelling, SQL and transactions.', groups: ['CS-201'], lecturer: 'l.horvat' },
  { name: 'Discrete Mathematics', description: 'Logic, sets, combinatorics and graphs.', groups: ['CS-101', 'MA-101'], lecturer: 'l.schmidt' },
  { name: 'Linear Algebra', description: 'Vectors, matrices and linear maps.', groups: ['MA-101', 'CS-201'], lecturer: 'l.petrova' },
];

const firstNames = ['Jana', 'Luka', 'Mia', 'Noah', 'Sara', 'David', 'Ema', 'Filip', 'Lea', 'Ivan', 'Nina', 'Petar', 'Tara', 'Jakob', 'Lana'];
const lastNames = ['Novak', 'Kovač', 'Horvat', 'Babić', 'Marić', 'Jurić', 'Knežević', 'Vuković', 'Popović', 'Šarić', 'Lovrić', 'Pavić'];


/**
 * Seeds the demo department into a database with no accounts yet. Returns false (and changes
 * nothing) when the database already has accounts, so a second start keeps the data.
 */
export async function seedDemoDepartment(base: ServiceContext): Promise<boolean> {
  const ctx: ServiceContext = { ...base, actor: systemActor };
  const anyUser = await ctx.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (anyUser) return false;
  const password = (role: string) => demoLogins.find((d) => d.role === role)!.password;

  // Published passwords pass the policy only through setPasswordForDemo.
  const admin = await createAccount(ctx, { username: 'admin', role: 'admin', displayName: 'Department Administrator' });
  await setPasswordForDemo(ctx, admin.user.id, password('admin'));

  const groupIds = new Map<string, number>();
  for (const g of groups) groupIds.set(g.name, (await createGroup(ctx, g)).id);

  // Records and accounts through the people services; then the published demo passwords.
  const withPassword = async (username: string, role: 'lecturer' | 'student') => {
    const user = await findUserByUsername(ctx, username);
    await setPasswordForDemo(ctx, user!.id, password(role));
  };

  const lecturerIds = new Map<string, number>();
  for (const l of lecturers) {
    const { username, ...record } = l;
    const created = await createLecturer(ctx, { ...record, username, email: `${username.replace('l.', '')}@fms.example` });
    lecturerIds.set(username, created.lecturer.id);
    await withPassword(username, 'lecturer');
  }

  let n = 0;
  const studentsByGroup = new Map<number, string[]>();
  for (const g of groups) {
    for (let i = 0; i < DEMO_STUDENT_COUNT / groups.length; i++, n++) {
      const firstName = n === 0 ? 'Sara' : firstNames[n % firstNames.length]!;
      const lastName = n === 0 ? 'Novak' : lastNames[(n * 7) % lastNames.length]!;
      const created = await createStudent(ctx, {
        studentNumber: demoStudentNumber(n),
        groupId: groupIds.get(g.name)!,
        firstName,
        lastName,
        birthDate: `${2005 + (n % 3)}-${String((n % 12) + 1).padStart(2, '0')}-${String((n % 27) + 1).padStart(2, '0')}`,
        email: `student${n + 1}@students.fms.example`,
        phone: `+385 1 555 ${String(1000 + n)}`,
        username: demoStudentUsername(n),
      });
      await withPassword(created.account.username, 'student');
      const groupId = groupIds.get(g.name)!;
      studentsByGroup.set(groupId, [...(studentsByGroup.get(groupId) ?? []), created.account.username]);
    }
  }

  const made: SubjectView[] = [];
  for (const s of subjects) {
    const subject = await createSubject(ctx, {
      name: s.name,
      description: s.description,
      groupIds: s.groups.map((name) => groupIds.get(name)!),
      lecturerIds: [lecturerIds.get(s.lecturer)!],
    });
    if (ctx.storage) await addMaterials(ctx, subject.id, await storeDemoMaterials(ctx, s.name));
    made.push(subject);
  }
  await seedDemoTeaching(ctx, made, studentsByGroup);
  await seedDemoNews(ctx, { username: 'l.petrova', groupId: groupIds.get('CS-101')! });
  // A few theses for "Find similar theses" (the demo student, Sara Novak, has none yet: she may propose).
  const supervisor = lecturerIds.get(subjects[0]!.lecturer)!;
  for (const [n, title, year] of [
    [1, 'Neural networks for recognising handwritten Armenian letters', 2027],
    [4, 'Scheduling university exams with constraint programming', 2027],
    [11, 'Распознавание рукописных букв нейронными сетями', 2026],
    [21, 'Graph algorithms for routing in sensor networks', 2026],
  ] as const) {
    const student = await studentNumbered(ctx, demoStudentNumber(n));
    await recordThesis(ctx, { studentId: student.id, title, supervisorId: supervisor, year });
  }
  // Some history for the admin's charts: a dozen students signing in each weekday of the last 90 days.
  await writeSignIns(ctx, (work) => (ctx.db.isTransaction ? work(ctx.db) : ctx.db.transaction().execute(work)), { perWeekday: 12, seed: 1 }, ignoreProgress);

  await writeSetting(ctx, DEMO_SEEDED_SETTING, ctx.clock.now().toISOString());
  return true;
}

/** A syllabus and a reading list for a demo subject, written to storage. */
async function storeDemoMaterials(ctx: ServiceContext, subject: string) {
  const files = [
    { originalName: `${subject} - syllabus.md`, text: `# ${subject}\n\nWeek 1: introduction\nWeek 2: first principles\nWeek 3: practice\n\nAssessment: exercises (scores 1–6) and a final exam.\n` },
    { originalName: `${subject} - reading list.txt`, text: `${subject}: reading list\n\n1. The lecture notes\n2. The exercise sheets\n` },
  ];
  const stored = [];
  for (const f of files) {
    const bytes = Buffer.from(f.text, 'utf8');
    const storageKey = newStorageKey(ctx.clock.now());
    const contentType = f.originalName.endsWith('.md') ? 'text/markdown' : 'text/plain';
    const { size, sha256 } = await ctx.storage!.put(storageKey, Readable.from([bytes]), { contentType, size: bytes.length });
    stored.push({ storageKey, originalName: f.originalName, contentType, size, sha256 });
  }
  return stored;
}
