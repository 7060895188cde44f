// Page parts the student and lecturer pages share: numbered pages, sortable headers, photos and
// their placeholders, the one-time credentials alert, the account box, export links and the
// archive form. Pure functions of their props (no database, no Fastify).
import { CsrfField } from './form-field.js';
import { formatDateTime } from './format.js';

// ---- lists -------------------------------------------------------------------------------------

/** The page numbers to offer: the first, the last, and a window around the current one. */
export function pageWindow(page: number, pages: number, around = 2): (number | 'gap')[] {
  const shown = new Set<number>([1, pages]);
  for (let p = page - around; p <= page + around; p++) if (p >= 1 && p <= pages) shown.add(p);
  const sorted = [...shown].sort((a, b) => a - b);
  const out: (number | 'gap')[] = [];
  for (const p of sorted) {
    const previous = out.at(-1);
    if (typeof previous === 'number' && p - previous === 2) out.push(p - 1);
    else if (typeof previous === 'number' && p - previous > 2) out.push('gap');
    out.push(p);
  }
  return out;
}

const numberFormat = new Intl.NumberFormat('en-GB');
export const formatCount = (n: number) => numberFormat.format(n);

/** "Showing 51–100 of 12,345" and numbered page links (1 … 4 5 6 … 247). */
export function NumberedPagination(props: { page: number; pageSize: number; total: number; href: (page: number) => string; noun: string }) {
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  const first = props.total === 0 ? 0 : (props.page - 1) * props.pageSize + 1;
  const last = Math.min(props.total, props.page * props.pageSize);
  const summary =
    props.total === 0
      ? `No ${props.noun}`
      : first > props.total
        ? `Page ${props.page} is past the end: ${formatCount(props.total)} ${props.noun} in ${formatCount(pages)} page(s)`
        : `Showing ${formatCount(first)}–${formatCount(last)} of ${formatCount(props.total)} ${props.noun}`;
  return (
    <div class="d-flex flex-wrap align-items-center justify-content-between gap-2 mt-3">
      <p class="text-secondary small mb-0" data-testid="list-summary" safe>{summary}</p>
      {pages > 1 ? (
        <nav aria-label="Pages">
          <ul class="pagination pagination-sm mb-0 flex-wrap">
            <li class={`page-item${props.page <= 1 ? ' disabled' : ''}`}>
              <a class="page-link" href={props.href(Math.max(1, props.page - 1))} aria-label="Previous page">
                ‹ Previous
              </a>
            </li>
            {pageWindow(Math.min(props.page, pages), pages).map((p) =>
              p === 'gap' ? (
                <li class="page-item disabled">
                  <span class="page-link">…</span>
                </li>
              ) : (
                <li class={`page-item${p === props.page ? ' active' : ''}`}>
                  <a class="page-link" href={props.href(p)} aria-current={p === props.page ? 'page' : undefined} safe>
                    {formatCount(p)}
                  </a>
                </li>
              ),
            )}
            <li class={`page-item${props.page >= pages ? ' disabled' : ''}`}>
              <a class="page-link" href={props.href(Math.min(pages, props.page + 1))} aria-label="Next page">
                Next ›
              </a>
            </li>
          </ul>
        </nav>
      ) : (
        ''
      )}
    </div>
  );
}

/** A column header that sorts the list by `key`, ascending first, descending on a second click. */
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

/** A URL query string from the non-empty values. */
export function queryString(values: Record<string, string | number | boolean | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== null && value !== '' && value !== false) params.set(key, String(value));
  return params.toString();
}

// ---- people ------------------------------------------------------------------------------------

/** How lists name a person: sorted by last name, so it comes first ("Novak, Ana Petrovna"). */
export function listName(person: { firstName: string; lastName: string; patronymic?: string | null }): string {
  return `${person.lastName}, ${[person.firstName, person.patronymic].filter(Boolean).join(' ')}`;
}

export function initials(person: { firstName: string; lastName: string }): string {
  return `${[...person.firstName][0] ?? ''}${[...person.lastName][0] ?? ''}`.toUpperCase();
}

