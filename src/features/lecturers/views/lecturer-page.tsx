import { fullName } from '../../../lib/people.js';
import type { PageContext } from '../../../views/page.js';
import type { AccountSummary } from '../../../views/account-parts.js';
import { PersonRecordFrame } from '../../../views/person-record.js';
import { DeclaredDetails } from '../../../views/declared-fields.js';
import { lecturerFields } from '../fields.js';
import type { LecturerView } from '../service.js';
import type { LecturerTeaching } from '../teaching.js';
import { LecturerSubjectsCard } from './lecturer-teaching.js';

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
  /** The subjects they teach, with what waits for each (teaching.ts). */
  teaching: LecturerTeaching;
  now: Date;
}

export function LecturerPage(props: LecturerPageProps) {
  const l = props.lecturer;
  const name = fullName(l);
  return (
    <PersonRecordFrame
      page={props.page}
      base="/lecturers"
      listLabel="Lecturers"
      noun="lecturer"
      person={l}
      name={name}
      title={props.own ? `My record: ${name}` : name}
      linkList={props.mayManage}
      badges={l.isAdmin ? <span class="badge text-bg-primary align-self-center" data-testid="admin-badge">admin</span> : ''}
      mayManage={props.mayManage}
      // An admin cannot archive their own record.
      mayArchive={!props.own}
      credentials={props.credentials}
      photoError={props.photoError}
      account={props.account}
      accountIsSelf={props.accountIsSelf}
      now={props.now}
      history={props.history}
      details={
        <DeclaredDetails
          fields={lecturerFields}
          sections={['person', 'position']}
          record={l}
          custom={{ isAdmin: <>{l.isAdmin ? 'Yes: manages every record and account' : 'No'}</> }}
        />
      }
      contact={<DeclaredDetails fields={lecturerFields} sections={['contact']} record={l} omit={['email']} />}
      below={
        <div class="row g-3">
          <div class="col-12">
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
          <LecturerSubjectsCard teaching={props.teaching} />
        </div>
      }
    />
  );
}
