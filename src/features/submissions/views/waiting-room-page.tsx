import { formatDeadline, timeFromNow } from '../../../lib/department-time.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import { CursorPagination } from '../../../views/pagination.js';
import type { WaitingEntry } from '../../exercises/submissions.js';
import { submissionFields } from '../fields.js';

const reason = submissionFields.dismissReason.form;

export interface WaitingRoomProps {
  page: PageContext;
  entries: readonly WaitingEntry[];
  /** The next page of older entries, and the first page, when there are (keyset pages of 50). */
  nextHref: string | null;
  firstHref: string | null;
  now: Date;
  timeZone: string;
}

interface ExerciseQueue {
  exercise: WaitingEntry['exercise'];
  entries: WaitingEntry[];
}

/** Subject, then group, then exercise, each in the order of its oldest entry: the longest wait first. */
function grouped(entries: readonly WaitingEntry[]) {
  const subjects = new Map<number, { subject: WaitingEntry['subject']; groups: Map<string, { group: WaitingEntry['group']; exercises: Map<number, ExerciseQueue> }> }>();
  for (const e of entries) {
    const s = subjects.get(e.subject.id) ?? { subject: e.subject, groups: new Map() };
    subjects.set(e.subject.id, s);
    const groupKey = String(e.group.id);
    const g = s.groups.get(groupKey) ?? { group: e.group, exercises: new Map<number, ExerciseQueue>() };
    s.groups.set(groupKey, g);
    const x = g.exercises.get(e.exercise.id) ?? { exercise: e.exercise, entries: [] };
    g.exercises.set(e.exercise.id, x);
    x.entries.push(e);
  }
  return [...subjects.values()].map((s) => ({ ...s, groups: [...s.groups.values()].map((g) => ({ ...g, exercises: [...g.exercises.values()] })) }));
}

const SCORES = [1, 2, 3, 4, 5, 6] as const;

/** One entry: who sent what, when, and the score buttons (keys 1–6 while the row has focus, app.js). */
export function EntryRow(props: { entry: WaitingEntry; now: Date; timeZone: string; csrfToken: string }) {
  const e = props.entry;
  const rowId = `entry-${e.id}`;
  return (
    <tr id={rowId} tabindex="0" data-entry aria-label={`${e.student.name}, ${e.exercise.title}`}>
      <td class="text-nowrap" safe>
        {e.student.studentNumber}
      </td>
      <td>
        <div class="fw-semibold" safe>
          {e.student.name}
        </div>
        {e.student.birthDate ? (
          <div class="small text-secondary">
            born <span safe>{e.student.birthDate}</span>
          </div>
        ) : (
          ''
        )}
      </td>
      <td class="text-end" title={e.student.scored ? `the average of ${e.student.scored} scores` : 'no score yet'}>
        {e.student.rating === null ? <span class="text-secondary">–</span> : <span safe>{e.student.rating.toFixed(2)}</span>}
      </td>
      <td class="small">
        <span title={formatDeadline(e.submittedAt, props.timeZone)} safe>
          {timeFromNow(e.submittedAt, props.now)}
        </span>
        {e.late ? <span class="badge text-bg-warning ms-1">late</span> : ''}
      </td>
      <td class="small text-break">
        {e.note ? <div safe>{e.note}</div> : ''}
        {e.hasFile ? (
          <a href={`/submissions/${e.id}/file`} data-testid="entry-file">
            The file
          </a>
        ) : (
          ''
        )}
      </td>
      <td class="text-nowrap">
        <form class="d-inline-flex gap-1" method="post" action={`/submissions/${e.id}/score`} hx-post={`/submissions/${e.id}/score`} hx-target={`#${rowId}`} hx-swap="outerHTML">
          <input type="hidden" name="_csrf" value={props.csrfToken} />
          <input type="hidden" name="version" value={String(e.version)} />
          {SCORES.map((n) => (
            <button class="btn btn-sm btn-outline-primary score-button" type="submit" name="score" value={String(n)} data-score={String(n)} aria-label={`Score ${n}`} safe>
              {String(n)}
            </button>
          ))}
        </form>
        <details class="d-inline-block ms-1 row-form">
          <summary class="btn btn-sm btn-outline-danger">Remove</summary>
          <form class="card card-body shadow-sm p-2" method="post" action={`/submissions/${e.id}/dismiss`} hx-post={`/submissions/${e.id}/dismiss`} hx-target={`#${rowId}`} hx-swap="outerHTML">
            <input type="hidden" name="_csrf" value={props.csrfToken} />
            <input type="hidden" name="version" value={String(e.version)} />
            <label class="form-label small mb-1" for={`reason-${e.id}`}>
              {reason.formLabel}
            </label>
            <input class="form-control form-control-sm mb-2" id={`reason-${e.id}`} name="reason" maxlength={reason.maxlength} required placeholder="e.g. Wrong file attached" />
            <button class="btn btn-sm btn-danger" type="submit">
              Remove from the Waiting Room
            </button>
          </form>
        </details>
      </td>
    </tr>
  );
}

