import type { FieldMessages } from '../../../lib/errors.js';
import { formatBytes } from '../../../lib/bytes.js';
import { formatDeadline, timeFromNow } from '../../../lib/department-time.js';
import type { PageContext } from '../../../views/page.js';
import type { ExerciseView } from '../../exercises/service.js';
import { ArchiveForm, RecordPage } from '../../../views/record-parts.js';
import type { MaterialView } from '../materials.js';
import type { SubjectView } from '../service.js';
import { MaterialsTable } from './materials-table.js';
import { SubjectForm, type SubjectFormValues } from './subject-form.js';
import { materialFields } from '../material-fields.js';

export interface SubjectPageProps {
  page: PageContext;
  subject: SubjectView;
  /** The description as HTML, rendered by lib/markdown.ts (raw HTML in it comes out as text). */
  safeDescription: string;
  materials: readonly MaterialView[];
  /** The subject's exercises the viewer may see (a student: those set for their group). */
  exercises: readonly ExerciseView[];
  /** The department's zone (TIMEZONE): due times are shown in it. */
  timeZone: string;
  now: Date;
  /** Admins: name, groups, lecturers, archive. */
  mayManage: boolean;
  /** Admins and the subject's lecturers: description and materials. */
  mayTeach: boolean;
  /** The groups whose gradebook the viewer may open (access.ts groupsTaughtBy). */
  gradebookGroupIds: readonly number[];
  /** The largest upload MAX_CONTENT_LENGTH lets through. */
  maxUpload: number;
  history: JSX.Element;
  form?: { values: SubjectFormValues; errors?: FieldMessages; message?: string | null };
  /** Why the last upload was refused. */
  uploadError?: string | null;
}

