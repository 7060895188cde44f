// The studies on a student's record: the subjects of the student's group, and the exercises with
// where the student stands on each and their scores, as the viewer may see them (studies.ts).
import { formatDeadline, timeFromNow } from '../../../lib/department-time.js';
import { ExerciseStateBadge } from '../../../views/exercise-state.js';
import type { StudentExercise, StudentStudies } from '../studies.js';

const scoresCount = (n: number) => (n === 1 ? 'one score' : `${n} scores`);

/** The subjects card: each subject linked where the viewer may open it, with who teaches it to the group. */
export function StudentSubjectsCard(props: { studies: StudentStudies; hasGroup: boolean; width?: string }) {
  const own = props.studies.viewer === 'self';
  const subjects = props.studies.subjects;
  return (
    <div class={props.width ?? 'col-md-8'}>
      <div class="card shadow-sm h-100">
        <div class="card-header">Subjects</div>
        <div class="card-body" data-testid="record-subjects">
          {!props.hasGroup ? (
            <p class="text-secondary small mb-0">{own ? 'You are in no group yet, so you take no subjects.' : 'The student is in no group, so they take no subjects.'}</p>
          ) : subjects.length === 0 ? (
            <p class="text-secondary small mb-0">{own ? 'Your group takes no subjects yet.' : 'The group takes no subjects yet.'}</p>
          ) : (
            <ul class="list-unstyled mb-0">
              {subjects.map((s) => (
                <li class="mb-1" data-subject-id={String(s.id)}>
                  {s.linked ? (
                    <a href={`/subjects/${s.id}`} safe>
                      {s.name}
                    </a>
                  ) : (
                    <span safe>{s.name}</span>
                  )}
                  <span class="small text-secondary" safe>
                    {` · ${s.lecturers.length ? s.lecturers.join(', ') : 'no lecturer yet'}`}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </div>
  );
}

function ExerciseRow(props: { e: StudentExercise; staff: boolean; now: Date; timeZone: string }) {
  const e = props.e;
  return (
    <tr data-exercise-id={String(e.id)} data-state={e.state}>
      <td>
        <a href={`/exercises/${e.id}`} safe>
          {e.title}
        </a>
        {e.removedReason !== null ? (
          <div class="small text-danger" safe>
            {`Returned by the lecturer: ${e.removedReason}.${props.staff ? '' : ' Send it again from My exercises.'}`}
          </div>
        ) : e.sentAt ? (
          <div class="small text-secondary" safe>
            {`Sent ${formatDeadline(e.sentAt, props.timeZone)}`}
          </div>
        ) : (
          ''
        )}
      </td>
      <td class="small">
        {e.dueAt ? (
          <>
            <div safe>{formatDeadline(e.dueAt, props.timeZone)}</div>
            <div class="text-secondary" safe>
              {timeFromNow(e.dueAt, props.now)}
            </div>
          </>
        ) : (
          <span class="text-secondary">No due time</span>
        )}
      </td>
      <td>
        <ExerciseStateBadge state={e.state} />
        {/* A returned entry is no longer in the queue: as My exercises, no "late" for it. */}
        {e.late && e.removedReason === null ? <span class="badge text-bg-secondary ms-1">late</span> : ''}
        {props.staff && e.score !== null && !e.released ? <div class="small text-secondary">not yet shown to the student</div> : ''}
      </td>
      <td class="text-end fw-semibold" data-testid="record-score" safe>
        {e.score === null ? '' : String(e.score)}
      </td>
    </tr>
  );
}

/** The exercises card: per subject, the exercises set for the group with the student's state and score, and the rating. */
export function StudentExercisesCard(props: { studies: StudentStudies; now: Date; timeZone: string }) {
  const { studies } = props;
  const own = studies.viewer === 'self';
  const staff = !own;
  const count = studies.exercises.reduce((n, s) => n + s.exercises.length, 0);
  return (
    <div class="col-12">
      <div class="card shadow-sm">
        <div class="card-header d-flex flex-wrap align-items-center gap-2">
          <span class="me-auto">Exercises and scores</span>
          <span class="small" data-testid="record-rating" safe>
            {studies.rating === null ? 'Rating: no score yet' : `Rating ${studies.rating.toFixed(2)} (${scoresCount(studies.scored)}${own ? ', as shown to you' : ''})`}
          </span>
          {own ? (
            <a class="btn btn-sm btn-outline-primary" href="/my-exercises" data-testid="my-exercises-link">
              My exercises
            </a>
          ) : (
            ''
          )}
        </div>
        <div class="card-body" data-testid="record-exercises">
          <p class="small text-secondary" safe>
            {[
              `Due times are in ${props.timeZone}.`,
              own ? 'A score appears when it is given, or, where the lecturer releases an exercise\'s scores together, once released.' : 'Every given score counts in the averages, released to the student or not.',
              studies.viewer === 'lecturer' ? (studies.othersLeftOut ? 'Only the subjects you teach to this group are shown.' : '') : '',
            ]
              .filter(Boolean)
              .join(' ')}
          </p>
          {count === 0 ? (
            <p class="text-secondary small mb-0">
              {studies.viewer === 'lecturer'
                ? 'No exercise of a subject you teach to this group yet.'
                : own
                  ? 'No exercise is set for your group yet.'
                  : 'No exercise is set for the group yet.'}
            </p>
          ) : (
            <div class="table-responsive">
              <table class="table table-sm align-middle mb-0" data-testid="record-exercises-table">
                <thead>
                  <tr>
                    <th scope="col">Exercise</th>
                    <th scope="col">Due</th>
                    <th scope="col">State</th>
                    <th scope="col" class="text-end">
                      Score
                    </th>
                  </tr>
                </thead>
                {studies.exercises.map((s) => (
                  <tbody data-subject-id={String(s.subject.id)}>
                    <tr class="table-light">
                      <th scope="colgroup" colspan="4">
                        <span class="d-flex flex-wrap gap-2 align-items-baseline">
                          <span class="me-auto" safe>
                            {s.subject.name}
                          </span>
                          <span class="small fw-normal text-secondary" data-testid="subject-average" safe>
                            {s.average === null ? 'no score yet' : `average ${s.average.toFixed(2)} of ${scoresCount(s.scored)}`}
                          </span>
                          {s.gradebookHref ? (
                            <a class="small fw-normal" href={s.gradebookHref} data-testid="gradebook-link">
                              Gradebook
                            </a>
                          ) : (
                            ''
                          )}
                        </span>
                      </th>
                    </tr>
                    {s.exercises.map((e) => (
                      <ExerciseRow e={e} staff={staff} now={props.now} timeZone={props.timeZone} />
                    ))}
                  </tbody>
                ))}
              </table>
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
