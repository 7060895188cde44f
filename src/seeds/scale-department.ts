// What a generated department holds, as plain data drawn from a seed: programmes and their groups,
// the subjects each year of a programme takes, the lecturers who teach them, the students of each
// group. Nothing here touches the database; scale.ts loads the plan through the services.
import transliterate from '@sindresorhus/transliterate';
import { drawPerson } from './scale-names.js';
import { SeededRandom } from './seeded-random.js';

interface DepartmentSize {
  students: number;
  groups: number;
  lecturers: number;
}

interface PlannedGroup {
  name: string;
  description: string;
}

interface PlannedSubject {
  name: string;
  description: string;
  /** Indexes into the plan's groups. */
  groups: number[];
}

/** A lecturer as the lecturers' import sheet gives one (the username is generated from the name). */
export interface PlannedLecturer {
  lastName: string;
  firstName: string;
  patronymic: string;
  academicDegree: string;
  position: string;
  email: string;
  phone: string;
  address: string;
  isAdmin: boolean;
  archived: boolean;
}

/** A student as the students' import sheet gives one; `group` indexes the plan's groups. */
export interface PlannedStudent {
  studentNumber: string;
  lastName: string;
  firstName: string;
  patronymic: string;
  birthDate: string;
  email: string;
  phone: string;
  address: string;
  group: number;
  archived: boolean;
}

export interface DepartmentPlan {
  groups: PlannedGroup[];
  subjects: PlannedSubject[];
  lecturers: PlannedLecturer[];
  students: PlannedStudent[];
  /** Who teaches which subject to which group: indexes into subjects, lecturers and groups. */
  teaching: { subject: number; lecturer: number; group: number }[];
}

const programmes = [
  ['CS', 'Computer Science'],
  ['SE', 'Software Engineering'],
  ['IS', 'Information Systems'],
  ['DS', 'Data Science'],
  ['AI', 'Artificial Intelligence'],
  ['AM', 'Applied Mathematics'],
  ['ST', 'Statistics'],
  ['PH', 'Physics'],
  ['EE', 'Electrical Engineering'],
  ['CE', 'Computer Engineering'],
  ['TC', 'Telecommunications'],
  ['MT', 'Mechatronics'],
  ['CY', 'Cybersecurity'],
  ['BI', 'Bioinformatics'],
  ['EI', 'Economics and Informatics'],
  ['GD', 'Game Development'],
  ['RO', 'Robotics'],
  ['NE', 'Network Engineering'],
  ['CG', 'Computer Graphics'],
  ['QC', 'Quantum Computing'],
] as const;

/** Six subjects a year; the first of the first year is the programme's own introduction. */
const subjectsByYear: readonly (readonly (readonly [string, string])[])[] = [
  [
    ['Introduction to %s', 'What the field studies, how its people work, and how the programme is built.'],
    ['Programming Fundamentals', 'Variables, control flow, functions and testing in Python.'],
    ['Calculus I', 'Limits, derivatives and integrals of functions of one variable.'],
    ['Discrete Mathematics', 'Logic, sets, combinatorics and graphs.'],
    ['Linear Algebra', 'Vectors, matrices and linear maps.'],
    ['Academic Writing', 'Reading papers, citing sources and writing a clear report.'],
  ],
  [
    ['Data Structures and Algorithms', 'Lists, trees, hash tables, sorting and the cost of algorithms.'],
    ['Databases', 'Relational modelling, SQL and transactions.'],
    ['Probability and Statistics', 'Random variables, distributions, estimation and tests.'],
    ['Computer Architecture', 'Processors, memory hierarchies and instruction sets.'],
    ['Object-Oriented Design', 'Classes, interfaces, patterns and refactoring.'],
    ['Calculus II', 'Functions of several variables, series and differential equations.'],
  ],
  [
    ['Operating Systems', 'Processes, scheduling, memory management and file systems.'],
    ['Computer Networks', 'Protocols from the link layer to HTTP; routing and congestion.'],
    ['Software Engineering', 'Requirements, architecture, testing and working in a team.'],
    ['Numerical Methods', 'Solving equations, interpolation and numerical integration.'],
    ['Human–Computer Interaction', 'Designing, prototyping and evaluating user interfaces.'],
    ['Machine Learning', 'Regression, classification, model selection and evaluation.'],
  ],
  [
    ['Distributed Systems', 'Replication, consensus, consistency and failure.'],
    ['Information Security', 'Cryptography, authentication and secure software.'],
    ['Compilers', 'Parsing, type checking, intermediate code and optimisation.'],
    ['Project Management', 'Planning, estimating and delivering a project.'],
    ['Research Seminar', 'Presenting and discussing current research.'],
    ['Final Thesis Seminar', 'Choosing, planning and writing the final thesis.'],
  ],
];

