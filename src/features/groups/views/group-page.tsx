import type { FieldMessages } from '../../../lib/errors.js';
import { formValuesOfRecord } from '../../../lib/record-fields.js';
import { formatDateTime } from '../../../views/format.js';
import type { PageContext } from '../../../views/page.js';
import { ArchiveForm, RecordPage } from '../../../views/record-parts.js';
import { groupFields } from '../fields.js';
import type { GroupView } from '../service.js';
import { GroupForm } from './group-form.js';

export interface GroupPageProps {
  page: PageContext;
  group: GroupView;
  mayManage: boolean;
  /** The record's history, rendered by the caller (admins only), or ''. */
  history: JSX.Element;
  /** The edit form's input and messages after a refused change. */
  form?: { values: Readonly<Record<string, string | undefined>>; errors?: FieldMessages; message?: string | null };
}

export function GroupPage(props: GroupPageProps) {
  const g = props.group;
  return (
    <RecordPage
      page={props.page}
      name={g.name}
      list={{ href: '/groups', label: 'Groups', linked: true }}
      archived={g.archived}
      archivedNotice="This group is archived: it is left out of the lists and cannot be chosen for students. Its students and history are kept."
      actions={
        <>
          <a class="btn btn-outline-primary" href={`/students?group=${g.id}`} data-testid="group-students-link">
            View students
          </a>
          {props.mayManage ? <ArchiveForm action={`/groups/${g.id}`} archived={g.archived} csrfToken={props.page.csrfToken} noun="group" /> : ''}
        </>
      }
      history={props.history}
    >
      <div class="row g-4">
        <div class={props.mayManage ? 'col-lg-5' : 'col-lg-8'}>
          <div class="card shadow-sm h-100">
            <div class="card-body">
              <div class="d-flex align-items-baseline gap-2 mb-3">
                <span class="display-6 fw-semibold" data-testid="student-count" safe>
                  {String(g.studentCount)}
                </span>
                <span class="text-secondary">{g.studentCount === 1 ? 'active student' : 'active students'}</span>
              </div>
              <h2 class="h6 text-secondary">Description</h2>
              {g.description ? (
                <p class="mb-3 text-break" data-testid="group-description" safe>
                  {g.description}
                </p>
              ) : (
                <p class="text-secondary fst-italic mb-3">No description.</p>
              )}
              <dl class="row small text-secondary mb-0">
                <dt class="col-5 fw-normal">Created</dt>
                <dd class="col-7" safe>
                  {formatDateTime(g.createdAt)}
                </dd>
                <dt class="col-5 fw-normal">Last changed</dt>
                <dd class="col-7" safe>
                  {formatDateTime(g.updatedAt)}
                </dd>
              </dl>
            </div>
          </div>
        </div>
        {props.mayManage ? (
          <div class="col-lg-7">
            <div class="card shadow-sm h-100">
              <div class="card-header">Rename or describe</div>
              <div class="card-body">
                <GroupForm
                  action={`/groups/${g.id}`}
                  csrfToken={props.page.csrfToken}
                  values={props.form?.values ?? formValuesOfRecord(groupFields, g)}
                  errors={props.form?.errors}
                  message={props.form?.message}
                  submit="Save changes"
                />
              </div>
            </div>
          </div>
        ) : (
          ''
        )}
      </div>
    </RecordPage>
  );
}
