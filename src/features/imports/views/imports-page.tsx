// /admin/imports: choose what to import, download its template, upload the file for a dry run.
import type { FieldMessages } from '../../../lib/errors.js';
import { CsrfField, FormAlert } from '../../../views/form-field.js';
import { formatDateTime } from '../../../views/format.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';

export interface RecentImport {
  id: number;
  kind: string;
  status: string;
  originalName: string;
  createdAt: Date;
  appliedAt: Date | null;
  createdByName: string | null;
}

export function ImportsPage(props: {
  page: PageContext;
  /** The kinds the actor may import, with their titles ("Students"). */
  kinds: readonly { kind: string; title: string }[];
  recent: RecentImport[];
  kind?: string;
  errors?: FieldMessages;
  message?: string | null;
  maxRows: number;
  maxBytesLabel: string;
}) {
  const selected = props.kinds.some((k) => k.kind === props.kind) ? props.kind : props.kinds[0]?.kind;
  const titleOf = (kind: string) => props.kinds.find((k) => k.kind === kind)?.title ?? kind;
  const fileError = props.errors?.file;
  const kindError = props.errors?.kind;
  return (
    <Layout page={props.page} title="Import">
      <PageHeader title="Import students, lecturers and subjects" />
      <div class="row g-4">
        <div class="col-lg-7">
          <div class="card shadow-sm">
            <div class="card-body">
              <h2 class="h5">1. Fill in the template</h2>
              <p class="text-secondary">
                Each template is an .xlsx file with the columns, an example row to replace, and a notes sheet explaining every column. A CSV
                file (UTF-8, comma or semicolon separated) with the same headers works too.
              </p>
              <div class="d-flex flex-wrap gap-2 mb-4">
                {props.kinds.map(({ kind, title }) => (
                  <a class="btn btn-outline-primary" href={`/admin/imports/template/${kind}`} download="">
                    <span safe>{`${title} template (.xlsx)`}</span>
                  </a>
                ))}
              </div>
              <h2 class="h5">2. Upload it for a dry run</h2>
              <p class="text-secondary">
                Nothing changes yet: you see what would be created, updated and refused, row by row, and then confirm.
              </p>
              <FormAlert message={props.message} />
              {/* The token is the form's first field: the server checks it before it reads any further (plugins/csrf.ts). */}
              <form method="post" action="/admin/imports" enctype="multipart/form-data" novalidate>
                <CsrfField token={props.page.csrfToken} />
                <fieldset class="mb-3">
                  <legend class="form-label fs-6">What the file holds</legend>
                  {props.kinds.map(({ kind, title }) => (
                    <div class="form-check form-check-inline">
                      <input class={`form-check-input${kindError ? ' is-invalid' : ''}`} type="radio" name="kind" id={`kind-${kind}`} value={kind} checked={kind === selected} />
                      <label class="form-check-label" for={`kind-${kind}`} safe>{title}</label>
                    </div>
                  ))}
                  {kindError ? <div class="invalid-feedback d-block" safe>{kindError}</div> : ''}
                </fieldset>
                <div class="mb-3">
                  <label class="form-label" for="field-file">Spreadsheet (.xlsx or .csv)</label>
                  <input
                    class={`form-control${fileError ? ' is-invalid' : ''}`}
                    id="field-file"
                    name="file"
                    type="file"
                    accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
                    required
                    aria-invalid={fileError ? 'true' : undefined}
                    aria-describedby={fileError ? 'field-file-error field-file-help' : 'field-file-help'}
                  />
                  {fileError ? <div class="invalid-feedback" id="field-file-error" data-testid="file-error" safe>{fileError}</div> : ''}
                  <div class="form-text" id="field-file-help" safe>
                    {`At most ${props.maxRows.toLocaleString('en')} rows and ${props.maxBytesLabel}. Password-protected and old .xls files cannot be read: save them as .xlsx or CSV first.`}
                  </div>
                </div>
                <button class="btn btn-primary" type="submit">Check the file</button>
              </form>
            </div>
          </div>
        </div>
        <div class="col-lg-5">
          <div class="card shadow-sm">
            <div class="card-body">
              <h2 class="h5">Recent imports</h2>
              {props.recent.length === 0 ? (
                <p class="text-secondary mb-0">No imports yet.</p>
              ) : (
                <ul class="list-unstyled mb-0">
                  {props.recent.map((r) => (
                    <li class="mb-2">
                      <a href={`/admin/imports/${r.id}`} safe>{r.originalName}</a>{' '}
                      <span class={`badge ${r.status === 'applied' ? 'text-bg-success' : 'text-bg-secondary'}`}>{r.status === 'applied' ? 'applied' : 'dry run'}</span>
                      <div class="small text-secondary" safe>
                        {`${titleOf(r.kind)} · ${formatDateTime(r.appliedAt ?? r.createdAt)}${r.createdByName ? ` · ${r.createdByName}` : ''}`}
                      </div>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </div>
        </div>
      </div>
    </Layout>
  );
}