const ordinals = ['first', 'second', 'third', 'fourth'];
const degrees = ['PhD', 'MSc', 'DSc', 'MA', 'MEng', ''];
const degreeWeights = [55, 20, 5, 5, 5, 10];
const positions = ['Professor', 'Associate Professor', 'Assistant Professor', 'Senior Lecturer', 'Lecturer', 'Teaching Assistant'];
const positionWeights = [12, 18, 20, 15, 20, 15];

/** The academic year the first-year groups started in: a fixed year, so the plan does not depend on the clock. */
const FIRST_YEAR_INTAKE = 2025;
/** Share of archived students and lecturers: people who left, kept with their history. */
const ARCHIVED_SHARE = 0.03;
/** Share of lecturers who are also the department's administrators. */
const ADMIN_LECTURER_SHARE = 0.005;

/** An e-mail's local part from a name: ASCII, lower case, words joined by hyphens ("ngoc-anh.nguyen"). */
function mailbox(firstName: string, lastName: string): string {
  const ascii = (text: string) =>
    transliterate(text)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
  return `${ascii(firstName) || 'x'}.${ascii(lastName) || 'x'}`;
}

/** Unique addresses: namesakes get a number, as mail systems do (jan.novak, jan.novak2). */
function addressBook(domain: string) {
  const seen = new Map<string, number>();
  return (firstName: string, lastName: string) => {
    const local = mailbox(firstName, lastName);
    const n = (seen.get(local) ?? 0) + 1;
    seen.set(local, n);
    return `${n === 1 ? local : `${local}${n}`}@${domain}`;
  };
}

/** `count` of `n` items chosen at random: a share of them, at least one in a department of twenty or more. */
function chosen(r: SeededRandom, n: number, share: number, from: readonly number[] = [...Array(n).keys()]): Set<number> {
  const count = Math.min(from.length, Math.max(n >= 20 ? 1 : 0, Math.round(n * share)));
  return new Set(r.sample(from.length, count).map((i) => from[i]!));
}

