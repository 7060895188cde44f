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
  /** Subjects in all: each stream of a year's groups takes its own share of the year's catalogue (six each when not given). */
  subjects?: number;
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

/**
 * A year's catalogue: six core subjects (the first of the first year is the programme's own
 * introduction), then electives. A stream takes the catalogue from the top, as many as its share.
 */
const subjectsByYear: readonly (readonly (readonly [string, string])[])[] = [
  [
    ['Introduction to %s', 'What the field studies, how its people work, and how the programme is built.'],
    ['Programming Fundamentals', 'Variables, control flow, functions and testing in Python.'],
    ['Calculus I', 'Limits, derivatives and integrals of functions of one variable.'],
    ['Discrete Mathematics', 'Logic, sets, combinatorics and graphs.'],
    ['Linear Algebra', 'Vectors, matrices and linear maps.'],
    ['Academic Writing', 'Reading papers, citing sources and writing a clear report.'],
    ['General Physics', 'Mechanics, waves and the experimental method.'],
    ['Web Technologies', 'HTML, CSS, HTTP and the first dynamic pages.'],
    ['History of Computing', 'From the abacus to the cloud: machines, people and ideas.'],
    ['Foreign Language I', 'Reading and writing technical texts in a second language.'],
    ['Logic Programming', 'Facts, rules and search in Prolog.'],
    ['Physical Education', 'Sport, health and teamwork; a weekly session.'],
    ['Technical Drawing', 'Projections, sections and drawing by CAD.'],
    ['Economics for Engineers', 'Costs, markets and investment decisions.'],
    ['Ethics in Technology', 'Privacy, fairness and the duties of an engineer.'],
    ['Study Skills', 'Planning, note-taking and preparing for examinations.'],
  ],
  [
    ['Data Structures and Algorithms', 'Lists, trees, hash tables, sorting and the cost of algorithms.'],
    ['Databases', 'Relational modelling, SQL and transactions.'],
    ['Probability and Statistics', 'Random variables, distributions, estimation and tests.'],
    ['Computer Architecture', 'Processors, memory hierarchies and instruction sets.'],
    ['Object-Oriented Design', 'Classes, interfaces, patterns and refactoring.'],
    ['Calculus II', 'Functions of several variables, series and differential equations.'],
    ['Functional Programming', 'Pure functions, recursion and types in Haskell.'],
    ['Graph Theory', 'Paths, trees, flows and colourings.'],
    ['Signals and Systems', 'Sampling, convolution and the Fourier transform.'],
    ['Foreign Language II', 'Presenting and discussing technical work in a second language.'],
    ['Scripting and Automation', 'Shell, Python and the tools of everyday work.'],
    ['Optimisation', 'Linear programming, duality and gradient methods.'],
    ['Digital Logic', 'Gates, circuits and finite state machines.'],
    ['Mobile Development', 'Apps for phones: interfaces, storage and sensors.'],
    ['Statistics Laboratory', 'Data analysis in R with real data sets.'],
    ['Technical Communication', 'Documentation, presentations and posters.'],
  ],
  [
    ['Operating Systems', 'Processes, scheduling, memory management and file systems.'],
    ['Computer Networks', 'Protocols from the link layer to HTTP; routing and congestion.'],
    ['Software Engineering', 'Requirements, architecture, testing and working in a team.'],
    ['Numerical Methods', 'Solving equations, interpolation and numerical integration.'],
    ['Human–Computer Interaction', 'Designing, prototyping and evaluating user interfaces.'],
    ['Machine Learning', 'Regression, classification, model selection and evaluation.'],
    ['Computer Graphics Basics', 'Rasterisation, transformations and shading.'],
    ['Cloud Computing', 'Virtual machines, containers and services at scale.'],
    ['Data Mining', 'Patterns, clustering and association rules.'],
    ['Embedded Systems', 'Microcontrollers, real-time constraints and sensors.'],
    ['Theory of Computation', 'Automata, grammars and computability.'],
    ['Information Retrieval', 'Indexing, ranking and evaluating search.'],
    ['Parallel Programming', 'Threads, message passing and GPUs.'],
    ['Game Design', 'Mechanics, levels and playtesting.'],
    ['Entrepreneurship', 'From an idea to a business plan.'],
    ['Quality Assurance', 'Test plans, reviews and metrics.'],
  ],
  [
    ['Distributed Systems', 'Replication, consensus, consistency and failure.'],
    ['Information Security', 'Cryptography, authentication and secure software.'],
    ['Compilers', 'Parsing, type checking, intermediate code and optimisation.'],
    ['Project Management', 'Planning, estimating and delivering a project.'],
    ['Research Seminar', 'Presenting and discussing current research.'],
    ['Final Thesis Seminar', 'Choosing, planning and writing the final thesis.'],
    ['Advanced Databases', 'Query processing, indexing and distributed data.'],
    ['Natural Language Processing', 'Tokens, language models and text classification.'],
    ['Computer Vision', 'Images, features, detection and recognition.'],
    ['Software Architecture', 'Styles, trade-offs and evolving large systems.'],
    ['Internet of Things', 'Connected devices, protocols and their data.'],
    ['Blockchain Technologies', 'Ledgers, consensus and smart contracts.'],
    ['Robotics Fundamentals', 'Kinematics, control and planning for robots.'],
    ['Professional Practice', 'Contracts, intellectual property and working in industry.'],
    ['Internship', 'Work in a company, reported to the department.'],
    ['Advanced Algorithms', 'Approximation, randomisation and hard problems.'],
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

/** Groups a stream holds at most: the groups of a year that sit in the same lectures. */
const STREAM_GROUPS = 5;

/**
 * The subjects: each year of a programme splits its groups into streams of up to five neighbours,
 * and each stream takes its own run of the year's catalogue from the top, named after the stream
 * when the year has more than one ("Databases (CS, year 2, stream 3)"). The streams share `count`
 * out evenly, so the department holds exactly that many subjects.
 */
function planSubjects(groups: readonly { programme: number; year: number }[], programmeCount: number, wanted: number | undefined): PlannedSubject[] {
  const streams: { programme: number; year: number; number: number | null; groups: number[] }[] = [];
  for (let p = 0; p < programmeCount; p++)
    for (let year = 1; year <= 4; year++) {
      const taking = groups.flatMap((g, i) => (g.programme === p && g.year === year ? [i] : []));
      const n = Math.ceil(taking.length / STREAM_GROUPS);
      for (let s = 0; s < n; s++)
        streams.push({ programme: p, year, number: n > 1 ? s + 1 : null, groups: taking.slice(Math.floor((s * taking.length) / n), Math.floor(((s + 1) * taking.length) / n)) });
    }
  const count = wanted ?? streams.length * 6;
  const subjects: PlannedSubject[] = [];
  streams.forEach((stream, i) => {
    const share = Math.floor(count / streams.length) + (i < count % streams.length ? 1 : 0);
    const catalogue = subjectsByYear[stream.year - 1]!;
    if (share > catalogue.length) throw new Error(`${count} subjects need more than the ${catalogue.length} a year's catalogue offers to each of ${streams.length} streams`);
    const [code, title] = programmes[stream.programme]!;
    const where = stream.number === null ? `${code}, year ${stream.year}` : `${code}, year ${stream.year}, stream ${stream.number}`;
    for (const [name, description] of catalogue.slice(0, share)) subjects.push({ name: `${name.replace('%s', title)} (${where})`, description, groups: stream.groups });
  });
  return subjects;
}

/** How many runs of pairs the department's busiest lecturer teaches: the full Waiting Room of a department. */
const BUSY_LECTURER_RUNS = 4;

/**
 * Every (subject, group) pair gets one active lecturer, each a run of neighbouring pairs, so a
 * lecturer teaches a few subjects to a few groups; the first active lecturer takes four runs, the
 * Waiting Room of a busy lecturer (656 waiting at `large`).
 */
function assignTeaching(subjects: readonly PlannedSubject[], active: readonly number[]): DepartmentPlan['teaching'] {
  if (active.length === 0) return [];
  const pairs = subjects.flatMap((s, subject) => s.groups.map((group) => ({ subject, group })));
  const runs = active.length - 1 + BUSY_LECTURER_RUNS;
  // Run r of `runs` covers the pairs from r·pairs/runs; the busy lecturer holds runs 0–3.
  return pairs.map((p, t) => {
    const run = Math.floor((t * runs) / pairs.length);
    return { ...p, lecturer: active[Math.max(0, run - BUSY_LECTURER_RUNS + 1)]! };
  });
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

  const subjects = planSubjects(groups, programmeCount, size.subjects);

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

  const teaching = assignTeaching(subjects, active);

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
