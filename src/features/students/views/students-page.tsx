import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import type { StudentView } from '../service.js';
import { emptyListText, ExportLinks, FilterActions, FilterMessage, ListTable, queryString, SortHeader } from '../../../views/list-parts.js';
import type { TypeAheadFilterState } from '../../../views/form-field.js';
import { GroupFilterInput, GroupFilterProblem } from '../../../views/group-filter-parts.js';
import { Pagination } from '../../../views/pagination.js';
import { NameCell } from '../../../views/person-parts.js';

export interface StudentFilterValues {
  q: string;
  group: string;
  sort: string;
  archived: boolean;
}

export interface StudentsPageProps {
  page: PageContext;
  students: StudentView[];
  total: number;
  /** The count stopped at `total`: more match (db/record-counts.ts). */
  totalIsAtLeast: boolean;
  pageNumber: number;
  pageSize: number;
  filter: StudentFilterValues;
  /** The group filter's picker (a type-ahead: the page never lists every group). */
  groupPicker: TypeAheadFilterState;
  /** Admins: archived toggle, New student, phone column. */
  mayManage: boolean;
  /** A refused filter (bad sort or group) is explained instead of silently changed. */
  message?: string | null;
}

/** The filter as a query string, for links that keep it (pages, sorting, exports). */
export function studentFilterQuery(filter: StudentFilterValues, extra: Record<string, string | number> = {}): string {
  return queryString({ q: filter.q, group: filter.group, sort: filter.sort === 'name' ? '' : filter.sort, archived: filter.archived ? 'true' : '', ...extra });
}

export function StudentsPage(props: StudentsPageProps) {
  const f = props.filter;
  const href = (extra: Record<string, string | number>) => {
    const query = studentFilterQuery(f, extra);
    return query ? `/students?${query}` : '/students';
  };
  const sortHref = (sort: string) => href({ sort });
  const title = f.archived ? 'Archived students' : 'Students';
  return (
    <Layout page={props.page} title={title}>
      <PageHeader title={title}>
        <>
          <ExportLinks base="/students" query={studentFilterQuery(f)} />
          {props.mayManage ? (
            <a class="btn btn-primary" href="/students/new">
              New student
            </a>
          ) : (
            ''
          )}
        </>
      </PageHeader>
      <FilterMessage message={props.message} />
      <GroupFilterProblem label="Group" picker={props.groupPicker} href={(id) => href({ group: id })} />
      <form class="card card-body shadow-sm mb-3" method="get" action="/students" role="search" data-testid="student-filter">
        <div class="row g-2 align-items-end">
          <div class="col-md-6 col-lg-5">
            <label class="form-label small text-secondary" for="filter-q">
              Search
            </label>
            <input class="form-control" id="filter-q" type="search" name="q" value={f.q} maxlength="100" placeholder={props.mayManage ? 'Number, name, patronymic, phone or e-mail' : 'Number, name, patronymic or e-mail'} />
          </div>
          <div class="col-sm-6 col-md-3">
            <GroupFilterInput label="Group" placeholder="All groups" picker={props.groupPicker} />
          </div>
          {f.sort && f.sort !== 'name' ? <input type="hidden" name="sort" value={f.sort} /> : ''}
          <FilterActions archived={props.mayManage ? f.archived : null} filtered={Boolean(f.q || f.group || f.archived || props.groupPicker.unmatched)} clearHref="/students" />
        </div>
      </form>
      <ListTable
        testId="students-table"
        columns={props.mayManage ? 6 : 5}
        head={
          <>
            <SortHeader label="Name" sortKey="name" sort={f.sort} href={sortHref} />
            <SortHeader label="Student number" sortKey="number" sort={f.sort} href={sortHref} />
            <th scope="col">Group</th>
            {/* On a phone the list keeps name, number and group; the record has the rest. */}
            <th scope="col" class="d-none d-md-table-cell">E-mail</th>
            {props.mayManage ? <th scope="col" class="d-none d-lg-table-cell">Phone</th> : ''}
            <th scope="col" class="text-end">
              <span class="visually-hidden">Status</span>
            </th>
          </>
        }
        empty={props.students.length > 0 ? null : emptyListText({ one: 'student', many: 'students', total: props.total, filtered: Boolean(f.q || f.group), archived: f.archived })}
      >
        <>
          {props.students.map((s) => (
            <tr data-testid="student-row">
              <NameCell base="/students" person={s} />
              <td class="font-monospace text-nowrap" safe>
                {s.studentNumber}
              </td>
              <td class="text-nowrap">
                {s.groupName ? (
                  <span class="badge text-bg-light border" safe>
                    {s.groupName}
                  </span>
                ) : (
                  <span class="text-secondary">—</span>
                )}
              </td>
              <td class="text-break d-none d-md-table-cell" safe>
                {s.email ?? ''}
              </td>
              {props.mayManage ? (
                <td class="text-nowrap d-none d-lg-table-cell" safe>
                  {s.phone ?? ''}
                </td>
              ) : (
                ''
              )}
              <td class="text-end">{s.archived ? <span class="badge text-bg-secondary">archived</span> : ''}</td>
            </tr>
          ))}
        </>
      </ListTable>
      <Pagination page={props.pageNumber} pageSize={props.pageSize} total={props.total} totalIsAtLeast={props.totalIsAtLeast} href={(p) => href({ page: p })} noun="students" />
    </Layout>
  );
}
