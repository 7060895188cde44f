import type { Children } from '@kitajs/html';
import { formatBytes } from '../../../lib/bytes.js';
import type { FieldMessages } from '../../../lib/errors.js';
import { formatDeadline, timeFromNow } from '../../../lib/department-time.js';
import { CsrfField } from '../../../views/form-field.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import { Breadcrumb } from '../../../views/record-parts.js';
import type { BriefView } from '../brief.js';
import type { ExerciseView } from '../service.js';
import { ExerciseForm, type ExerciseFormValues, type GroupChoice } from './exercise-form.js';

export interface ExercisePageProps {
  page: PageContext;
  exercise: ExerciseView;
  /** The text as HTML, rendered by lib/markdown.ts (raw HTML in it comes out as text). */
  safeText: string;
  /** The department's zone (TIMEZONE): the due time is shown in it, named. */
  timeZone: string;
  now: Date;
  /** Admins and the subject's lecturers: edit, delete, release scores. */
  mayTeach: boolean;
  /** A student of a group it is set for: sent from My exercises. */
  isStudent: boolean;
  /** The exercise's history (record-history.tsx), or '' for those who may not see it. */
  history: Children;
  /** The edit form's groups: those the actor may set it for, and those set by others (fixed). */
  groups: readonly GroupChoice[];
  form?: { values: ExerciseFormValues; errors?: FieldMessages; message?: string | null };
  /** Its attached brief, if any. */
  brief: BriefView | null;
  /** Why an upload of the brief was refused, shown above its form. */
  briefError?: string;
  /** MAX_CONTENT_LENGTH: the largest brief, said under the file input. */
  maxUpload: number;
}

/** The brief's download link, with the file's name and size. */
function BriefLink(props: { exerciseId: number; brief: BriefView; testId: string }) {
  return (
    <>
      <a class="fw-semibold" href={`/exercises/${props.exerciseId}/brief`} data-testid={props.testId}>
        Brief
      </a>{' '}
      <span class="small text-secondary text-break" safe>
        {`${props.brief.originalName}, ${formatBytes(props.brief.size)}`}
      </span>
    </>
  );
}

/** The teachers' card: attach a brief, or replace or remove the one there is. */
function BriefCard(props: { exercise: ExerciseView; brief: BriefView | null; error?: string; maxUpload: number; csrfToken: string }) {
  const e = props.exercise;
  return (
    <section class="card shadow-sm mb-4" aria-labelledby="exercise-brief-heading" data-testid="exercise-brief-card">
      <div class="card-header" id="exercise-brief-heading">
        Brief
      </div>
      <div class="card-body">
        {props.brief ? (
          <p class="mb-2">
            <BriefLink exerciseId={e.id} brief={props.brief} testId="exercise-brief-card-link" />
          </p>
        ) : (
          <p class="text-secondary fst-italic mb-2">No brief attached.</p>
        )}
        <form method="post" action={`/exercises/${e.id}/brief`} enctype="multipart/form-data" data-testid="exercise-brief-form">
          <input type="hidden" name="_csrf" value={props.csrfToken} />
          {props.error ? (
            <div class="alert alert-danger py-2" role="alert" safe>
              {props.error}
            </div>
          ) : (
            ''
          )}
          <label class="form-label small" for="exercise-brief-file">
            {props.brief ? 'A new file in its place' : 'A file for the students: the task in full, a template, data'}
          </label>
          <input class="form-control" type="file" id="exercise-brief-file" name="file" required aria-describedby="exercise-brief-help" />
          <div class="form-text" id="exercise-brief-help" safe>
            {`One file, up to ${formatBytes(props.maxUpload)}.`}
          </div>
          <button class="btn btn-primary btn-sm mt-2" type="submit">
            {props.brief ? 'Replace the brief' : 'Attach the brief'}
          </button>
        </form>
        {props.brief ? (
          <form class="mt-2" method="post" action={`/exercises/${e.id}/brief/delete`} data-confirm="Remove the brief? Students will no longer find it on the exercise.">
            <CsrfField token={props.csrfToken} />
            <button class="btn btn-outline-danger btn-sm" type="submit">
              Remove the brief
            </button>
          </form>
        ) : (
          ''
        )}
      </div>
    </section>
  );
}

/** The due time written out in the department's zone, with how far it is from now. */
export function DueTime(props: { at: Date | null; timeZone: string; now: Date }) {
  if (!props.at) return <span class="text-secondary fst-italic">No due time</span>;
  const past = props.at.getTime() < props.now.getTime();
  return (
    <>
      <time datetime={props.at.toISOString()} safe>
        {formatDeadline(props.at, props.timeZone)}
      </time>{' '}
      <span class={past ? 'text-danger' : 'text-secondary'} safe>
        {`(${timeFromNow(props.at, props.now)})`}
      </span>
    </>
  );
}

