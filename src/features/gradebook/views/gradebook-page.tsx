import { formatDeadline, formatShortDate } from '../../../lib/department-time.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import { ExportLinks } from '../../../views/list-parts.js';
import type { PageContext } from '../../../views/page.js';
import { Breadcrumb } from '../../../views/record-parts.js';
import { CELL_WORDS, type Gradebook, type GradebookCell } from '../service.js';

export interface GradebookPageProps {
  page: PageContext;
  book: Gradebook;
  /** The department's zone (TIMEZONE): due dates are shown in it. */
  timeZone: string;
}

/** "10 Dec": a column's due date, short; the header's title says it in full. */
function shortDate(at: Date, timeZone: string): string {
  return formatShortDate(at, timeZone);
}

function averageText(average: number | null): string {
  return average === null ? '—' : average.toFixed(2);
}

const LateMark = () => (
  <span class="badge text-bg-warning ms-1" title="Sent after the due time">
    late
  </span>
);

function Cell(props: { cell: GradebookCell; released: boolean }) {
  const c = props.cell;
  switch (c.state) {
    case 'scored':
      return (
        <td class="text-center" data-state="scored">
          <strong safe>{String(c.score)}</strong>
          {props.released ? (
            ''
          ) : (
            <abbr class="text-secondary" title="Not released: the student does not see this score yet">
              †
            </abbr>
          )}
          {c.late ? <LateMark /> : ''}
        </td>
      );
    case 'waiting':
      return (
        <td class="text-center text-primary small" data-state="waiting">
          <span safe>{CELL_WORDS.waiting}</span>
          {c.late ? <LateMark /> : ''}
        </td>
      );
    case 'removed':
      return (
        <td class="text-center text-secondary small" data-state="removed" safe>
          {CELL_WORDS.removed}
        </td>
      );
    case 'overdue':
      return (
        <td class="text-center text-danger small" data-state="overdue" safe>
          {CELL_WORDS.overdue}
        </td>
      );
    case 'not sent':
      return (
        <td class="text-center text-secondary" data-state="not-sent" title="Nothing sent yet" safe>
          {CELL_WORDS['not sent']}
        </td>
      );
  }
}

/** Links to the other groups' gradebooks of the subject (those the viewer may open). */
function GroupChoice(props: { book: Gradebook }) {
  const { book } = props;
  if (book.groups.length < 2) return '';
  return (
    <nav class="mb-3" aria-label="Groups">
      <ul class="nav nav-pills" data-testid="gradebook-groups">
        {book.groups.map((g) => (
          <li class="nav-item">
            <a class={`nav-link${g.id === book.group?.id ? ' active' : ''}`} href={`/subjects/${book.subject.id}/gradebook?group=${g.id}`} aria-current={g.id === book.group?.id ? 'page' : undefined} safe>
              {g.name}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function GradebookTable(props: { book: Gradebook; timeZone: string }) {
  const { book } = props;
  if (book.rows.length === 0) return <p class="text-secondary fst-italic mb-0">This group has no active students.</p>;
  return (
    <div class="table-responsive">
      <table class="table table-sm table-bordered table-hover align-middle mb-0" data-testid="gradebook-table">
        <thead class="table-light">
          <tr>
            <th scope="col">Student number</th>
            <th scope="col">Student</th>
            {book.exercises.map((e) => (
              <th scope="col" class="text-center">
                <a href={`/exercises/${e.id}`} safe>
                  {e.title}
                </a>
                {e.released ? '' : <abbr title="Scores not released to the students yet"> †</abbr>}
                {e.dueAt ? (
                  <div class="small fw-normal text-secondary">
                    <time datetime={e.dueAt.toISOString()} title={formatDeadline(e.dueAt, props.timeZone)} safe>
                      {shortDate(e.dueAt, props.timeZone)}
                    </time>
                  </div>
                ) : (
                  ''
                )}
              </th>
            ))}
            <th scope="col" class="text-center">
              Average
            </th>
          </tr>
        </thead>
        <tbody>
          {book.rows.map((row) => (
            <tr data-student={String(row.student.id)}>
              <td class="text-nowrap" safe>
                {row.student.studentNumber}
              </td>
              <th scope="row" class="fw-normal text-nowrap">
                <a href={`/students/${row.student.id}`} safe>
                  {row.student.name}
                </a>
              </th>
              {row.cells.map((cell, i) => (
                <Cell cell={cell} released={book.exercises[i]!.released} />
              ))}
              <td class="text-center fw-semibold" data-average safe>
                {averageText(row.average)}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot class="table-light">
          <tr data-testid="gradebook-averages">
            <th scope="row" colspan="2">
              Average
            </th>
            {book.exercises.map((e) => (
              <td class="text-center fw-semibold" safe>
                {averageText(e.average)}
              </td>
            ))}
            <td class="text-center fw-bold" data-testid="gradebook-average" safe>
              {averageText(book.average)}
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function Legend() {
  return (
    <p class="small text-secondary mt-3 mb-0" data-testid="gradebook-legend">
      Scores 1–6 as given, released to the students or not: † not released yet. <span class="badge text-bg-warning">late</span> sent after the due time; waiting: sent, not scored
      yet; removed: taken out of the Waiting Room (the student may send it again); overdue: nothing sent and the due time has passed; —: nothing sent yet. Averages count the
      scores only; the group’s average counts each score once.
    </p>
  );
}

export function GradebookPage(props: GradebookPageProps) {
  const { book } = props;
  const title = book.group ? `Gradebook: ${book.subject.name}, ${book.group.name}` : `Gradebook: ${book.subject.name}`;
  return (
    <Layout page={props.page} title={title}>
      <Breadcrumb steps={[{ label: 'Subjects', href: '/subjects' }, { label: book.subject.name, href: `/subjects/${book.subject.id}` }, { label: 'Gradebook' }]} />
      <PageHeader title={title}>{book.group ? <ExportLinks base={`/subjects/${book.subject.id}/gradebook`} query={`group=${book.group.id}`} /> : undefined}</PageHeader>
      <GroupChoice book={book} />
      <section class="card shadow-sm" aria-label="Gradebook">
        <div class="card-body">
          {book.group === null ? (
            <p class="text-secondary fst-italic mb-0">No group takes this subject yet.</p>
          ) : book.exercises.length === 0 && book.rows.length > 0 ? (
            <p class="text-secondary fst-italic mb-0">No exercise is set for this group yet.</p>
          ) : (
            <>
              <GradebookTable book={book} timeZone={props.timeZone} />
              <Legend />
            </>
          )}
        </div>
      </section>
    </Layout>
  );
}
