// The parts every list page is built from besides its pages (pagination.tsx): the query string its
// links keep, export links, sortable column headers, the filter bar's pieces, and the table in its
// card with the line that says the list is empty. Each list keeps its own columns and filters.
import type { Children } from '@kitajs/html';

/** A URL query string from the non-empty values, in the order given. */
export function queryString(values: Record<string, string | number | boolean | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== null && value !== '' && value !== false) params.set(key, String(value));
  return params.toString();
}

/** Links that download the list as it is filtered now. */
export function ExportLinks({ base, query }: { base: string; query: string }) {
  const suffix = query ? `?${query}` : '';
  return (
    <div class="btn-group" role="group" aria-label="Export this list">
      <a class="btn btn-outline-secondary" href={`${base}/export.xlsx${suffix}`} data-testid="export-xlsx">
        Export xlsx
      </a>
      <a class="btn btn-outline-secondary" href={`${base}/export.csv${suffix}`} data-testid="export-csv">
        Export csv
      </a>
    </div>
  );
}

/** A column header that sorts the list by `sortKey`, ascending first, descending on a second click. */
export function SortHeader(props: { label: string; sortKey: string; sort: string; href: (sort: string) => string }) {
  const ascending = props.sort === props.sortKey;
  const descending = props.sort === `-${props.sortKey}`;
  const next = ascending ? `-${props.sortKey}` : props.sortKey;
  return (
    <th scope="col" aria-sort={ascending ? 'ascending' : descending ? 'descending' : undefined}>
      <a class="link-body-emphasis text-decoration-none" href={props.href(next)}>
        <span safe>{props.label}</span>
        {ascending ? <span aria-hidden="true"> ▲</span> : descending ? <span aria-hidden="true"> ▼</span> : <span class="text-secondary" aria-hidden="true"> ↕</span>}
      </a>
    </th>
  );
}

/** A filter the list could not use, explained above it instead of silently changed. */
export function FilterMessage({ message }: { message?: string | null }) {
  return message ? (
    <div class="alert alert-warning" role="alert" safe>
      {message}
    </div>
  ) : (
    ''
  );
}

/** The filter bar's "Show archived" box (null: not offered), Apply and (when something is filtered) Clear. */
export function FilterActions(props: { archived: boolean | null; filtered: boolean; clearHref: string }) {
  return (
    <>
      {props.archived === null ? (
        ''
      ) : (
        <div class="col-sm-6 col-md-auto">
          <div class="form-check mb-2">
            <input class="form-check-input" type="checkbox" id="filter-archived" name="archived" value="true" checked={props.archived} />
            <label class="form-check-label" for="filter-archived">
              Show archived
            </label>
          </div>
        </div>
      )}
      <div class="col-auto d-flex gap-2">
        <button class="btn btn-primary" type="submit">
          Apply
        </button>
        {props.filtered ? (
          <a class="btn btn-outline-secondary" href={props.clearHref}>
            Clear
          </a>
        ) : (
          ''
        )}
      </div>
    </>
  );
}

/**
 * Why a list of records shows no row, from the most particular reason to the least: past the last
 * page, nothing matches the filter, no archived ones, none at all ("No students yet.").
 */
export function emptyListText(props: { one: string; many: string; total: number; filtered: boolean; archived: boolean }): string {
  if (props.total > 0) return `No ${props.many} on this page.`;
  if (props.filtered) return `No ${props.one} matches this filter.`;
  if (props.archived) return `No archived ${props.many}.`;
  return `No ${props.many} yet.`;
}

/** The list's table in its card: the header row, then the rows, or one line saying why there are none (`empty`). */
export function ListTable(props: { testId?: string; columns: number; head: Children; empty: string | null; children: Children }) {
  return (
    <div class="card shadow-sm">
      <div class="table-responsive">
        <table class="table table-hover align-middle mb-0" data-testid={props.testId}>
          <thead class="table-light">
            <tr>{props.head}</tr>
          </thead>
          <tbody>
            {props.empty === null ? (
              props.children
            ) : (
              <tr>
                <td colspan={String(props.columns)} class="text-secondary text-center py-4" safe>
                  {props.empty}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** A named list's search box (groups, subjects): the name searched, the archived switch kept. */
export function NameSearchForm(props: { action: string; q: string; archived: boolean; label: string }) {
  return (
    <form class="row g-2 mb-3" method="get" action={props.action} role="search">
      {props.archived ? <input type="hidden" name="archived" value="true" /> : ''}
      <div class="col-sm-8 col-md-6 col-lg-4">
        <input class="form-control" type="search" name="q" value={props.q} placeholder={props.label} aria-label={props.label} />
      </div>
      <div class="col-auto">
        <button class="btn btn-outline-secondary" type="submit">
          Search
        </button>
      </div>
    </form>
  );
}