/** What replaces a row once it is scored or removed, or why nothing was saved. */
export function EntryOutcome(props: { id: number; kind: 'success' | 'danger'; text: string }) {
  return (
    <tr id={`entry-${props.id}`} class={props.kind === 'success' ? 'table-success' : 'table-danger'} data-outcome={props.kind}>
      <td colspan="6" role={props.kind === 'danger' ? 'alert' : 'status'} safe>
        {props.text}
      </td>
    </tr>
  );
}

export function WaitingRoomPage(props: WaitingRoomProps) {
  const subjects = grouped(props.entries);
  return (
    <Layout page={props.page} title="Waiting Room">
      <PageHeader title="Waiting Room" />
      <p class="text-secondary">
        Oldest first. Score with the buttons, or focus a row (Tab) and press 1–6; remove an entry with a reason the student will see.
      </p>
      {props.entries.length === 0 ? (
        <p class="alert alert-success" data-testid="waiting-room-empty">
          {props.firstHref ? 'No entry waits after these: every later one is scored.' : 'Nothing is waiting: every submission is scored.'}
        </p>
      ) : (
        ''
      )}
      {subjects.map((s) => (
        <section class="mb-4" aria-labelledby={`wr-subject-${s.subject.id}`}>
          <h2 class="h4" id={`wr-subject-${s.subject.id}`}>
            <a href={`/subjects/${s.subject.id}`} safe>
              {s.subject.name}
            </a>
          </h2>
          {s.groups.map((g) => (
            <div class="card shadow-sm mb-3">
              <div class="card-header fw-semibold" safe>
                {g.group.name ?? 'No group'}
              </div>
              <div class="card-body p-0">
                {g.exercises.map((x) => (
                  <div class="border-bottom">
                    <h3 class="h6 px-3 pt-3">
                      <a href={`/exercises/${x.exercise.id}`} safe>
                        {x.exercise.title}
                      </a>
                      <span class="text-secondary fw-normal small ms-2">
                        {x.exercise.dueAt ? <span safe>{`due ${formatDeadline(x.exercise.dueAt, props.timeZone)}`}</span> : 'no due time'}
                      </span>
                    </h3>
                    <div class="table-responsive">
                      <table class="table table-sm table-hover align-middle mb-0 waiting-table" data-testid="waiting-table">
                        <thead>
                          <tr>
                            <th scope="col">Number</th>
                            <th scope="col">Student</th>
                            <th scope="col" class="text-end">
                              Rating
                            </th>
                            <th scope="col">Sent</th>
                            <th scope="col">Note and file</th>
                            <th scope="col">Score</th>
                          </tr>
                        </thead>
                        <tbody>
                          {x.entries.map((entry) => (
                            <EntryRow entry={entry} now={props.now} timeZone={props.timeZone} csrfToken={props.page.csrfToken} />
                          ))}
                        </tbody>
                      </table>
                    </div>
                  </div>
                ))}
              </div>
            </div>
          ))}
        </section>
      ))}
      <CursorPagination
        label="Waiting Room pages"
        steps={[
          { label: 'Oldest entries', href: props.firstHref, rel: 'first' },
          { label: 'Next 50', href: props.nextHref, rel: 'next' },
        ]}
      />
    </Layout>
  );
}
