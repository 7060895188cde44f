// One import: the dry run's report (counts, errors by row and column, a diff per updated record,
// the confirmation) or, once applied, what it did and the one-time credentials download.
import { CsrfField, FormAlert } from '../../../views/form-field.js';
import { formatDateTime } from '../../../views/format.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import { PageNumbers } from '../../../views/pagination.js';
import type { ImportReport, ImportView } from '../service.js';

export const ERRORS_PAGE_SIZE = 100;
export const UPDATES_PAGE_SIZE = 50;
const CREATES_SHOWN = 200;

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

function Counts({ report, applied }: { report: ImportReport; applied: boolean }) {
  const items = [
    { label: applied ? 'created' : 'to create', value: report.counts.create, tone: 'success', id: 'create' },
    { label: applied ? 'updated' : 'to update', value: report.counts.update, tone: 'primary', id: 'update' },
    { label: 'unchanged', value: report.counts.unchanged, tone: 'secondary', id: 'unchanged' },
    { label: 'rows with errors', value: report.counts.rowsWithErrors, tone: report.counts.rowsWithErrors ? 'danger' : 'secondary', id: 'errors' },
  ];
  // Problems with the file as a whole (a missing column) belong to no row: counted apart, so the
  // page never says "0 rows with errors" above a list of errors.
  const fileProblems = report.errors.filter((e) => e.row === null).length;
  if (fileProblems > 0) items[3] = { label: fileProblems === 1 ? 'problem with the file' : 'problems with the file', value: fileProblems, tone: 'danger', id: 'file-errors' };
  return (
    <div class="row g-3 mb-4">
      {items.map((i) => (
        <div class="col-6 col-md-3">
          <div class="card shadow-sm h-100">
            <div class="card-body">
              <div class={`fs-3 fw-semibold text-${i.tone}`} data-testid={`count-${i.id}`} safe>{i.value.toLocaleString('en')}</div>
              <div class="text-secondary small" safe>{i.label}</div>
            </div>
          </div>
        </div>
      ))}
    </div>
  );
}

