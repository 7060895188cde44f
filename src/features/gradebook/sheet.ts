// The gradebook as a spreadsheet (xlsx or csv): the page's table, one row per student, then the
// averages' row. Scores are numbers, so a sheet can compute with them; the writers neutralise text
// cells that a spreadsheet would run as a formula (lib/spreadsheets.ts).
import { neutraliseCell, type SheetColumn } from '../../lib/spreadsheets.js';
import { CELL_WORDS, type Gradebook, type GradebookCell } from './service.js';

export interface GradebookSheet {
  /** The file's name before its date: ASCII only, as Content-Disposition's filename must be. */
  basename: string;
  sheetName: string;
  columns: SheetColumn[];
  records: Record<string, string | number | null>[];
}

/** "Računarstvo 1" -> "racunarstvo-1": what of a name can go into a file name everywhere. */
function fileWord(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

function cellValue(cell: GradebookCell): string | number {
  if (cell.state === 'scored') return cell.score;
  if (cell.state === 'waiting') return cell.late ? 'waiting, late' : CELL_WORDS.waiting;
  return CELL_WORDS[cell.state];
}

/** The sheet of a gradebook with a group (the routes answer 404 for one without). */
export function gradebookSheet(book: Gradebook & { group: NonNullable<Gradebook['group']> }): GradebookSheet {
  const key = (exerciseId: number) => `e${exerciseId}`;
  const columns: SheetColumn[] = [
    { header: 'Student number', key: 'studentNumber', width: 16 },
    { header: 'Student', key: 'student', width: 32 },
    // The xlsx writer leaves headers as they are; a title is the lecturer's text, so it is neutralised here.
    ...book.exercises.map((e) => ({ header: String(neutraliseCell(e.released ? e.title : `${e.title} (scores not released)`)), key: key(e.id), width: 14 })),
    { header: 'Average', key: 'average', width: 10 },
  ];
  const records: GradebookSheet['records'] = book.rows.map((row) => ({
    studentNumber: row.student.studentNumber,
    student: row.student.name,
    ...Object.fromEntries(book.exercises.map((e, i) => [key(e.id), cellValue(row.cells[i]!)])),
    average: row.average,
  }));
  records.push({ studentNumber: '', student: 'Average', ...Object.fromEntries(book.exercises.map((e) => [key(e.id), e.average])), average: book.average });
  const words = [fileWord(book.subject.name), fileWord(book.group.name)].filter(Boolean);
  return {
    basename: ['gradebook', ...(words.length ? words : [String(book.subject.id), String(book.group.id)])].join('-'),
    sheetName: book.group.name,
    columns,
    records,
  };
}
