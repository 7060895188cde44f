import type { FieldMessages } from '../../../lib/errors.js';
import { FormAlert } from '../../../views/form-field.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import { ExportLinks, queryString } from '../../../views/list-parts.js';
import { CursorPagination } from '../../../views/pagination.js';
import { AuditEntriesTable, type AuditEntryProps } from '../../../views/record-history.js';
import { auditEntities, knownAuditActions } from '../schemas.js';
import type { AuditFilter } from '../service.js';

export interface AuditPageProps {
  page: PageContext;
  entries: AuditEntryProps[];
  filter: AuditFilter;
  olderCursor: string | null;
  newerCursor: string | null;
  errors?: FieldMessages;
  message?: string;
}

const filterKeys = ['actor', 'action', 'entity', 'entityId', 'from', 'to'] as const;

/** The filter (and a cursor) as the audit page's query string, for its pages and exports. */
function auditQuery(filter: AuditFilter, extra: Record<string, string> = {}): string {
  return queryString({ ...Object.fromEntries(filterKeys.map((key) => [key, filter[key]])), ...extra });
}

export function auditHref(filter: AuditFilter, extra: Record<string, string> = {}): string {
  const query = auditQuery(filter, extra);
  return query ? `/admin/audit?${query}` : '/admin/audit';
}

const actionSuggestions = [...new Set(knownAuditActions.map((a) => `${a.split('.')[0]}.`)), ...knownAuditActions];

function FilterInput(props: { name: keyof AuditFilter; label: string; value?: string; errors?: FieldMessages; type?: string; placeholder?: string; list?: string; col: string }) {
  const error = props.errors?.[props.name];
  const id = `audit-${props.name}`;
  return (
    <div class={props.col}>
      <label class="form-label small mb-1" for={id} safe>{props.label}</label>
      <input
        class={`form-control form-control-sm${error ? ' is-invalid' : ''}`}
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value ?? ''}
        placeholder={props.placeholder}
        list={props.list}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {error ? <div class="invalid-feedback" id={`${id}-error`} safe>{error}</div> : ''}
    </div>
  );
}

export function AuditPage(props: AuditPageProps) {
  const { filter, errors } = props;
  const entityChoices: string[] = [...auditEntities];
  if (filter.entity && !entityChoices.includes(filter.entity)) entityChoices.push(filter.entity);
  const entityError = errors?.entity;
  const filtered = filterKeys.some((k) => filter[k]);
  return (
    <Layout page={props.page} title="Audit trail">
      <PageHeader title="Audit trail">
        {props.errors ? '' : <ExportLinks base="/admin/audit" query={auditQuery(filter)} />}
      </PageHeader>
      <FormAlert message={props.message} />
      <form class="card card-body shadow-sm mb-3" method="get" action="/admin/audit" role="search" aria-label="Filter the audit trail">
        <div class="row g-2 align-items-start">
          <FilterInput col="col-sm-6 col-lg-2" name="actor" label="Who (username)" value={filter.actor} errors={errors} placeholder="e.g. ana.horvat" />
          <FilterInput col="col-sm-6 col-lg-3" name="action" label="Action" value={filter.action} errors={errors} placeholder="student. or student.updated" list="audit-actions" />
          <div class="col-sm-6 col-lg-2">
            <label class="form-label small mb-1" for="audit-entity">Record type</label>
            <select class={`form-select form-select-sm${entityError ? ' is-invalid' : ''}`} id="audit-entity" name="entity">
              <option value="">Any</option>
              {entityChoices.map((e) => (
                <option value={e} selected={filter.entity === e} safe>{e}</option>
              ))}
            </select>
            {entityError ? <div class="invalid-feedback" safe>{entityError}</div> : ''}
          </div>
          <FilterInput col="col-sm-6 col-lg-1" name="entityId" label="Record #" value={filter.entityId} errors={errors} />
          <FilterInput col="col-sm-6 col-lg-2" name="from" label="From (UTC day)" type="date" value={filter.from} errors={errors} />
          <FilterInput col="col-sm-6 col-lg-2" name="to" label="To (UTC day)" type="date" value={filter.to} errors={errors} />
        </div>
        <datalist id="audit-actions">
          {actionSuggestions.map((a) => (
            <option value={a} />
          ))}
        </datalist>
        <div class="d-flex gap-2 mt-3">
          <button class="btn btn-primary btn-sm" type="submit">Filter</button>
          {filtered ? (
            <a class="btn btn-outline-secondary btn-sm" href="/admin/audit">
              Clear filters
            </a>
          ) : (
            ''
          )}
        </div>
      </form>
      <div class="card shadow-sm">
        <AuditEntriesTable entries={props.entries} showRecord={true} />
      </div>
      <CursorPagination
        label="Audit trail pages"
        steps={[
          { label: 'Newest', href: props.newerCursor ? auditHref(filter) : null, rel: 'first' },
          { label: 'Newer', href: props.newerCursor ? auditHref(filter, { after: props.newerCursor }) : null, rel: 'prev' },
          { label: 'Older', href: props.olderCursor ? auditHref(filter, { before: props.olderCursor }) : null, rel: 'next' },
        ]}
      />
    </Layout>
  );
}
