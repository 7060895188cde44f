// The theses of a generated department: one for every other student, those who left included
// (50,000 at `large`), their titles drawn from a seed out of topics and methods in English (most),
// Russian and Armenian, so "Find similar theses" has a realistic spread of close and distant titles;
// a supervisor among the active lecturers, a year from 2024 to 2027; one in five still a student's
// proposal. Written in bulk, 1,000 a statement, without audit entries, like the news.
import type { ServiceContext } from '../context.js';
import type { Db } from '../db/index.js';
import type { OnProgress } from '../ops/data/progress.js';
import { SeededRandom } from './seeded-random.js';

const BATCH = 1000;

const english = {
  methods: ['Neural networks', 'Graph algorithms', 'Bayesian models', 'Genetic algorithms', 'Decision trees', 'Formal verification', 'Reinforcement learning', 'Transformers', 'Linear programming', 'Fuzzy logic', 'Monte Carlo simulation', 'Static analysis'],
  tasks: ['recognition of handwritten letters', 'scheduling of university exams', 'routing in sensor networks', 'detection of network intrusions', 'prediction of student performance', 'compression of medical images', 'translation between Armenian and English', 'load balancing in cloud systems', 'recommendation of library books', 'analysis of traffic in Yerevan', 'testing of web applications', 'energy use of mobile devices', 'search in large text collections', 'planning of public transport'],
  links: ['for', 'in', 'applied to'],
  extras: ['', '', '', ': a case study', ': a comparison', ' with limited data', ' in real time', ' at scale'],
};
const russian = {
  methods: ['Нейронные сети', 'Графовые алгоритмы', 'Байесовские модели', 'Генетические алгоритмы', 'Обучение с подкреплением', 'Формальная верификация'],
  tasks: ['распознавания рукописных букв', 'расписания экзаменов', 'маршрутизации в сенсорных сетях', 'обнаружения сетевых атак', 'прогноза успеваемости студентов', 'сжатия медицинских изображений'],
};
const armenian = {
  methods: ['Նեյրոնային ցանցեր', 'Գրաֆային ալգորիթմներ', 'Բայեսյան մոդելներ', 'Գենետիկ ալգորիթմներ'],
  tasks: ['ձեռագիր տառերի ճանաչման համար', 'քննությունների ժամանակացույցի համար', 'ցանցային հարձակումների հայտնաբերման համար', 'ուսանողների առաջադիմության կանխատեսման համար'],
};

export function thesisTitle(r: SeededRandom): string {
  const pick = <T>(list: readonly T[]) => list[r.below(list.length)]!;
  const language = r.next();
  if (language < 0.1) return `${pick(russian.methods)} для ${pick(russian.tasks)}`;
  if (language < 0.18) return `${pick(armenian.methods)} ${pick(armenian.tasks)}`;
  return `${pick(english.methods)} ${pick(english.links)} ${pick(english.tasks)}${pick(english.extras)}`;
}

export async function writeTheses(
  ctx: ServiceContext,
  inStepTransaction: <T>(work: (db: Db) => Promise<T>) => Promise<T>,
  options: { seed: number },
  onProgress: OnProgress,
): Promise<number> {
  const step = 'recording theses';
  const r = new SeededRandom(options.seed, 'theses');
  const students = (await ctx.db.selectFrom('students').select('id').orderBy('id').execute()).map((s) => s.id);
  const lecturers = (await ctx.db.selectFrom('lecturers').select('id').where('archived', '=', false).orderBy('id').execute()).map((l) => l.id);
  const now = ctx.clock.now();
  const chosen = students.filter((_, i) => i % 2 === 0);
  for (let i = 0; i < chosen.length; i += BATCH) {
    onProgress({ step, done: i, total: chosen.length, unit: 'rows' });
    const rows = chosen.slice(i, i + BATCH).map((studentId) => {
      const proposed = r.next() < 0.2;
      return {
        studentId,
        title: thesisTitle(r),
        supervisorId: proposed || lecturers.length === 0 ? null : lecturers[r.below(lecturers.length)]!,
        year: 2024 + r.below(4),
        status: proposed ? ('proposed' as const) : ('recorded' as const),
        createdAt: new Date(now.getTime() - r.below(730) * 86_400_000),
        updatedAt: null,
      };
    });
    await inStepTransaction((db) => db.insertInto('theses').values(rows).execute());
  }
  onProgress({ step, done: chosen.length, total: chosen.length, unit: 'rows' });
  return chosen.length;
}
