import { fullName } from '../../../lib/people.js';
import { formatDateTime } from '../../../views/format.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import type { StudentView } from '../service.js';
import { AccountCard, ArchiveForm, CredentialsAlert, Detail, PhotoForms, RecordPhoto, type AccountSummary } from '../../../views/people.js';

export interface StudentPageProps {
  page: PageContext;
  student: StudentView;
  /** Admins: edit, archive, photo and account actions. */
  mayManage: boolean;
  /** Whether the group name links to the group's page (admins and lecturers). */
  linkGroup: boolean;
  /** The student looking at their own record. */
  own: boolean;
  account?: AccountSummary | null;
  accountIsSelf?: boolean;
  credentials?: { username: string; password: string; title: string } | null;
  photoError?: string | null;
  history: JSX.Element;
  now: Date;
}

function Later({ title, text }: { title: string; text: string }) {
  return (
    <div class="col-md-4">
      <div class="card h-100 border-0 bg-body-tertiary">
        <div class="card-body">
          <h2 class="h6 mb-1" safe>{title}</h2>
          <p class="small text-secondary mb-0" safe>{text}</p>
        </div>
      </div>
    </div>
  );
}

export function StudentPage(props: StudentPageProps) {
  const { history } = props;
  const s = props.student;
  const name = fullName(s);
  const full = 'birthDate' in s;
  return (
    <Layout page={props.page} title={name}>
      {props.own ? (
        ''
      ) : (
        <nav aria-label="breadcrumb">
          <ol class="breadcrumb">
            <li class="breadcrumb-item">
              <a href="/students">Students</a>
            </li>
            <li class="breadcrumb-item active" aria-current="page" safe>
              {name}
            </li>
          </ol>
        </nav>
      )}
      <PageHeader title={props.own ? `My record: ${name}` : name}>
        <>
          {s.archived ? <span class="badge text-bg-secondary align-self-center" data-testid="archived-badge">archived</span> : ''}
          {props.mayManage ? (
            <>
              <a class="btn btn-outline-primary" href={`/students/${s.id}/edit`}>
                Edit
              </a>
              <ArchiveForm action={`/students/${s.id}`} archived={s.archived} csrfToken={props.page.csrfToken} noun="student" />
            </>
          ) : (
            ''
          )}
        </>
      </PageHeader>
      {props.credentials ? <CredentialsAlert {...props.credentials} /> : ''}
      {s.archived ? (
        <div class="alert alert-secondary" role="status">
          This student is archived: the record is left out of the lists and kept with its history.
        </div>
      ) : (
        ''
      )}
      <div class="row g-4">
        <div class="col-md-5 col-lg-4">
          <div class="card shadow-sm mb-4">
            <div class="card-body">
              <RecordPhoto src={s.hasPhoto ? `/students/${s.id}/photo?v=${s.updatedAt.getTime()}` : null} person={s} name={name} />
              {props.mayManage ? <PhotoForms action={`/students/${s.id}/photo`} csrfToken={props.page.csrfToken} hasPhoto={s.hasPhoto} error={props.photoError} /> : ''}
            </div>
          </div>
          {props.mayManage && props.account !== undefined ? (
            <AccountCard account={props.account} action={`/students/${s.id}/account`} csrfToken={props.page.csrfToken} now={props.now} isSelf={props.accountIsSelf === true} />
          ) : (
            ''
          )}
        </div>
        <div class="col-md-7 col-lg-8">
          <div class="card shadow-sm mb-4">
            <div class="card-header">Record</div>
            <div class="card-body">
              <dl class="row mb-0" data-testid="student-details">
                <Detail label="Student number" value={s.studentNumber} testId="student-number" />
                <dt class="col-sm-4 text-secondary fw-normal">Group</dt>
                <dd class="col-sm-8">
                  {s.groupId !== null && s.groupName ? (
                    props.linkGroup ? (
                      <a href={`/groups/${s.groupId}`} data-testid="group-link" safe>
                        {s.groupName}
                      </a>
                    ) : (
                      <span safe>{s.groupName}</span>
                    )
                  ) : (
                    <span class="text-secondary">No group</span>
                  )}
                </dd>
                <Detail label="Last name" value={s.lastName} />
                <Detail label="First name" value={s.firstName} />
                <Detail label="Patronymic" value={s.patronymic} />
                {full ? <Detail label="Birth date" value={s.birthDate} testId="birth-date" /> : ''}
              </dl>
            </div>
          </div>
          <div class="card shadow-sm mb-4">
            <div class="card-header">Contact</div>
            <div class="card-body">
              <dl class="row mb-0" data-testid="student-contact">
                <dt class="col-sm-4 text-secondary fw-normal">E-mail</dt>
                <dd class="col-sm-8 text-break">
                  {s.email ? (
                    <a href={`mailto:${s.email}`} safe>
                      {s.email}
                    </a>
                  ) : (
                    '—'
                  )}
                </dd>
                {full ? (
                  <>
                    <Detail label="Phone" value={s.phone} testId="phone" />
                    <Detail label="Address" value={s.address} testId="address" />
                  </>
                ) : (
                  ''
                )}
              </dl>
              {full ? '' : <p class="small text-secondary mt-3 mb-0">Birth date, phone and address are visible to the department's administrators and the student.</p>}
            </div>
          </div>
          <div class="row g-3" data-testid="later-sections">
            <Later title="Subjects" text="The subjects this student takes appear here once subjects are managed in FMS." />
            <Later title="Exercises and scores" text="Hand-ins and scores (1–6) appear here with the Waiting Room." />
            <Later title="Thesis" text="The thesis title and supervisor appear here once theses are recorded." />
          </div>
          <p class="small text-secondary mt-3 mb-0" safe>
            {`Record created ${formatDateTime(s.createdAt)} · last changed ${formatDateTime(s.updatedAt)}`}
          </p>
        </div>
      </div>
      {history}
    </Layout>
  );
}
