import { Layout, PageHeader } from '../../../views/layout.js';
import { ListTable, NameSearchForm } from '../../../views/list-parts.js';
import type { PageContext } from '../../../views/page.js';
import { CursorPagination } from '../../../views/pagination.js';
import type { MaterialView } from '../materials.js';
import type { SubjectView } from '../service.js';
import { MaterialsTable } from './materials-table.js';

export interface SubjectsPageProps {
  page: PageContext;
  subjects: SubjectView[];
  q: string;
  archived: boolean;
  /** Admins see every subject and create them; lecturers see those they teach. */
  mayManage: boolean;
  nextHref: string | null;
  firstHref: string | null;
}

function names(items: readonly { name: string }[], none: string): string {
  if (items.length === 0) return none;
  const shown = items.slice(0, 4).map((i) => i.name).join(', ');
  return items.length > 4 ? `${shown} and ${items.length - 4} more` : shown;
}

/** Admins' and lecturers' list of subjects. */
export function SubjectsPage(props: SubjectsPageProps) {
  const title = props.mayManage ? (props.archived ? 'Archived subjects' : 'Subjects') : 'Subjects you teach';
  return (
    <Layout page={props.page} title={title}>
      <PageHeader title={title}>
        {props.mayManage ? (
          <>
            <a class="btn btn-outline-secondary" href={props.archived ? '/subjects' : '/subjects?archived=true'} data-testid="archived-toggle">
              {props.archived ? 'Show running subjects' : 'Show archived'}
            </a>
            <a class="btn btn-primary" href="/subjects/new">
              New subject
            </a>
          </>
        ) : (
          <></>
        )}
      </PageHeader>
      <NameSearchForm action="/subjects" q={props.q} archived={props.archived} label="Search subject names" />
      <ListTable
        testId="subjects-table"
        columns={3}
        head={
          <>
            <th scope="col">Subject</th>
            <th scope="col">Groups</th>
            <th scope="col">Lecturers</th>
          </>
        }
        empty={props.subjects.length > 0 ? null : props.q ? 'No subject matches this search.' : props.mayManage ? 'No subjects yet.' : 'You teach no subjects yet.'}
      >
        <>
          {props.subjects.map((s) => (
            <tr>
              <td>
                <a class="fw-semibold" href={`/subjects/${s.id}`} safe>
                  {s.name}
                </a>
                {s.archived ? <span class="badge text-bg-secondary ms-2">archived</span> : ''}
              </td>
              <td class="text-secondary" safe>
                {names(s.groups, 'No groups')}
              </td>
              <td class="text-secondary" safe>
                {names(s.lecturers, 'No lecturers')}
              </td>
            </tr>
          ))}
        </>
      </ListTable>
      <CursorPagination
        steps={[
          { label: 'First page', href: props.firstHref, rel: 'first' },
          { label: 'Next page', href: props.nextHref, rel: 'next' },
        ]}
      />
    </Layout>
  );
}

/** A student's subjects: one card each, with its lecturers and its materials. */
export function MySubjectsPage(props: { page: PageContext; subjects: readonly { subject: SubjectView; materials: readonly MaterialView[] }[]; timeZone: string }) {
  return (
    <Layout page={props.page} title="My subjects">
      <PageHeader title="My subjects" />
      {props.subjects.length === 0 ? (
        <p class="text-secondary" data-testid="no-subjects">
          Your group takes no subjects yet. When it does, they appear here with their materials.
        </p>
      ) : (
        <div class="row g-4" data-testid="subject-cards">
          {props.subjects.map(({ subject, materials }) => (
            <div class="col-lg-6">
              <section class="card shadow-sm h-100" aria-labelledby={`subject-${subject.id}`}>
                <div class="card-header d-flex justify-content-between align-items-baseline gap-2">
                  <h2 class="h5 mb-0" id={`subject-${subject.id}`}>
                    <a href={`/subjects/${subject.id}`} safe>
                      {subject.name}
                    </a>
                  </h2>
                  <span class="small text-secondary text-end" safe>
                    {names(subject.lecturers, '')}
                  </span>
                </div>
                <div class="card-body">
                  <MaterialsTable materials={materials} mayTeach={false} csrfToken={props.page.csrfToken} testId={`materials-${subject.id}`} timeZone={props.timeZone} />
                </div>
              </section>
            </div>
          ))}
        </div>
      )}
    </Layout>
  );
}