function ScoresShown(props: { exercise: ExerciseView; timeZone: string }) {
  const e = props.exercise;
  if (e.scoreRelease === 'on-scoring') return <>On scoring: each student sees their score as soon as it is given.</>;
  if (e.scoresReleasedAt) return <span safe>{`When released: released ${formatDeadline(e.scoresReleasedAt, props.timeZone)}.`}</span>;
  return <>When released: not released yet, students do not see their scores.</>;
}

function TeacherActions(props: { exercise: ExerciseView; csrfToken: string }) {
  const e = props.exercise;
  return (
    <>
      {e.scoreRelease === 'manual' && !e.scoresReleasedAt ? (
        <form method="post" action={`/exercises/${e.id}/release-scores`} data-confirm="Release the scores? Every student of this exercise sees their score from now on.">
          <CsrfField token={props.csrfToken} />
          <button class="btn btn-outline-success" type="submit">
            Release scores
          </button>
        </form>
      ) : (
        ''
      )}
      <form method="post" action={`/exercises/${e.id}/delete`} data-confirm="Delete this exercise with everything students sent for it? This cannot be undone.">
        <CsrfField token={props.csrfToken} />
        <button class="btn btn-outline-danger" type="submit">
          Delete
        </button>
      </form>
    </>
  );
}

export function ExercisePage(props: ExercisePageProps) {
  const e = props.exercise;
  // Rendered by lib/markdown.ts, which escapes every piece of the text that is not Markdown.
  const safeText = props.safeText;
  const csrf = props.page.csrfToken;
  return (
    <Layout page={props.page} title={e.title}>
      <Breadcrumb
        steps={[
          { label: 'Subjects', href: '/subjects' },
          { label: e.subjectName, href: `/subjects/${e.subjectId}` },
          { label: e.title },
        ]}
      />
      <PageHeader title={e.title}>{props.mayTeach ? <TeacherActions exercise={e} csrfToken={csrf} /> : undefined}</PageHeader>
      <div class="row g-4">
        <div class={props.mayTeach ? 'col-lg-7' : 'col-lg-9'}>
          <section class="card shadow-sm mb-4" aria-labelledby="exercise-facts-heading">
            <div class="card-header" id="exercise-facts-heading">
              Exercise
            </div>
            <div class="card-body">
              <dl class="row mb-0" data-testid="exercise-facts">
                <dt class="col-sm-3 text-secondary fw-normal">Subject</dt>
                <dd class="col-sm-9">
                  <a href={`/subjects/${e.subjectId}`} safe>
                    {e.subjectName}
                  </a>
                </dd>
                <dt class="col-sm-3 text-secondary fw-normal">Groups</dt>
                <dd class="col-sm-9" data-testid="exercise-groups" safe>
                  {e.groups.map((g) => g.name).join(', ') || '—'}
                </dd>
                <dt class="col-sm-3 text-secondary fw-normal">Due</dt>
                <dd class="col-sm-9" data-testid="exercise-due">
                  <DueTime at={e.dueAt} timeZone={props.timeZone} now={props.now} />
                </dd>
                {props.brief ? (
                  <>
                    <dt class="col-sm-3 text-secondary fw-normal">Brief</dt>
                    <dd class="col-sm-9" data-testid="exercise-brief">
                      <BriefLink exerciseId={e.id} brief={props.brief} testId="exercise-brief-link" />
                    </dd>
                  </>
                ) : (
                  ''
                )}
                <dt class="col-sm-3 text-secondary fw-normal">Scores shown</dt>
                <dd class="col-sm-9 mb-0" data-testid="exercise-scores-shown">
                  <ScoresShown exercise={e} timeZone={props.timeZone} />
                </dd>
              </dl>
            </div>
          </section>
          <section class="card shadow-sm" aria-labelledby="exercise-text-heading">
            <div class="card-header" id="exercise-text-heading">
              What to do
            </div>
            <div class="card-body">
              {e.text ? (
                <div class="exercise-text text-break" data-testid="exercise-text">
                  {safeText}
                </div>
              ) : (
                <p class="text-secondary fst-italic mb-0">No text: the title says it all.</p>
              )}
            </div>
          </section>
          {props.isStudent ? (
            <p class="mt-3" data-testid="send-from-my-exercises">
              <a class="btn btn-primary" href="/my-exercises">
                Send it from My exercises
              </a>
            </p>
          ) : (
            ''
          )}
        </div>
        {props.mayTeach ? (
          <div class="col-lg-5">
            <BriefCard exercise={e} brief={props.brief} error={props.briefError} maxUpload={props.maxUpload} csrfToken={csrf} />
            <section class="card shadow-sm" aria-labelledby="exercise-edit-heading">
              <div class="card-header" id="exercise-edit-heading">
                Change the exercise
              </div>
              <div class="card-body">
                <ExerciseForm
                  action={`/exercises/${e.id}`}
                  csrfToken={csrf}
                  values={props.form?.values ?? {}}
                  errors={props.form?.errors}
                  message={props.form?.message}
                  groups={props.groups}
                  timeZone={props.timeZone}
                  submit="Save changes"
                />
              </div>
            </section>
          </div>
        ) : (
          ''
        )}
      </div>
      {props.history}
    </Layout>
  );
}
