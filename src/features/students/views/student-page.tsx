import { fullName } from '../../../lib/people.js';
import type { PageContext } from '../../../views/page.js';
import { privateFieldNames, privateFieldsText } from '../../../lib/record-fields.js';
import { DeclaredDetails } from '../../../views/declared-fields.js';
import { studentFields } from '../fields.js';
import type { StudentView } from '../service.js';
import type { AccountSummary } from '../../../views/account-parts.js';
import { PersonRecordFrame } from '../../../views/person-record.js';
import { LaterCard } from '../../../views/record-parts.js';
import type { StudentStudies } from '../studies.js';
import { StudentExercisesCard, StudentSubjectsCard } from './student-studies.js';

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
  /** The subjects and exercises the viewer may see (studies.ts). */
  studies: StudentStudies;
  /** The department's time zone, for due times. */
  timeZone: string;
  now: Date;
}

export function StudentPage(props: StudentPageProps) {
  const s = props.student;
  const name = fullName(s);
  // A lecturer's view of the record holds none of the private fields.
  const full = privateFieldNames(studentFields).some((name) => name in s);
  return (
    <PersonRecordFrame
      page={props.page}
      base="/students"
      listLabel="Students"
      noun="student"
      person={s}
      name={name}
      title={props.own ? `My record: ${name}` : name}
      linkList={props.own ? null : true}
      mayManage={props.mayManage}
      mayArchive={true}
      credentials={props.credentials}
      photoError={props.photoError}
      account={props.account}
      accountIsSelf={props.accountIsSelf}
      now={props.now}
      history={props.history}
      details={
        <DeclaredDetails
          fields={studentFields}
          sections={['studies', 'person']}
          record={s}
          custom={{
            groupId:
              s.groupId !== null && s.groupName ? (
                props.linkGroup ? (
                  <a href={`/groups/${s.groupId}`} data-testid="group-link" safe>
                    {s.groupName}
                  </a>
                ) : (
                  <span safe>{s.groupName}</span>
                )
              ) : (
                <span class="text-secondary">No group</span>
              ),
          }}
        />
      }
      contact={<DeclaredDetails fields={studentFields} sections={['contact']} record={s} omit={['email']} />}
      contactNote={full ? '' : <p class="small text-secondary mt-3 mb-0" safe>{`${privateFieldsText(studentFields)} are visible to the department's administrators and the student.`}</p>}
      below={
        <div class="row g-3" data-testid="studies">
          <StudentSubjectsCard studies={props.studies} hasGroup={s.groupId !== null} />
          {/* The student reading their own record is addressed directly. */}
          <LaterCard title="Thesis" text={props.own ? 'Your thesis title and supervisor appear here once theses are recorded.' : 'The thesis title and supervisor appear here once theses are recorded.'} />
          <StudentExercisesCard studies={props.studies} now={props.now} timeZone={props.timeZone} />
        </div>
      }
    />
  );
}