export function planDepartment(size: DepartmentSize, seed: number): DepartmentPlan {
  // Enough programmes that every year of each has a group.
  const programmeCount = Math.max(1, Math.min(programmes.length, Math.floor(size.groups / 4)));
  const groupRandom = new SeededRandom(seed, 'groups');
  const groups: (PlannedGroup & { programme: number; year: number })[] = [];
  for (let g = 0; g < size.groups; g++) {
    const programme = g % programmeCount;
    const k = Math.floor(g / programmeCount);
    const year = (k % 4) + 1;
    const section = Math.floor(k / 4) + 1;
    const [code, title] = programmes[programme]!;
    const room = `${groupRandom.pick(['A', 'B', 'C', 'D'])}-${groupRandom.between(1, 4)}${groupRandom.digits(2)}`;
    groups.push({
      name: `${code}-${year}${String(section).padStart(2, '0')}`,
      description: `${title}, ${ordinals[year - 1]} year, section ${section}; intake ${FIRST_YEAR_INTAKE - year + 1}, home room ${room}.`,
      programme,
      year,
    });
  }

  const subjects: PlannedSubject[] = [];
  for (let p = 0; p < programmeCount; p++) {
    const [code, title] = programmes[p]!;
    for (let year = 1; year <= 4; year++) {
      const taking = groups.flatMap((g, i) => (g.programme === p && g.year === year ? [i] : []));
      if (taking.length === 0) continue;
      for (const [name, description] of subjectsByYear[year - 1]!)
        subjects.push({ name: `${name.replace('%s', title)} (${code}, year ${year})`, description, groups: taking });
    }
  }

  const lecturerRandom = new SeededRandom(seed, 'lecturers');
  const lecturerMail = addressBook('fms.example');
  const lecturers: PlannedLecturer[] = [];
  for (let i = 0; i < size.lecturers; i++) {
    const person = drawPerson(lecturerRandom);
    lecturers.push({
      lastName: person.lastName,
      firstName: person.firstName,
      patronymic: person.patronymic,
      academicDegree: lecturerRandom.weighted(degrees, degreeWeights),
      position: lecturerRandom.weighted(positions, positionWeights),
      email: lecturerMail(person.firstName, person.lastName),
      phone: lecturerRandom.chance(0.7) ? person.phone : '',
      address: lecturerRandom.chance(0.3) ? person.address : '',
      isAdmin: false,
      archived: false,
    });
  }
  for (const i of chosen(lecturerRandom, lecturers.length, ARCHIVED_SHARE)) lecturers[i]!.archived = true;
  const active = lecturers.flatMap((l, i) => (l.archived ? [] : [i]));
  for (const i of chosen(lecturerRandom, lecturers.length, ADMIN_LECTURER_SHARE, active)) lecturers[i]!.isAdmin = true;

  // Every (subject, group) pair gets one active lecturer; each takes a run of neighbouring pairs, so
  // a lecturer teaches one or two subjects to a few groups.
  const pairs = subjects.flatMap((s, subject) => s.groups.map((group) => ({ subject, group })));
  const teaching = active.length === 0 ? [] : pairs.map((p, t) => ({ ...p, lecturer: active[Math.floor((t * active.length) / pairs.length)]! }));

  // Group sizes: the same on average, neighbours differing a little, the total exact.
  const base = Math.floor(size.students / Math.max(size.groups, 1));
  const sizes = groups.map((_, g) => base + (g < size.students - base * size.groups ? 1 : 0));
  const spread = Math.floor(base / 5);
  for (let g = 0; g + 1 < sizes.length; g += 2) {
    const d = groupRandom.between(0, spread);
    sizes[g]! += d;
    sizes[g + 1]! -= d;
  }

  const studentRandom = new SeededRandom(seed, 'students');
  const studentMail = addressBook('students.fms.example');
  const nextNumber = new Map<number, number>();
  const students: PlannedStudent[] = [];
  groups.forEach((group, g) => {
    const intake = FIRST_YEAR_INTAKE - group.year + 1;
    for (let i = 0; i < sizes[g]!; i++) {
      const person = drawPerson(studentRandom);
      const n = (nextNumber.get(intake) ?? 0) + 1;
      nextNumber.set(intake, n);
      const born = `${intake - 18 - studentRandom.between(0, 3)}-${String(studentRandom.between(1, 12)).padStart(2, '0')}-${String(studentRandom.between(1, 28)).padStart(2, '0')}`;
      students.push({
        studentNumber: `${intake}-${String(n).padStart(5, '0')}`,
        lastName: person.lastName,
        firstName: person.firstName,
        patronymic: person.patronymic,
        birthDate: studentRandom.chance(0.98) ? born : '',
        email: studentRandom.chance(0.97) ? studentMail(person.firstName, person.lastName) : '',
        phone: studentRandom.chance(0.85) ? person.phone : '',
        address: studentRandom.chance(0.6) ? person.address : '',
        group: g,
        archived: false,
      });
    }
  });
  for (const i of chosen(studentRandom, students.length, ARCHIVED_SHARE)) students[i]!.archived = true;

  return { groups: groups.map(({ name, description }) => ({ name, description })), subjects, lecturers, students, teaching };
}