/** A person's photo thumbnail in a list, or a circle with their initials. */
export function Avatar(props: { src: string | null; person: { firstName: string; lastName: string }; size?: number }) {
  const size = props.size ?? 36;
  if (props.src) return <img class="rounded-circle object-fit-cover border" src={props.src} width={String(size)} height={String(size)} alt="" loading="lazy" />;
  return (
    <svg class="flex-shrink-0" width={String(size)} height={String(size)} viewBox="0 0 36 36" aria-hidden="true">
      <circle cx="18" cy="18" r="18" fill="#dde5ee" />
      <text x="18" y="18" dy="0.35em" text-anchor="middle" font-size="13" font-weight="600" fill="#1f4e79" safe>
        {initials(props.person)}
      </text>
    </svg>
  );
}

/** The record page's photo, or a placeholder saying there is none. */
export function RecordPhoto(props: { src: string | null; person: { firstName: string; lastName: string }; name: string }) {
  if (props.src) return <img class="img-fluid rounded border w-100" src={props.src} alt={`Photo of ${props.name}`} data-testid="record-photo" />;
  return (
    <svg class="w-100 h-auto rounded border" viewBox="0 0 120 120" role="img" aria-label="No photo" data-testid="photo-placeholder">
      <rect width="120" height="120" fill="#eef2f6" />
      <circle cx="60" cy="46" r="22" fill="#c9d4e0" />
      <path d="M20 112c4-24 20-36 40-36s36 12 40 36z" fill="#c9d4e0" />
      <text x="60" y="46" dy="0.35em" text-anchor="middle" font-size="16" font-weight="600" fill="#1f4e79" safe>
        {initials(props.person)}
      </text>
    </svg>
  );
}

/** The photo upload (multipart; the CSRF token rides in the query string) and removal forms. */
export function PhotoForms(props: { action: string; csrfToken: string; hasPhoto: boolean; error?: string | null }) {
  return (
    <div class="mt-3" data-testid="photo-forms">
      <form method="post" action={`${props.action}?_csrf=${encodeURIComponent(props.csrfToken)}`} enctype="multipart/form-data" novalidate>
        <label class="form-label small text-secondary" for="field-photo">
          {props.hasPhoto ? 'Replace the photo' : 'Add a photo'}
        </label>
        <div class="input-group input-group-sm">
          <input
            class={`form-control${props.error ? ' is-invalid' : ''}`}
            id="field-photo"
            type="file"
            name="photo"
            accept="image/jpeg,image/png,image/webp"
            aria-describedby="field-photo-help"
            aria-invalid={props.error ? 'true' : undefined}
          />
          <button class="btn btn-outline-primary" type="submit">
            Upload
          </button>
          {props.error ? (
            <div class="invalid-feedback" safe>
              {props.error}
            </div>
          ) : (
            ''
          )}
        </div>
        <div class="form-text" id="field-photo-help">
          JPEG, PNG or WebP, at most 5 MB.
        </div>
      </form>
      {props.hasPhoto ? (
        <form method="post" action={`${props.action}/remove`} data-confirm="Remove this photo?" class="mt-2">
          <CsrfField token={props.csrfToken} />
          <button class="btn btn-link btn-sm text-danger p-0" type="submit">
            Remove photo
          </button>
        </form>
      ) : (
        ''
      )}
    </div>
  );
}

/** Shown once, right after a record and its account are created or its password is reset. */
export function CredentialsAlert(props: { username: string; password: string; title: string }) {
  return (
    <div class="alert alert-success shadow-sm" role="status" data-testid="credentials">
      <h2 class="h6 alert-heading" safe>{props.title}</h2>
      <dl class="row mb-2">
        <dt class="col-sm-3 col-lg-2">Username</dt>
        <dd class="col-sm-9 col-lg-10 font-monospace" data-testid="new-username" safe>{props.username}</dd>
        <dt class="col-sm-3 col-lg-2">Password</dt>
        <dd class="col-sm-9 col-lg-10">
          <span class="secret-once bg-white border rounded px-2 py-1 d-inline-block" data-testid="one-time-password" safe>{props.password}</span>
        </dd>
      </dl>
      <p class="small mb-0">
        This one-time password is shown once; hand it over securely. Its owner chooses their own password at the first sign-in.
      </p>
    </div>
  );
}

