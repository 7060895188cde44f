import { fullName } from '../../../lib/people.js';
import { formatDateTime } from '../../../views/format.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import { AccountCard, ArchiveForm, CredentialsAlert, Detail, PhotoForms, RecordPhoto, type AccountSummary } from '../../../views/people.js';
import type { LecturerView } from '../service.js';

export interface LecturerPageProps {
  page: PageContext;
  lecturer: LecturerView;
  /** Admins: edit, archive, photo and account actions. */
  mayManage: boolean;
  /** The lecturer looking at their own record. */
  own: boolean;
  account?: AccountSummary | null;
  accountIsSelf?: boolean;
  credentials?: { username: string; password: string; title: string } | null;
  photoError?: string | null;
  history: JSX.Element;
  now: Date;
}

export function LecturerPage(props: LecturerPageProps) {
  const { history } = props;
  const l = props.lecturer;
  const name = fullName(l);
  return (
    <Layout page={props.page} title={name}>
      <nav aria-label="breadcrumb">
        <ol class="breadcrumb">
          <li class="breadcrumb-item">{props.mayManage ? <a href="/lecturers">Lecturers</a> : 'Lecturers'}</li>
          <li class="breadcrumb-item active" aria-current="page" safe>
            {name}
          </li>
        </ol>
      </nav>
      <PageHeader title={props.own ? `My record: ${name}` : name}>
        <>
          {l.isAdmin ? <span class="badge text-bg-primary align-self-center" data-testid="admin-badge">admin</span> : ''}
          {l.archived ? <span class="badge text-bg-secondary align-self-center" data-testid="archived-badge">archived</span> : ''}
          {props.mayManage ? (
            <>
              <a class="btn btn-outline-primary" href={`/lecturers/${l.id}/edit`}>
                Edit
              </a>
              {props.own ? '' : <ArchiveForm action={`/lecturers/${l.id}`} archived={l.archived} csrfToken={props.page.csrfToken} noun="lecturer" />}
            </>
          ) : (
            ''
          )}
        </>
      </PageHeader>
      {props.credentials ? <CredentialsAlert {...props.credentials} /> : ''}
      {l.archived ? (
        <div class="alert alert-secondary" role="status">
          This lecturer is archived: the record is left out of the lists and kept with its history.
        </div>
      ) : (
        ''
      )}
      <div class="row g-4">
        <div class="col-md-5 col-lg-4">
          <div class="card shadow-sm mb-4">
            <div class="card-body">
              <RecordPhoto src={l.hasPhoto ? `/lecturers/${l.id}/photo?v=${l.updatedAt.getTime()}` : null} person={l} name={name} />
              {props.mayManage ? <PhotoForms action={`/lecturers/${l.id}/photo`} csrfToken={props.page.csrfToken} hasPhoto={l.hasPhoto} error={props.photoError} /> : ''}
            </div>
          </div>
          {props.mayManage && props.account !== undefined ? (
            <AccountCard account={props.account} action={`/lecturers/${l.id}/account`} csrfToken={props.page.csrfToken} now={props.now} isSelf={props.accountIsSelf === true} />
          ) : (
            ''
          )}
        </div>
        <div class="col-md-7 col-lg-8">
          <div class="card shadow-sm mb-4">
            <div class="card-header">Record</div>
            <div class="card-body">
              <dl class="row mb-0" data-testid="lecturer-details">
                <Detail label="Last name" value={l.lastName} />
                <Detail label="First name" value={l.firstName} />
                <Detail label="Patronymic" value={l.patronymic} />
                <Detail label="Academic degree" value={l.academicDegree} testId="degree" />
                <Detail label="Position" value={l.position} testId="position" />
                <Detail label="Administrator" value={l.isAdmin ? 'Yes: manages every record and account' : 'No'} />
              </dl>
            </div>
          </div>
          <div class="card shadow-sm mb-4">
            <div class="card-header">Contact</div>
            <div class="card-body">
              <dl class="row mb-0" data-testid="lecturer-contact">
                <dt class="col-sm-4 text-secondary fw-normal">E-mail</dt>
                <dd class="col-sm-8 text-break">
                  {l.email ? (
                    <a href={`mailto:${l.email}`} safe>
                      {l.email}
                    </a>
                  ) : (
                    '—'
                  )}
                </dd>
                <Detail label="Phone" value={l.phone} testId="phone" />
                <Detail label="Address" value={l.address} testId="address" />
              </dl>
            </div>
          </div>
          <div class="row g-3">
            <div class="col-md-6">
              <div class="card shadow-sm h-100">
                <div class="card-header">Groups taught</div>
                <div class="card-body" data-testid="groups-taught">
                  {l.groupsTaught.length === 0 ? (
                    <p class="text-secondary small mb-0">No teaching assignments yet.</p>
                  ) : (
                    <div class="d-flex flex-wrap gap-2">
                      {l.groupsTaught.map((g) => (
                        <a class="badge text-bg-light border fs-6 fw-normal text-decoration-none" href={`/groups/${g.id}`} safe>
                          {g.name}
                        </a>
                      ))}
                    </div>
                  )}
                </div>
              </div>
            </div>
            <div class="col-md-6">
              <div class="card h-100 border-0 bg-body-tertiary">
                <div class="card-body">
                  <h2 class="h6 mb-1">Subjects</h2>
                  <p class="small text-secondary mb-0">The subjects this lecturer teaches appear here once subjects are managed in FMS.</p>
                </div>
              </div>
            </div>
          </div>
          <p class="small text-secondary mt-3 mb-0" safe>
            {`Record created ${formatDateTime(l.createdAt)} · last changed ${formatDateTime(l.updatedAt)}`}
          </p>
        </div>
      </div>
      {history}
    </Layout>
  );
}
