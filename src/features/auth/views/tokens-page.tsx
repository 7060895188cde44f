import { CsrfField, FormField } from '../../../views/form-field.js';
import { formatDateTime } from '../../../views/format.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import type { FieldMessages } from '../../../lib/errors.js';

export interface TokenRow {
  id: number;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export function TokensPage(props: {
  page: PageContext;
  tokens: TokenRow[];
  created?: { token: string; name: string } | null;
  errors?: FieldMessages;
  values?: { name?: string; expiresInDays?: string };
  /** The most active tokens an account may hold. */
  maxActive: number;
}) {
  const now = Date.now();
  const active = props.tokens.filter((t) => !t.revokedAt && (t.expiresAt === null || t.expiresAt.getTime() > now)).length;
  return (
    <Layout page={props.page} title="API tokens">
      <PageHeader title="API tokens" />
      <p class="text-secondary">
        Personal tokens let scripts use the JSON API under <code>/api/v1</code> as you, with your permissions. Send one as{' '}
        <code>Authorization: Bearer fms_…</code>. A token works under <code>/api/</code> only, never on these pages. Each token is shown once; revoke any you no
        longer use. Your tokens are revoked when an admin resets your password or disables your account.
      </p>
      {props.created ? (
        <div class="alert alert-success" role="status">
          <p class="mb-2">
            Token <strong safe>{props.created.name}</strong> created. Copy it now: it will not be shown again.
          </p>
          <div class="secret-once bg-white border rounded p-2" data-testid="new-token" safe>{props.created.token}</div>
        </div>
      ) : (
        ''
      )}
      <div class="row g-4">
        <div class="col-lg-4">
          <div class="card shadow-sm">
            <div class="card-body">
              <h2 class="h5">New token</h2>
              <form method="post" action="/account/tokens" novalidate>
                <CsrfField token={props.page.csrfToken} />
                <FormField name="name" label="Name" value={props.values?.name} errors={props.errors} required maxlength={100} help="What the token is for, e.g. “grading script”." />
                <FormField name="expiresInDays" label="Expires after (days)" type="number" min={1} max={3650} value={props.values?.expiresInDays ?? '90'} errors={props.errors} help="Leave empty for a token that does not expire." />
                <FormField name="currentPassword" label="Your current password" type="password" errors={props.errors} autocomplete="current-password" required help="A token acts as you: confirm it is you who asks for one." />
                <button class="btn btn-primary" type="submit">Create token</button>
                <p class="form-text mb-0 mt-2" data-testid="token-count" safe>{`${active} of at most ${props.maxActive} tokens active.`}</p>
              </form>
            </div>
          </div>
        </div>
        <div class="col-lg-8">
          <div class="card shadow-sm">
            <div class="table-responsive">
              <table class="table mb-0 align-middle">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Token</th>
                    <th>Created</th>
                    <th>Last used</th>
                    <th>Status</th>
                    <th></th>
                  </tr>
                </thead>
                <tbody>
                  {props.tokens.length === 0 ? (
                    <tr>
                      <td colspan="6" class="text-secondary">No tokens yet.</td>
                    </tr>
                  ) : (
                    props.tokens.map((t) => {
                      const expired = t.expiresAt !== null && t.expiresAt.getTime() <= now;
                      const status = t.revokedAt ? 'revoked' : expired ? 'expired' : t.expiresAt ? `expires ${formatDateTime(t.expiresAt)}` : 'active';
                      return (
                        <tr>
                          <td safe>{t.name}</td>
                          <td><code safe>{`${t.prefix}…`}</code></td>
                          <td safe>{formatDateTime(t.createdAt)}</td>
                          <td safe>{formatDateTime(t.lastUsedAt)}</td>
                          <td safe>{status}</td>
                          <td class="text-end">
                            {t.revokedAt || expired ? (
                              ''
                            ) : (
                              <form method="post" action={`/account/tokens/${t.id}/revoke`} data-confirm="Revoke this token? Scripts using it stop working.">
                                <CsrfField token={props.page.csrfToken} />
                                <button class="btn btn-sm btn-outline-danger" type="submit">Revoke</button>
                              </form>
                            )}
                          </td>
                        </tr>
                      );
                    })
                  )}
                </tbody>
              </table>
            </div>
          </div>
        </div>
      </div>
    </Layout>
  );
}