export interface AccountSummary {
  id: number;
  username: string;
  disabled: boolean;
  lockedUntil: Date | null;
  mustChangePassword: boolean;
  lastLoginAt: Date | null;
}

export function AccountBadge({ account, now }: { account: AccountSummary; now: Date }) {
  if (account.disabled) return <span class="badge text-bg-secondary">disabled</span>;
  if (account.lockedUntil && account.lockedUntil.getTime() > now.getTime()) return <span class="badge text-bg-danger">locked</span>;
  if (account.mustChangePassword) return <span class="badge text-bg-warning">one-time password</span>;
  return <span class="badge text-bg-success">active</span>;
}

/** The record's sign-in account for admins: status, reset password, disable or enable. */
export function AccountCard(props: { account: AccountSummary | null; action: string; csrfToken: string; now: Date; isSelf: boolean }) {
  const a = props.account;
  return (
    <div class="card shadow-sm mb-4" data-testid="account-card">
      <div class="card-header d-flex justify-content-between align-items-center">
        <span>Sign-in account</span>
        {a ? <AccountBadge account={a} now={props.now} /> : ''}
      </div>
      <div class="card-body">
        {a ? (
          <>
            <dl class="row small mb-3">
              <dt class="col-5">Username</dt>
              <dd class="col-7 font-monospace" safe>{a.username}</dd>
              <dt class="col-5">Last sign-in</dt>
              <dd class="col-7" safe>{formatDateTime(a.lastLoginAt)}</dd>
            </dl>
            <div class="d-grid gap-2">
              <form method="post" action={`${props.action}/reset-password`} data-confirm="Replace this account's password with a one-time password and sign it out everywhere?">
                <CsrfField token={props.csrfToken} />
                <button class="btn btn-outline-primary btn-sm w-100" type="submit">
                  Reset password
                </button>
              </form>
              {props.isSelf ? (
                <p class="text-secondary small mb-0">You cannot disable the account you are signed in with.</p>
              ) : a.disabled ? (
                <form method="post" action={`${props.action}/enable`}>
                  <CsrfField token={props.csrfToken} />
                  <button class="btn btn-outline-success btn-sm w-100" type="submit">
                    Enable account
                  </button>
                </form>
              ) : (
                <form method="post" action={`${props.action}/disable`} data-confirm="Disable this account? Its sessions end and its API tokens stop working.">
                  <CsrfField token={props.csrfToken} />
                  <button class="btn btn-outline-danger btn-sm w-100" type="submit">
                    Disable account
                  </button>
                </form>
              )}
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

/** Archive (leave the lists, keep the record and its history) or restore. */
export function ArchiveForm(props: { action: string; archived: boolean; csrfToken: string; noun: string }) {
  return props.archived ? (
    <form method="post" action={`${props.action}/restore`}>
      <CsrfField token={props.csrfToken} />
      <button class="btn btn-outline-success" type="submit">
        Restore
      </button>
    </form>
  ) : (
    <form method="post" action={`${props.action}/archive`} data-confirm={`Archive this ${props.noun}? The record leaves the lists but keeps its history.`}>
      <CsrfField token={props.csrfToken} />
      <button class="btn btn-outline-danger" type="submit">
        Archive
      </button>
    </form>
  );
}

/** A definition list row; an empty value reads as a dash. */
export function Detail(props: { label: string; value: string | null | undefined; testId?: string }) {
  const text = props.value || '—';
  return (
    <>
      <dt class="col-sm-4 text-secondary fw-normal" safe>{props.label}</dt>
      <dd class="col-sm-8" data-testid={props.testId} safe>{text}</dd>
    </>
  );
}
