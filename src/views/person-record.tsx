// A student's or a lecturer's record page: the record page's frame (record-parts.tsx) around the
// photo and the sign-in account on one side and the "Record" and "Contact" cards on the other. Each
// feature fills in its own facts.
import type { Children } from '@kitajs/html';
import { AccountCard, type AccountSummary } from './account-parts.js';
import { formatDateTime } from './format.js';
import type { PageContext } from './page.js';
import { CredentialsAlert, PhotoForms, RecordPhoto } from './person-parts.js';
import { ArchiveForm, DetailsCard, RecordPage } from './record-parts.js';

export interface PersonRecordFrameProps {
  page: PageContext;
  /** "/students" or "/lecturers". */
  base: string;
  /** "Students" or "Lecturers": the breadcrumb's first step. */
  listLabel: string;
  /** "student" or "lecturer". */
  noun: string;
  person: { id: number; firstName: string; lastName: string; email: string | null; hasPhoto: boolean; archived: boolean; createdAt: Date; updatedAt: Date };
  name: string;
  title: string;
  /** null: no breadcrumb; false: the list is named but not linked. */
  linkList: boolean | null;
  badges?: Children;
  mayManage: boolean;
  mayArchive: boolean;
  credentials?: { username: string; password: string; title: string } | null;
  photoError?: string | null;
  account?: AccountSummary | null;
  accountIsSelf?: boolean;
  now: Date;
  /** The "Record" card's rows (Detail elements). */
  details: Children;
  /** The contact card's rows after the e-mail, and a note below them. */
  contact: Children;
  contactNote?: Children;
  /** What follows the contact card (teaching, subjects, …). */
  below: Children;
  history: Children;
}

/** A person's record page: header with edit/archive, photo and account, record and contact cards. */
export function PersonRecordFrame(props: PersonRecordFrameProps) {
  const p = props.person;
  const href = `${props.base}/${p.id}`;
  return (
    <RecordPage
      page={props.page}
      name={props.name}
      heading={props.title}
      list={props.linkList === null ? null : { href: props.base, label: props.listLabel, linked: props.linkList }}
      archived={p.archived}
      archivedNotice={`This ${props.noun} is archived: the record is left out of the lists and kept with its history.`}
      badges={props.badges}
      actions={
        props.mayManage ? (
          <>
            <a class="btn btn-outline-primary" href={`${href}/edit`}>
              Edit
            </a>
            {props.mayArchive ? <ArchiveForm action={href} archived={p.archived} csrfToken={props.page.csrfToken} noun={props.noun} /> : ''}
          </>
        ) : (
          ''
        )
      }
      notices={props.credentials ? <CredentialsAlert {...props.credentials} /> : ''}
      history={props.history}
    >
      <div class="row g-4">
        <div class="col-md-5 col-lg-4">
          <div class="card shadow-sm mb-4">
            <div class="card-body">
              <RecordPhoto src={p.hasPhoto ? `${href}/photo?v=${p.updatedAt.getTime()}` : null} person={p} name={props.name} />
              {props.mayManage ? <PhotoForms action={`${href}/photo`} csrfToken={props.page.csrfToken} hasPhoto={p.hasPhoto} error={props.photoError} /> : ''}
            </div>
          </div>
          {props.mayManage && props.account !== undefined ? (
            <AccountCard account={props.account} action={`${href}/account`} csrfToken={props.page.csrfToken} now={props.now} isSelf={props.accountIsSelf === true} />
          ) : (
            ''
          )}
        </div>
        <div class="col-md-7 col-lg-8">
          <DetailsCard title="Record" testId={`${props.noun}-details`}>
            {props.details}
          </DetailsCard>
          <DetailsCard title="Contact" testId={`${props.noun}-contact`} after={props.contactNote}>
            <>
              <dt class="col-sm-4 text-secondary fw-normal">E-mail</dt>
              <dd class="col-sm-8 text-break">
                {p.email ? (
                  <a href={`mailto:${p.email}`} safe>
                    {p.email}
                  </a>
                ) : (
                  '—'
                )}
              </dd>
              {props.contact}
            </>
          </DetailsCard>
          {props.below}
          <p class="small text-secondary mt-3 mb-0" safe>
            {`Record created ${formatDateTime(p.createdAt)} · last changed ${formatDateTime(p.updatedAt)}`}
          </p>
        </div>
      </div>
    </RecordPage>
  );
}