export function ImportReportPage(props: {
  page: PageContext;
  view: ImportView;
  errorsPage: number;
  updatesPage: number;
  /** Why the confirmation was refused (the large-change box not ticked). */
  confirmError?: string | null;
}) {
  const { view } = props;
  const report = view.report;
  const applied = view.status === 'applied';
  const noun = report.kind;
  const href = (errors: number, updates: number) => `/admin/imports/${view.id}?errors=${errors}&updates=${updates}`;
  const fileErrors = report.errors;
  const errorsShown = fileErrors.slice((props.errorsPage - 1) * ERRORS_PAGE_SIZE, props.errorsPage * ERRORS_PAGE_SIZE);
  const updatesShown = report.updates.slice((props.updatesPage - 1) * UPDATES_PAGE_SIZE, props.updatesPage * UPDATES_PAGE_SIZE);
  const changes = report.counts.create + report.counts.update;
  return (
    <Layout page={props.page} title={`Import ${noun}`}>
      <PageHeader title={applied ? `Imported ${noun}` : `Import ${noun}: dry run`}>
        <a class="btn btn-outline-secondary" href="/admin/imports">All imports</a>
      </PageHeader>
      <p class="text-secondary" safe>
        {`${view.originalName} · ${report.format.toUpperCase()} · ${report.rows.toLocaleString('en')} data ${report.rows === 1 ? 'row' : 'rows'} · uploaded ${formatDateTime(view.createdAt)}${view.createdByName ? ` by ${view.createdByName}` : ''}`}
      </p>
      {applied ? (
        <div class="alert alert-success" role="status" data-testid="applied">
          <span safe>{`Applied ${formatDateTime(view.appliedAt)}: ${report.counts.create.toLocaleString('en')} ${noun} created, ${report.counts.update.toLocaleString('en')} updated, ${report.counts.unchanged.toLocaleString('en')} unchanged.`}</span>
        </div>
      ) : (
        ''
      )}
      {applied ? <CredentialsBox view={view} csrfToken={props.page.csrfToken} /> : ''}
      <Counts report={report} applied={applied} />
      {report.warnings.length ? (
        <div class="alert alert-warning" role="status">
          <ul class="mb-0">
            {report.warnings.map((w) => (
              <li safe>{w}</li>
            ))}
          </ul>
        </div>
      ) : (
        ''
      )}
      {fileErrors.length ? (
        <section class="mb-4" aria-labelledby="errors-heading">
          <h2 class="h5" id="errors-heading" safe>{`Errors (${fileErrors.length.toLocaleString('en')})`}</h2>
          <p class="text-secondary d-flex flex-wrap align-items-center gap-2">
            <span>Nothing is imported while the file has errors. Fix them in the file and upload it again.</span>
            <a class="btn btn-sm btn-outline-primary" href={`/admin/imports?kind=${encodeURIComponent(report.kind)}`} data-testid="upload-again">
              Upload a corrected file
            </a>
          </p>
          <div class="card shadow-sm">
            <div class="table-responsive">
              <table class="table table-sm mb-0 align-middle" data-testid="errors">
                <thead>
                  <tr>
                    <th scope="col">Row</th>
                    <th scope="col">Column</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {errorsShown.map((e) => (
                    <tr>
                      <td safe>{e.row === null ? 'file' : String(e.row)}</td>
                      <td safe>{e.column ?? ''}</td>
                      <td safe>{e.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
          <div class="mt-2">
            <PageNumbers page={props.errorsPage} pageSize={ERRORS_PAGE_SIZE} total={fileErrors.length} href={(p) => href(p, props.updatesPage)} />
          </div>
        </section>
      ) : (
        ''
      )}
      {report.updates.length ? (
        <section class="mb-4" aria-labelledby="updates-heading">
          <h2 class="h5" id="updates-heading" safe>{`${applied ? 'Updated' : 'Changes to existing'} ${noun} (${report.updates.length.toLocaleString('en')})`}</h2>
          {updatesShown.map((u) => (
            <details class="card shadow-sm mb-2" data-testid="update">
              <summary class="card-header" safe>{`Row ${u.row} · ${u.label} · ${u.changes.length} change${u.changes.length === 1 ? '' : 's'}`}</summary>
              <div class="table-responsive">
                <table class="table table-sm mb-0">
                  <thead>
                    <tr>
                      <th scope="col">Column</th>
                      <th scope="col">{applied ? 'Before' : 'Now'}</th>
                      <th scope="col">{applied ? 'After' : 'After the import'}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {u.changes.map((c) => (
                      <tr>
                        <td safe>{c.column}</td>
                        <td class="text-secondary">{c.before === '' ? <em>empty</em> : <del safe>{c.before}</del>}</td>
                        <td>{c.after === '' ? <em>empty</em> : <ins safe>{c.after}</ins>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          ))}
          <div class="mt-2">
            <PageNumbers page={props.updatesPage} pageSize={UPDATES_PAGE_SIZE} total={report.updates.length} href={(p) => href(props.errorsPage, p)} />
          </div>
        </section>
      ) : (
        ''
      )}
      {report.creates.length ? (
        <section class="mb-4">
          <details class="card shadow-sm">
            <summary class="card-header" safe>{`${applied ? 'Created' : 'New'} ${noun} (${report.creates.length.toLocaleString('en')})${view.accounts ? ', each with a sign-in account' : ''}`}</summary>
            <ul class="list-group list-group-flush">
              {report.creates.slice(0, CREATES_SHOWN).map((c) => (
                <li class="list-group-item" safe>{`Row ${c.row} · ${c.label}`}</li>
              ))}
              {report.creates.length > CREATES_SHOWN ? (
                <li class="list-group-item text-secondary" safe>{`… and ${(report.creates.length - CREATES_SHOWN).toLocaleString('en')} more`}</li>
              ) : (
                ''
              )}
            </ul>
          </details>
        </section>
      ) : (
        ''
      )}
      {!applied ? <ConfirmBox page={props.page} view={view} error={props.confirmError} /> : ''}
      {!applied && !fileErrors.length && changes === 0 ? <p class="alert alert-info">Every row matches the records already; there is nothing to import.</p> : ''}
    </Layout>
  );
}

function ConfirmBox({ page, view, error }: { page: PageContext; view: ImportView; error?: string | null }) {
  const report = view.report;
  if (!report.canApply) return '';
  return (
    <section class="card shadow-sm border-primary" aria-labelledby="confirm-heading">
      <div class="card-body">
        <h2 class="h5" id="confirm-heading">Apply the import</h2>
        <p>
          All rows are written in one go, or none. The records are checked again when you confirm: if they changed since this report,
          you get the new report instead.
        </p>
        <FormAlert message={error} />
        <form method="post" action={`/admin/imports/${view.id}/confirm`}>
          <CsrfField token={page.csrfToken} />
          <input type="hidden" name="planHash" value={report.planHash} />
          {report.largeChange ? (
            <div class="alert alert-warning">
              <p safe>
                {`This import changes ${report.counts.update.toLocaleString('en')} of the ${report.existingActive.toLocaleString('en')} existing ${report.kind} (${percent(report.changedShare)}, more than ${percent(report.largeChangeThreshold)}).`}
              </p>
              <div class="form-check">
                <input class={`form-check-input${error ? ' is-invalid' : ''}`} type="checkbox" name="confirmLargeChange" value="yes" id="confirm-large-change" required />
                <label class="form-check-label" for="confirm-large-change" safe>
                  {`I have checked the changes and want to update ${percent(report.changedShare)} of the existing ${report.kind}.`}
                </label>
              </div>
            </div>
          ) : (
            ''
          )}
          <button class="btn btn-primary" type="submit" data-testid="confirm" safe>
            {`Import: create ${report.counts.create.toLocaleString('en')}, update ${report.counts.update.toLocaleString('en')}`}
          </button>
        </form>
      </div>
    </section>
  );
}

function CredentialsBox({ view, csrfToken }: { view: ImportView; csrfToken: string }) {
  if (view.report.counts.create === 0 || !view.accounts) return '';
  if (view.mayTakeCredentials)
    return (
      <div class="alert alert-warning" role="status">
        <p>
          The new accounts' one-time passwords are in a credentials sheet you can download <strong>once</strong>. Keep it safe, hand each
          person their own line, then delete it.
        </p>
        <form method="post" action={`/admin/imports/${view.id}/credentials`}>
          <CsrfField token={csrfToken} />
          <button class="btn btn-warning" type="submit" data-testid="credentials">
            Download the credentials sheet (.xlsx)
          </button>
        </form>
      </div>
    );
  if (view.credentialsWaiting)
    return <p class="alert alert-info" safe>{`The credentials sheet waits for ${view.createdByName ?? 'the admin who ran the import'} to download it.`}</p>;
  return <p class="alert alert-secondary">The credentials sheet was downloaded. A lost one-time password is replaced on the Accounts page (Reset password).</p>;
}
