import type { SessionRecord } from '../../../session-store.js';
import { CsrfField } from '../../../views/form-field.js';
import { formatDateTime } from '../../../views/format.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';

export function SessionsPage(props: { page: PageContext; sessions: (SessionRecord & { current: boolean })[] }) {
  const others = props.sessions.filter((s) => !s.current).length;
  return (
    <Layout page={props.page} title="Active sessions">
      <PageHeader title="Active sessions">
        {others > 0 ? (
          <form method="post" action="/account/sessions/end-others" data-confirm="Sign out of every other browser and device?">
            <CsrfField token={props.page.csrfToken} />
            <button class="btn btn-outline-danger" type="submit">Sign out everywhere else</button>
          </form>
        ) : (
          ''
        )}
      </PageHeader>
      <div class="card shadow-sm">
        <div class="table-responsive">
          <table class="table table-hover mb-0 align-middle">
            <thead>
              <tr>
                <th>Browser</th>
                <th>Address</th>
                <th>Signed in</th>
                <th>Last active</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {props.sessions.map((s) => (
                <tr>
                  <td class="text-truncate" safe>{s.userAgent ?? 'unknown'}</td>
                  <td safe>{s.ip ?? '—'}</td>
                  <td safe>{formatDateTime(s.createdAt)}</td>
                  <td safe>{formatDateTime(s.lastSeenAt)}</td>
                  <td class="text-end">
                    {s.current ? (
                      <span class="badge text-bg-success">This browser</span>
                    ) : (
                      <form method="post" action={`/account/sessions/${s.idHash}/end`}>
                        <CsrfField token={props.page.csrfToken} />
                        <button class="btn btn-sm btn-outline-danger" type="submit">End</button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </Layout>
  );
}
