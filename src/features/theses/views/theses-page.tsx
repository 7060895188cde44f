import type { FieldMessages } from '../../../lib/errors.js';
import { formatDeadline } from '../../../lib/department-time.js';
import { CsrfField, FormAlert, FormField } from '../../../views/form-field.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import { THESIS_TITLE_MAX } from '../fields.js';
import type { ThesisView } from '../service.js';
import type { SimilarTitle } from '../../../lib/similarity.js';

const percent = (score: number) => `${Math.round(score * 100)}%`;

export interface SimilarSearch {
  title: string;
  threshold: number;
  /** null: nothing asked yet. */
  found: SimilarTitle[] | null;
  errors: FieldMessages;
}

/** The results of "Find similar theses": the whole page's part, and htmx's answer as the title is typed. */
export function SimilarResults({ search }: { search: SimilarSearch }) {
  if (search.found === null) return <div id="similar-results"></div>;
  return (
    <div id="similar-results" aria-live="polite">
      {search.found.length === 0 ? (
        <p class="text-secondary mb-0" safe>{`No thesis title is ${percent(search.threshold)} or more like it.`}</p>
      ) : (
        <table class="table table-sm mb-0" data-testid="similar-theses">
          <caption class="visually-hidden">Existing thesis titles like the one typed, the most alike first</caption>
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col" class="text-end">
                Alike
              </th>
            </tr>
          </thead>
          <tbody>
            {search.found.map((f) => (
              <tr>
                <td safe>{f.title}</td>
                <td class="text-end">
                  <span class={`badge ${f.score >= 0.6 ? 'text-bg-danger' : 'text-bg-secondary'}`} safe>
                    {percent(f.score)}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function SimilarForm({ search }: { search: SimilarSearch }) {
  return (
    <section class="card shadow-sm mb-4" aria-labelledby="similar-title">
      <div class="card-body">
        <h2 class="h5" id="similar-title">
          Find similar theses
        </h2>
        <form method="get" action="/theses" role="search" aria-label="Find similar theses" hx-get="/theses/similar" hx-target="#similar-results" hx-swap="outerHTML" hx-trigger="input changed delay:400ms from:#field-title-search, change from:#field-threshold, submit">
          <div class="row g-2 align-items-end">
            <div class="col-md-8">
              <label class="form-label" for="field-title-search">
                Title
              </label>
              <input class={`form-control${search.errors.title ? ' is-invalid' : ''}`} id="field-title-search" name="title" value={search.title} maxlength={THESIS_TITLE_MAX} placeholder="e.g. Neural networks for handwritten Armenian letters" />
              {search.errors.title ? <div class="invalid-feedback" safe>{search.errors.title}</div> : ''}
            </div>
            <div class="col-6 col-md-2">
              <label class="form-label" for="field-threshold">
                At least
              </label>
              <select class={`form-select${search.errors.threshold ? ' is-invalid' : ''}`} id="field-threshold" name="threshold">
                {[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8].map((t) => (
                  <option value={String(t)} selected={Math.abs(t - search.threshold) < 1e-9} safe>
                    {percent(t)}
                  </option>
                ))}
              </select>
              {search.errors.threshold ? <div class="invalid-feedback" safe>{search.errors.threshold}</div> : ''}
            </div>
            <div class="col-6 col-md-2">
              <button class="btn btn-primary w-100" type="submit">
                Find
              </button>
            </div>
          </div>
          <p class="form-text mb-2">Titles are compared word by word (TF-IDF); words like "the", "и" or "և" do not count. Only titles are shown, not whose they are.</p>
        </form>
        <SimilarResults search={search} />
      </div>
    </section>
  );
}

export interface ThesesPageProps {
  page: PageContext;
  search: SimilarSearch;
  timeZone: string;
  /** A student's own thesis (undefined for staff), with their proposal form. */
  own?: { thesis: ThesisView | null; values: { title: string; year: string }; errors: FieldMessages; message: string | null };
  /** Staff: the theses in their sight, and where the next page starts. */
  list?: { items: ThesisView[]; nextBefore: number | null; mayRecord: boolean };
}

function OwnThesis({ own, csrfToken }: { own: NonNullable<ThesesPageProps['own']>; csrfToken: string }) {
  const { thesis } = own;
  return (
    <section class="card shadow-sm mb-4" data-testid="own-thesis" aria-labelledby="own-thesis-title">
      <div class="card-body">
        <h2 class="h5" id="own-thesis-title">
          Your thesis
        </h2>
        {thesis ? (
          <p>
            <strong safe>{thesis.title}</strong>
            <span class="d-block small text-secondary" safe>
              {`${thesis.status === 'recorded' ? 'Recorded by the department' : 'Proposed by you, not yet recorded'}${thesis.supervisor ? ` · supervisor ${thesis.supervisor}` : ''}${thesis.year ? ` · ${thesis.year}` : ''}`}
            </span>
          </p>
        ) : (
          <p class="text-secondary">You have not proposed a thesis yet.</p>
        )}
        {thesis?.status === 'recorded' ? (
          <p class="small text-secondary mb-0">To change it, ask your supervisor or the department.</p>
        ) : (
          <form method="post" action="/theses/proposal" novalidate>
            <CsrfField token={csrfToken} />
            <FormAlert message={own.message} />
            <FormField name="title" label={thesis ? 'Change the title you propose' : 'The title you propose'} value={own.values.title} errors={own.errors} maxlength={THESIS_TITLE_MAX} required help="You will be told if it is close to a title that exists." />
            <FormField name="year" label="Year of defence (optional)" value={own.values.year} errors={own.errors} maxlength={4} />
            <button class="btn btn-primary" type="submit">
              Propose
            </button>
          </form>
        )}
      </div>
    </section>
  );
}

function ThesesList({ list, timeZone }: { list: NonNullable<ThesesPageProps['list']>; timeZone: string }) {
  return (
    <section class="card shadow-sm" aria-labelledby="theses-list-title">
      <div class="card-header d-flex justify-content-between align-items-center">
        <h2 class="h6 mb-0" id="theses-list-title">
          Theses
        </h2>
        {list.mayRecord ? (
          <a class="btn btn-sm btn-primary" href="/theses/new">
            Record a thesis
          </a>
        ) : (
          ''
        )}
      </div>
      {list.items.length === 0 ? (
        <p class="card-body text-secondary mb-0">No thesis recorded or proposed yet.</p>
      ) : (
        <div class="table-responsive">
          <table class="table mb-0" data-testid="theses-list">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Student</th>
                <th scope="col">Supervisor</th>
                <th scope="col">Year</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((t) => (
                <tr>
                  <td safe>{t.title}</td>
                  <td>
                    <a href={`/students/${t.studentId}`} safe>
                      {t.student}
                    </a>
                  </td>
                  <td safe>{t.supervisor ?? '—'}</td>
                  <td safe>{t.year === null ? '—' : String(t.year)}</td>
                  <td>
                    <span class={`badge ${t.status === 'recorded' ? 'text-bg-success' : 'text-bg-warning'}`} title={formatDeadline(t.updatedAt ?? t.createdAt, timeZone)}>
                      {t.status}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.nextBefore ? (
        <div class="card-footer bg-transparent">
          <a href={`/theses?before=${list.nextBefore}`}>Older</a>
        </div>
      ) : (
        ''
      )}
    </section>
  );
}

export function ThesesPage(props: ThesesPageProps) {
  return (
    <Layout page={props.page} title="Theses">
      <PageHeader title="Theses" />
      {props.own ? <OwnThesis own={props.own} csrfToken={props.page.csrfToken} /> : ''}
      <SimilarForm search={props.search} />
      {props.list ? <ThesesList list={props.list} timeZone={props.timeZone} /> : ''}
    </Layout>
  );
}

export interface RecordThesisPageProps {
  page: PageContext;
  values: { studentNumber: string; title: string; supervisorEmail: string; year: string };
  errors: FieldMessages;
  message: string | null;
}

export function RecordThesisPage(props: RecordThesisPageProps) {
  const { values, errors } = props;
  return (
    <Layout page={props.page} title="Record a thesis">
      <PageHeader title="Record a thesis" />
      <div class="col-lg-8">
        <form class="card card-body shadow-sm" method="post" action="/theses" novalidate>
          <CsrfField token={props.page.csrfToken} />
          <FormAlert message={props.message} />
          <FormField name="studentNumber" label="Student number" value={values.studentNumber} errors={errors} required maxlength={32} help="The student's thesis is recorded, or changed if they have one (a proposal included)." />
          <FormField name="title" label="Title" value={values.title} errors={errors} required maxlength={THESIS_TITLE_MAX} />
          <FormField name="supervisorEmail" label="Supervisor's e-mail (optional)" type="email" value={values.supervisorEmail} errors={errors} maxlength={254} />
          <FormField name="year" label="Year of defence (optional)" value={values.year} errors={errors} maxlength={4} />
          <div>
            <button class="btn btn-primary" type="submit">
              Record
            </button>{' '}
            <a class="btn btn-link" href="/theses">
              Cancel
            </a>
          </div>
        </form>
      </div>
    </Layout>
  );
}
