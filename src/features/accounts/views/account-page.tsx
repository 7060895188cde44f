import { formatDateTime } from '../../../views/format.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import { roleLabel } from '../../../views/nav.js';
import { AccountActions, AccountStatus } from '../../../views/account-parts.js';
import type { publicAccount } from '../service.js';

type Account = ReturnType<typeof publicAccount>;

export function OneTimePasswordNotice({ username, password }: { username: string; password: string }) {
  return (
    <div class="alert alert-success" role="status">
      <p class="mb-2">
        One-time password for <strong safe>{username}</strong>. Give it to its owner now: it is shown only once, and must be changed at
        the first sign-in.
      </p>
      <div class="secret-once bg-white border rounded p-2" data-testid="one-time-password" safe>{password}</div>
    </div>
  );
}

export function AccountPage(props: { page: PageContext; account: Account; oneTimePassword?: string | null; isSelf: boolean; now: Date }) {
  const a = props.account;
  return (
    <Layout page={props.page} title={a.username}>
      <PageHeader title={`Account ${a.username}`}>
        <a class="btn btn-outline-secondary" href="/admin/accounts">All accounts</a>
      </PageHeader>
      {props.oneTimePassword ? <OneTimePasswordNotice username={a.username} password={props.oneTimePassword} /> : ''}
      <div class="row g-4">
        <div class="col-lg-7">
          <div class="card shadow-sm">
            <div class="card-body">
              <dl class="row mb-0">
                <dt class="col-sm-4">Name</dt>
                <dd class="col-sm-8" safe>{a.displayName}</dd>
                <dt class="col-sm-4">Role</dt>
                <dd class="col-sm-8" safe>{roleLabel(a)}</dd>
                <dt class="col-sm-4">Status</dt>
                <dd class="col-sm-8">
                  <AccountStatus account={a} now={props.now} />
                </dd>
                <dt class="col-sm-4">Last sign-in</dt>
                <dd class="col-sm-8" safe>{formatDateTime(a.lastLoginAt)}</dd>
                <dt class="col-sm-4">Created</dt>
                <dd class="col-sm-8" safe>{formatDateTime(a.createdAt)}</dd>
              </dl>
            </div>
          </div>
        </div>
        <div class="col-lg-5">
          <div class="card shadow-sm">
            <div class="card-body d-grid gap-2">
              <h2 class="h6">Actions</h2>
              <AccountActions action={`/admin/accounts/${a.id}`} csrfToken={props.page.csrfToken} disabled={a.disabled} isSelf={props.isSelf} />
            </div>
          </div>
        </div>
      </div>
    </Layout>
  );
}
