import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import { emptyListText, ExportLinks, FilterActions, FilterMessage, ListTable, queryString, SortHeader } from '../../../views/list-parts.js';
import type { TypeAheadFilterState } from '../../../views/form-field.js';
import { GroupFilterInput, GroupFilterProblem } from '../../../views/group-filter-parts.js';
import { Pagination } from '../../../views/pagination.js';
import { NameCell } from '../../../views/person-parts.js';
import type { LecturerView } from '../service.js';

export interface LecturerFilterValues {
  q: string;
  degree: string;
  group: string;
  sort: string;
  archived: boolean;
}

export interface LecturersPageProps {
  page: PageContext;
  lecturers: LecturerView[];
  total: number;
  /** The count stopped at `total`: more match (db/record-counts.ts). */
  totalIsAtLeast: boolean;
  pageNumber: number;
  pageSize: number;
  filter: LecturerFilterValues;
  degrees: string[];
  /** The group filter's picker (a type-ahead: the page never lists every group). */
  groupPicker: TypeAheadFilterState;
  message?: string | null;
}

export function lecturerFilterQuery(filter: LecturerFilterValues, extra: Record<string, string | number> = {}): string {
  return queryString({ q: filter.q, degree: filter.degree, group: filter.group, sort: filter.sort === 'name' ? '' : filter.sort, archived: filter.archived ? 'true' : '', ...extra });
}

export function LecturersPage(props: LecturersPageProps) {
  const f = props.filter;
  const href = (extra: Record<string, string | number>) => {
    const query = lecturerFilterQuery(f, extra);
    return query ? `/lecturers?${query}` : '/lecturers';
  };
  const title = f.archived ? 'Archived lecturers' : 'Lecturers';
  return (
    <Layout page={props.page} title={title}>
      <PageHeader title={title}>
        <>
          <ExportLinks base="/lecturers" query={lecturerFilterQuery(f)} />
          <a class="btn btn-primary" href="/lecturers/new">
            New lecturer
          </a>
        </>
      </PageHeader>
      <FilterMessage message={props.message} />
      <GroupFilterProblem label="Teaches group" picker={props.groupPicker} href={(id) => href({ group: id })} />
      <form class="card card-body shadow-sm mb-3" method="get" action="/lecturers" role="search" data-testid="lecturer-filter">
        <div class="row g-2 align-items-end">
          <div class="col-md-12 col-lg-4">
            <label class="form-label small text-secondary" for="filter-q">
              Search
            </label>
            <input class="form-control" id="filter-q" type="search" name="q" value={f.q} maxlength="100" placeholder="Name, e-mail, phone, degree or position" />
          </div>
          <div class="col-sm-6 col-lg-2">
            <label class="form-label small text-secondary" for="filter-degree">
              Degree
            </label>
            <select class="form-select" id="filter-degree" name="degree">
              <option value="">Any degree</option>
              {props.degrees.map((d) => (
                <option value={d} selected={d === f.degree} safe>
                  {d}
                </option>
              ))}
            </select>
          </div>
          <div class="col-sm-6 col-lg-2">
            <GroupFilterInput label="Teaches group" placeholder="Any group" picker={props.groupPicker} />
          </div>
          {f.sort && f.sort !== 'name' ? <input type="hidden" name="sort" value={f.sort} /> : ''}
          <FilterActions archived={f.archived} filtered={Boolean(f.q || f.degree || f.group || f.archived || props.groupPicker.unmatched)} clearHref="/lecturers" />
        </div>
      </form>
      <ListTable
        testId="lecturers-table"
        columns={6}
        head={
          <>
            <SortHeader label="Name" sortKey="name" sort={f.sort} href={(sort) => href({ sort })} />
            <th scope="col">Degree</th>
            {/* On a phone the list keeps name and degree; the record has the rest. */}
            <th scope="col" class="d-none d-lg-table-cell">Position</th>
            <th scope="col" class="d-none d-md-table-cell">Groups taught</th>
            <th scope="col" class="d-none d-md-table-cell">E-mail</th>
            <th scope="col" class="text-end">
              <span class="visually-hidden">Status</span>
            </th>
          </>
        }
        empty={props.lecturers.length > 0 ? null : emptyListText({ one: 'lecturer', many: 'lecturers', total: props.total, filtered: Boolean(f.q || f.degree || f.group), archived: f.archived })}
      >
        <>
          {props.lecturers.map((l) => (
            <tr data-testid="lecturer-row">
              <NameCell base="/lecturers" person={l} />
              <td safe>{l.academicDegree}</td>
              <td class="d-none d-lg-table-cell" safe>
                {l.position}
              </td>
              <td class="d-none d-md-table-cell">
                {l.groupsTaught.length === 0 ? (
                  <span class="text-secondary">—</span>
                ) : (
                  <div class="d-flex flex-wrap gap-1">
                    {l.groupsTaught.map((g) => (
                      <a class="badge text-bg-light border text-decoration-none" href={`/groups/${g.id}`} safe>
                        {g.name}
                      </a>
                    ))}
                  </div>
                )}
              </td>
              <td class="text-break d-none d-md-table-cell" safe>
                {l.email ?? ''}
              </td>
              <td class="text-end text-nowrap">
                {l.isAdmin ? <span class="badge text-bg-primary">admin</span> : ''}
                {l.archived ? <span class="badge text-bg-secondary ms-1">archived</span> : ''}
              </td>
            </tr>
          ))}
        </>
      </ListTable>
      <Pagination page={props.pageNumber} pageSize={props.pageSize} total={props.total} totalIsAtLeast={props.totalIsAtLeast} href={(p) => href({ page: p })} noun="lecturers" />
    </Layout>
  );
}
