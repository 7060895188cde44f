import { formatBytes } from '../../../lib/bytes.js';
import { formatDeadline, timeFromNow } from '../../../lib/department-time.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import { ExerciseStateBadge } from '../../../views/exercise-state.js';
import type { PageContext } from '../../../views/page.js';
import type { ExerciseState, MyExercise } from '../../exercises/service.js';
import { submissionFields } from '../fields.js';

const note = submissionFields.note.form;

export interface MyExercisesProps {
  page: PageContext;
  exercises: readonly MyExercise[];
  now: Date;
  timeZone: string;
  maxUpload: number;
  /** Why the last sending was refused. */
  problem?: string | null;
  /** The note typed before a refusal, shown again. */
  note?: string;
}

/** What the student owes first (overdue, due soon, open), then what is waiting or scored. */
const order: Record<ExerciseState, number> = { overdue: 0, 'due soon': 1, open: 2, waiting: 3, scored: 4 };

export function MyExercisesPage(props: MyExercisesProps) {
  const sorted = [...props.exercises].sort((a, b) => order[a.state] - order[b.state]);
  const owed = sorted.filter((m) => m.state === 'overdue' || m.state === 'due soon' || m.state === 'open').length;
  return (
    <Layout page={props.page} title="My exercises">
      <PageHeader title="My exercises">
        <a class="btn btn-outline-secondary" href="/my-calendar" data-testid="calendar-feed-link">
          Calendar feed
        </a>
      </PageHeader>
      <p class="text-secondary" data-testid="owed-summary" safe>
        {owed === 0 ? 'You owe nothing right now.' : `You have ${owed} exercise${owed === 1 ? '' : 's'} to send. Due times are in ${props.timeZone}.`}
      </p>
      {props.problem ? (
        <div class="alert alert-danger" role="alert" safe>
          {props.problem}
        </div>
      ) : (
        ''
      )}
      {sorted.length === 0 ? (
        <p class="text-secondary">No exercise is set for your group yet.</p>
      ) : (
        <form method="post" action="/my-exercises" enctype="multipart/form-data" data-testid="send-form">
          <input type="hidden" name="_csrf" value={props.page.csrfToken} />
          <div class="table-responsive card shadow-sm mb-3">
            <table class="table align-middle mb-0" data-testid="my-exercises">
              <thead>
                <tr>
                  <th scope="col">Send</th>
                  <th scope="col">Exercise</th>
                  <th scope="col">Due</th>
                  <th scope="col">State</th>
                  <th scope="col" class="text-end">
                    Score
                  </th>
                </tr>
              </thead>
              <tbody>
                {sorted.map((m) => {
                  const id = `send-${m.exercise.id}`;
                  const sendable = m.state !== 'scored' && !(m.submission?.status === 'graded');
                  return (
                    <tr data-state={m.state}>
                      <td>
                        {sendable ? <input class="form-check-input send-box" type="checkbox" name="exerciseIds" value={String(m.exercise.id)} id={id} aria-label={`Send ${m.exercise.title}`} /> : ''}
                      </td>
                      <td>
                        <label class="fw-semibold d-block" for={sendable ? id : undefined}>
                          <a href={`/exercises/${m.exercise.id}`} safe>
                            {m.exercise.title}
                          </a>
                        </label>
                        <span class="small text-secondary" safe>
                          {m.exercise.subjectName}
                        </span>
                        {m.hasBrief ? (
                          <>
                            {' · '}
                            <a class="small" href={`/exercises/${m.exercise.id}/brief`} data-testid="my-exercise-brief-link">
                              Brief
                            </a>
                          </>
                        ) : (
                          ''
                        )}
                        {m.submission?.status === 'dismissed' ? (
                          <div class="small text-danger" safe>
                            {`Returned by the lecturer: ${m.submission.dismissReason ?? ''}. Send it again.`}
                          </div>
                        ) : (
                          ''
                        )}
                        {m.submission && m.submission.status !== 'dismissed' ? (
                          <div class="small text-secondary" safe>
                            {`Sent ${timeFromNow(m.submission.submittedAt, props.now)}${m.submission.late ? ' (late)' : ''}${m.submission.status === 'waiting' ? '; you may send it again until it is scored' : ''}.`}
                          </div>
                        ) : (
                          ''
                        )}
                      </td>
                      <td class="small">
                        {m.exercise.dueAt ? (
                          <>
                            <div safe>{formatDeadline(m.exercise.dueAt, props.timeZone)}</div>
                            <div class="text-secondary" safe>
                              {timeFromNow(m.exercise.dueAt, props.now)}
                            </div>
                          </>
                        ) : (
                          <span class="text-secondary">No due time</span>
                        )}
                      </td>
                      <td>
                        <ExerciseStateBadge state={m.state} />
                      </td>
                      <td class="text-end fw-semibold" safe>
                        {m.score === null ? '' : String(m.score)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div class="card shadow-sm">
            <div class="card-body">
              <h2 class="h6">Send the ticked exercises to the Waiting Room</h2>
              <div class="row g-2">
                <div class="col-md-6">
                  <label class="form-label small" for="send-note">
                    {note.formLabel}
                  </label>
                  <textarea class="form-control" id="send-note" name="note" rows={String(note.rows)} maxlength={note.maxlength} safe>
                    {props.note ?? ''}
                  </textarea>
                </div>
                <div class="col-md-6">
                  <label class="form-label small" for="send-file">
                    File (optional, goes with each ticked exercise)
                  </label>
                  <input class="form-control" type="file" id="send-file" name="file" aria-describedby="send-file-help" />
                  <div class="form-text" id="send-file-help" safe>
                    {`At most ${formatBytes(props.maxUpload)}.`}
                  </div>
                </div>
              </div>
              <button class="btn btn-primary mt-3" type="submit">
                Send to the Waiting Room
              </button>
            </div>
          </div>
        </form>
      )}
    </Layout>
  );
}