/** Who teaches the subject to each of its groups; a link to each gradebook the viewer may open. */
function TeachingTable({ subject, gradebookGroupIds }: { subject: SubjectView; gradebookGroupIds: readonly number[] }) {
  if (subject.groups.length === 0) return <p class="text-secondary fst-italic mb-0">No group takes this subject yet.</p>;
  const lecturerName = new Map(subject.lecturers.map((l) => [l.id, l.name]));
  const gradebooks = new Set(gradebookGroupIds);
  return (
    <table class="table table-sm mb-0" data-testid="teaching-table">
      <thead>
        <tr>
          <th scope="col">Group</th>
          <th scope="col">Taught by</th>
          {gradebooks.size ? <th scope="col"><span class="visually-hidden">Gradebook</span></th> : ''}
        </tr>
      </thead>
      <tbody>
        {subject.groups.map((g) => {
          const by = subject.teaching.filter((t) => t.groupId === g.id).map((t) => lecturerName.get(t.lecturerId) ?? '');
          return (
            <tr>
              <td safe>{g.name}</td>
              <td class={by.length ? undefined : 'text-secondary fst-italic'}>{by.length ? <span safe>{by.join(', ')}</span> : 'No lecturer yet'}</td>
              {gradebooks.size ? (
                <td class="text-end">
                  {gradebooks.has(g.id) ? (
                    <a class="btn btn-sm btn-outline-secondary" href={`/subjects/${subject.id}/gradebook?group=${g.id}`} data-testid="gradebook-link">
                      Gradebook
                    </a>
                  ) : (
                    ''
                  )}
                </td>
              ) : (
                ''
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The subject's exercises: title, groups, due time in the department's zone; teachers may set a new one. */
function ExercisesCard(props: { subjectId: number; exercises: readonly ExerciseView[]; timeZone: string; now: Date; mayTeach: boolean }) {
  return (
    <section class="card shadow-sm mt-4" aria-labelledby="exercises-heading" data-testid="exercises-card">
      <div class="card-header d-flex align-items-center justify-content-between gap-2">
        <span id="exercises-heading">Exercises</span>
        {props.mayTeach ? (
          <a class="btn btn-sm btn-outline-primary" href={`/exercises/new?subject=${props.subjectId}`}>
            New exercise
          </a>
        ) : (
          ''
        )}
      </div>
      <div class="card-body">
        {props.exercises.length === 0 ? (
          <p class="text-secondary fst-italic mb-0">No exercises yet.</p>
        ) : (
          <table class="table table-sm align-middle mb-0" data-testid="exercises-table">
            <thead>
              <tr>
                <th scope="col">Exercise</th>
                <th scope="col">Groups</th>
                <th scope="col">Due</th>
              </tr>
            </thead>
            <tbody>
              {props.exercises.map((e) => (
                <tr>
                  <td>
                    <a class="fw-semibold" href={`/exercises/${e.id}`} safe>
                      {e.title}
                    </a>
                  </td>
                  <td safe>{e.groups.map((g) => g.name).join(', ')}</td>
                  <td>
                    {e.dueAt ? (
                      <>
                        <time datetime={e.dueAt.toISOString()} safe>
                          {formatDeadline(e.dueAt, props.timeZone)}
                        </time>
                        <div class={`small ${e.dueAt.getTime() < props.now.getTime() ? 'text-danger' : 'text-secondary'}`} safe>
                          {timeFromNow(e.dueAt, props.now)}
                        </div>
                      </>
                    ) : (
                      <span class="text-secondary fst-italic">No due time</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}

export function SubjectPage(props: SubjectPageProps) {
  const s = props.subject;
  // Rendered by lib/markdown.ts, which escapes every piece of the text that is not Markdown.
  const safeDescription = props.safeDescription;
  const csrf = props.page.csrfToken;
  return (
    <RecordPage
      page={props.page}
      name={s.name}
      list={{ href: '/subjects', label: 'Subjects', linked: true }}
      archived={s.archived}
      archivedNotice="This subject is archived (a past term's): lecturers and students no longer see it in their lists. Its materials and history are kept."
      actions={props.mayManage ? <ArchiveForm action={`/subjects/${s.id}`} archived={s.archived} csrfToken={csrf} noun="subject" /> : undefined}
      history={props.history}
    >
      <div class="row g-4">
        <div class="col-lg-7">
          <section class="card shadow-sm mb-4" aria-labelledby="about-heading">
            <div class="card-header" id="about-heading">
              About
            </div>
            <div class="card-body">
              {s.description ? (
                <div class="subject-description text-break" data-testid="subject-description">
                  {safeDescription}
                </div>
              ) : (
                <p class="text-secondary fst-italic mb-0">No description.</p>
              )}
            </div>
          </section>
          <section class="card shadow-sm" aria-labelledby="materials-heading">
            <div class="card-header" id="materials-heading">
              Materials
            </div>
            <div class="card-body">
              <MaterialsTable materials={props.materials} mayTeach={props.mayTeach} csrfToken={csrf} timeZone={props.timeZone} />
              {props.mayTeach ? (
                <form class="mt-3 border-top pt-3" method="post" action={`/subjects/${s.id}/materials`} enctype="multipart/form-data" data-testid="material-upload-form">
                  <input type="hidden" name="_csrf" value={csrf} />
                  <h2 class="h6">Add materials</h2>
                  {props.uploadError ? (
                    <div class="alert alert-danger py-2" role="alert" safe>
                      {props.uploadError}
                    </div>
                  ) : (
                    ''
                  )}
                  <div class="row g-2 align-items-end">
                    <div class="col-md-7">
                      <label class="form-label small" for="material-files">
                        Files
                      </label>
                      <input class="form-control" type="file" id="material-files" name="file" multiple required aria-describedby="material-files-help" />
                      <div class="form-text" id="material-files-help" safe>
                        {`PDF, office documents, images, archives…; one or many, up to ${formatBytes(props.maxUpload)} in all.`}
                      </div>
                    </div>
                    <div class="col-md-5">
                      <label class="form-label small" for="material-title">
                        {materialFields.title.form!.formLabel ?? materialFields.title.label}
                      </label>
                      <input class="form-control" type="text" id="material-title" name="title" maxlength={String(materialFields.title.form!.maxlength)} placeholder="The file's name" />
                    </div>
                  </div>
                  <button class="btn btn-primary mt-2" type="submit">
                    Upload
                  </button>
                </form>
              ) : (
                ''
              )}
            </div>
          </section>
          <ExercisesCard subjectId={s.id} exercises={props.exercises} timeZone={props.timeZone} now={props.now} mayTeach={props.mayTeach} />
        </div>
        <div class="col-lg-5">
          <section class="card shadow-sm mb-4" aria-labelledby="teaching-heading">
            <div class="card-header" id="teaching-heading">
              Groups and lecturers
            </div>
            <div class="card-body">
              <TeachingTable subject={s} gradebookGroupIds={props.gradebookGroupIds} />
            </div>
          </section>
          {props.mayTeach ? (
            <section class="card shadow-sm" aria-labelledby="edit-heading">
              <div class="card-header" id="edit-heading">
                {props.mayManage ? 'Change the subject' : 'Describe the subject'}
              </div>
              <div class="card-body">
                <SubjectForm
                  action={`/subjects/${s.id}`}
                  csrfToken={csrf}
                  values={props.form?.values ?? {}}
                  errors={props.form?.errors}
                  message={props.form?.message}
                  submit="Save changes"
                  isNew={false}
                  mayManage={props.mayManage}
                />
              </div>
            </section>
          ) : (
            ''
          )}
        </div>
      </div>
    </RecordPage>
  );
}
