// The subjects card of a lecturer's record: each subject with the groups they teach it to, and what
// waits in their Waiting Room for each (teaching.ts).
import type { LecturerTeaching } from '../teaching.js';

const waitingWords = (n: number) => (n === 0 ? 'nothing waiting' : `${n} waiting`);

export function LecturerSubjectsCard(props: { teaching: LecturerTeaching; width?: string }) {
  const { teaching } = props;
  return (
    <div class={props.width ?? 'col-12'}>
      <div class="card shadow-sm h-100">
        <div class="card-header d-flex flex-wrap align-items-center gap-2">
          <span class="me-auto">Subjects</span>
          <span class="small" data-testid="waiting-total" safe>
            {`In the Waiting Room: ${teaching.waiting}`}
          </span>
          {teaching.own ? (
            <a class="btn btn-sm btn-outline-primary" href="/waiting-room" data-testid="waiting-room-link">
              Waiting Room
            </a>
          ) : (
            ''
          )}
        </div>
        <div class="card-body" data-testid="record-subjects">
          {teaching.subjects.length === 0 ? (
            <p class="text-secondary small mb-0">{teaching.own ? 'You teach no subject yet.' : 'This lecturer teaches no subject yet.'}</p>
          ) : (
            <div class="table-responsive">
              <table class="table table-sm align-middle mb-0">
                <thead>
                  <tr>
                    <th scope="col">Subject</th>
                    <th scope="col">Groups, with their gradebooks</th>
                    <th scope="col" class="text-end">
                      Waiting
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {teaching.subjects.map((s) => (
                    <tr data-subject-id={String(s.id)}>
                      <td>
                        <a href={`/subjects/${s.id}`} safe>
                          {s.name}
                        </a>
                        {s.archived ? <span class="badge text-bg-secondary ms-1">archived</span> : ''}
                      </td>
                      <td>
                        <ul class="list-unstyled mb-0">
                          {s.groups.map((g) => (
                            <li>
                              <a href={`/groups/${g.id}`} safe>
                                {g.name}
                              </a>
                              <span class="small">
                                {' · '}
                                <a href={`/subjects/${s.id}/gradebook?group=${g.id}`}>gradebook</a>
                                <span class="text-secondary" safe>{` · ${waitingWords(g.waiting)}`}</span>
                              </span>
                            </li>
                          ))}
                        </ul>
                      </td>
                      <td class="text-end fw-semibold" data-testid="subject-waiting" safe>
                        {String(s.waiting)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
