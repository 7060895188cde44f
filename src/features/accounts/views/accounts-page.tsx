import { formatDateTime } from '../../../views/format.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import { Pagination } from '../../../views/pagination.js';
import { roleLabel } from '../../../views/nav.js';
import { AccountStatus } from '../../../views/account-parts.js';
import { ExportLinks, ListTable, queryString } from '../../../views/list-parts.js';

export interface AccountRow {
  id: number;
  username: string;
  displayName: string;
  role: string;
  isAdmin: boolean;
  disabled: boolean;
  lockedUntil: Date | null;
  mustChangePassword: boolean;
  lastLoginAt: Date | null;
}

export function AccountsPage(props: { page: PageContext; rows: AccountRow[]; total: number; totalIsAtLeast: boolean; pageNumber: number; pageSize: number; q: string; role: string; now: Date }) {
  const href = (page: number) => `/admin/accounts?${queryString({ q: props.q, role: props.role, page })}`;
  return (
    <Layout page={props.page} title="Accounts">
      <PageHeader title="Accounts">
        <>
          <ExportLinks base="/admin/accounts" query={queryString({ q: props.q, role: props.role })} />
          <a class="btn btn-primary" href="/admin/accounts/new">New account</a>
        </>
      </PageHeader>
      <form class="row g-2 mb-3" method="get" action="/admin/accounts" role="search">
        <div class="col-sm-6 col-md-5">
          <input class="form-control" type="search" name="q" value={props.q} placeholder="Search username or name" aria-label="Search" />
        </div>
        <div class="col-sm-3 col-md-3">
          <select class="form-select" name="role" aria-label="Role">
            <option value="">All roles</option>
            {['admin', 'lecturer', 'student'].map((r) => (
              <option value={r} selected={props.role === r} safe>{r}</option>
            ))}
          </select>
        </div>
        <div class="col-auto">
          <button class="btn btn-outline-secondary" type="submit">Filter</button>
        </div>
      </form>
      <ListTable
        columns={5}
        head={
          <>
            <th scope="col">Username</th>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Last sign-in</th>
          </>
        }
        empty={props.rows.length > 0 ? null : 'No accounts match.'}
      >
        <>
          {props.rows.map((a) => (
            <tr>
              <td>
                <a href={`/admin/accounts/${a.id}`} safe>
                  {a.username}
                </a>
              </td>
              <td safe>{a.displayName}</td>
              <td safe>{roleLabel(a)}</td>
              <td>
                <AccountStatus account={a} now={props.now} />
              </td>
              <td safe>{formatDateTime(a.lastLoginAt)}</td>
            </tr>
          ))}
        </>
      </ListTable>
      <Pagination page={props.pageNumber} pageSize={props.pageSize} total={props.total} totalIsAtLeast={props.totalIsAtLeast} href={href} noun="accounts" />
    </Layout>
  );
}
