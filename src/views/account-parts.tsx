// A sign-in account as admins see it, on the Accounts pages and on the record of the person who owns
// it: its status, and the buttons that reset its password, disable or enable it.
import { CsrfField } from './form-field.js';
import { formatDateTime } from './format.js';

export interface AccountSummary {
  id: number;
  username: string;
  disabled: boolean;
  lockedUntil: Date | null;
  mustChangePassword: boolean;
  lastLoginAt: Date | null;
}

type StatusFields = Pick<AccountSummary, 'disabled' | 'lockedUntil' | 'mustChangePassword'>;

/** An account's status in words, as the pages and the accounts export name it. */
export function accountStatus(account: StatusFields, now: Date): 'disabled' | 'locked' | 'one-time password' | 'active' {
  if (account.disabled) return 'disabled';
  if (account.lockedUntil && account.lockedUntil.getTime() > now.getTime()) return 'locked';
  if (account.mustChangePassword) return 'one-time password';
  return 'active';
}

const statusBadges = { disabled: 'text-bg-secondary', locked: 'text-bg-danger', 'one-time password': 'text-bg-warning', active: 'text-bg-success' } as const;

export function AccountStatus({ account, now }: { account: StatusFields; now: Date }) {
  const status = accountStatus(account, now);
  return <span class={`badge ${statusBadges[status]}`}>{status}</span>;
}

/**
 * Reset password and disable or enable, posted under `action`; for the account the
 * admin is signed in with, a link to change their own password instead (a reset would sign them out).
 */
export function AccountActions(props: { action: string; csrfToken: string; disabled: boolean; isSelf: boolean; small?: boolean }) {
  const size = props.small ? ' btn-sm' : '';
  if (props.isSelf)
    return (
      <>
        <a class={`btn btn-outline-primary${size} w-100`} href="/account/password">
          Change your password
        </a>
        <p class="text-secondary small mb-0">This is the account you are signed in with: you cannot reset or disable it here.</p>
      </>
    );
  return (
    <>
      <form method="post" action={`${props.action}/reset-password`} data-confirm="Replace this account's password with a one-time password, sign it out everywhere and revoke its API tokens?">
        <CsrfField token={props.csrfToken} />
        {/* One reset per page view: reloading the page that shows the new password makes no other. */}
        <input type="hidden" name="resetId" value={crypto.randomUUID()} />
        <button class={`btn btn-outline-primary${size} w-100`} type="submit">
          Reset password
        </button>
      </form>
      {props.disabled ? (
        <form method="post" action={`${props.action}/enable`}>
          <CsrfField token={props.csrfToken} />
          <button class={`btn btn-outline-success${size} w-100`} type="submit">
            Enable account
          </button>
        </form>
      ) : (
        <form method="post" action={`${props.action}/disable`} data-confirm="Disable this account? Its sessions end and its API tokens are revoked for good.">
          <CsrfField token={props.csrfToken} />
          <button class={`btn btn-outline-danger${size} w-100`} type="submit">
            Disable account
          </button>
        </form>
      )}
    </>
  );
}

/**
 * The sign-in account card on a person's record: status, username, last sign-in, and the actions,
 * posted to the record's own account routes (`action`: /students/7/account), so the admin stays on the
 * record, which then shows the new one-time password.
 */
export function AccountCard(props: { account: AccountSummary | null; action: string; csrfToken: string; now: Date; isSelf: boolean }) {
  const a = props.account;
  return (
    <div class="card shadow-sm mb-4" data-testid="account-card">
      <div class="card-header d-flex justify-content-between align-items-center">
        <span>Sign-in account</span>
        {a ? <AccountStatus account={a} now={props.now} /> : ''}
      </div>
      <div class="card-body">
        {a ? (
          <>
            <dl class="row small mb-3">
              <dt class="col-5">Username</dt>
              <dd class="col-7 font-monospace" safe>
                {a.username}
              </dd>
              <dt class="col-5">Last sign-in</dt>
              <dd class="col-7" safe>
                {formatDateTime(a.lastLoginAt)}
              </dd>
            </dl>
            <div class="d-grid gap-2">
              <AccountActions action={props.action} csrfToken={props.csrfToken} disabled={a.disabled} isSelf={props.isSelf} small />
              <a class="small" href={`/admin/accounts/${a.id}`}>
                Open in Accounts
              </a>
            </div>
          </>
        ) : (
          <p class="text-secondary small mb-0">This record has no sign-in account.</p>
        )}
      </div>
    </div>
  );
}
