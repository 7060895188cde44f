import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import { ExportLinks, ListTable, NameSearchForm, queryString } from '../../../views/list-parts.js';
import { CursorPagination } from '../../../views/pagination.js';
import type { GroupView } from '../service.js';

export interface GroupsListProps {
  page: PageContext;
  groups: GroupView[];
  q: string;
  archived: boolean;
  /** Admins manage groups; lecturers see the groups they teach, read-only. */
  mayManage: boolean;
  nextHref: string | null;
  firstHref: string | null;
}

export function GroupsPage(props: GroupsListProps) {
  const title = props.mayManage ? (props.archived ? 'Archived groups' : 'Groups') : 'Groups you teach';
  return (
    <Layout page={props.page} title={title}>
      <PageHeader title={title}>
        <>
          <ExportLinks base="/groups" query={queryString({ q: props.q, archived: props.archived })} />
          {props.mayManage ? (
            <>
              <a class="btn btn-outline-secondary" href={props.archived ? '/groups' : '/groups?archived=true'} data-testid="archived-toggle">
                {props.archived ? 'Show active groups' : 'Show archived'}
              </a>
              <a class="btn btn-primary" href="/groups/new">
                New group
              </a>
            </>
          ) : (
            ''
          )}
        </>
      </PageHeader>
      <NameSearchForm action="/groups" q={props.q} archived={props.archived} label="Search group names" />
      <ListTable
        testId="groups-table"
        columns={3}
        head={
          <>
            <th scope="col">Group</th>
            <th scope="col">Description</th>
            <th scope="col" class="text-end">
              Students
            </th>
          </>
        }
        empty={props.groups.length > 0 ? null : props.q ? 'No group matches this search.' : props.mayManage ? 'No groups yet.' : 'You teach no groups yet.'}
      >
        <>
          {props.groups.map((g) => (
            <tr>
              <td class="text-nowrap">
                <a class="fw-semibold" href={`/groups/${g.id}`} safe>
                  {g.name}
                </a>
                {g.archived ? <span class="badge text-bg-secondary ms-2">archived</span> : ''}
              </td>
              <td class="text-secondary text-truncate" safe>
                {g.description.length > 120 ? `${g.description.slice(0, 117)}…` : g.description}
              </td>
              <td class="text-end">
                <a class="badge rounded-pill text-bg-light border text-decoration-none" href={`/students?group=${g.id}`} data-testid="student-count" safe>
                  {String(g.studentCount)}
                </a>
              </td>
            </tr>
          ))}
        </>
      </ListTable>
      <CursorPagination
        steps={[
          { label: 'First page', href: props.firstHref, rel: 'first' },
          { label: 'Next page', href: props.nextHref, rel: 'next' },
        ]}
      />
    </Layout>
  );
}
