// Page parts the student and lecturer pages share (their pages are in pagination.tsx): sortable headers, the list's
// table, photos and their placeholders, the one-time credentials alert, the account box, export
// links, the archive form, the record page's frame and the add/edit form's frame. Each feature
// keeps its own fields. Pure functions of their props (no database, no Fastify).
import type { Children } from '@kitajs/html';
import type { FieldMessages } from '../lib/errors.js';
import { CsrfField, FormAlert, FormField } from './form-field.js';
import { formatDateTime } from './format.js';
import { Layout, PageHeader } from './layout.js';
import type { PageContext } from './page.js';

// ---- lists -------------------------------------------------------------------------------------

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

/** The photo upload (multipart: the CSRF token is its first field, checked before the file is read) and removal forms. */
export function PhotoForms(props: { action: string; csrfToken: string; hasPhoto: boolean; error?: string | null }) {
  return (
    <div class="mt-3" data-testid="photo-forms">
      <form method="post" action={props.action} enctype="multipart/form-data" novalidate>
        <CsrfField token={props.csrfToken} />
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
              {props.isSelf ? (
                <>
                  <a class="btn btn-outline-primary btn-sm w-100" href="/account/password">
                    Change your password
                  </a>
                  <p class="text-secondary small mb-0">This is the account you are signed in with: you cannot reset or disable it here.</p>
                </>
              ) : (
                <form method="post" action={`${props.action}/reset-password`} data-confirm="Replace this account's password with a one-time password, sign it out everywhere and revoke its API tokens?">
                  <CsrfField token={props.csrfToken} />
                  {/* One reset per page view: reloading the page that shows the new password makes no other. */}
                  <input type="hidden" name="resetId" value={crypto.randomUUID()} />
                  <button class="btn btn-outline-primary btn-sm w-100" type="submit">
                    Reset password
                  </button>
                </form>
              )}
              {props.isSelf ? (
                ''
              ) : a.disabled ? (
                <form method="post" action={`${props.action}/enable`}>
                  <CsrfField token={props.csrfToken} />
                  <button class="btn btn-outline-success btn-sm w-100" type="submit">
                    Enable account
                  </button>
                </form>
              ) : (
                <form method="post" action={`${props.action}/disable`} data-confirm="Disable this account? Its sessions end and its API tokens are revoked for good.">
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

// ---- list pages --------------------------------------------------------------------------------

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

/** The filter form's "Show archived" box, Apply and (when something is filtered) Clear. */
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

/** The list's table in its card: the header row, then the rows or one line saying there are none. */
export function PeopleTable(props: { testId: string; columns: number; head: Children; empty: string | null; children: Children }) {
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

/** A list row's first cell: the photo thumbnail (or initials) and the name linking to the record. */
export function NameCell(props: { base: string; person: { id: number; firstName: string; lastName: string; patronymic?: string | null; hasPhoto: boolean; updatedAt: Date } }) {
  const p = props.person;
  return (
    <td>
      <div class="d-flex align-items-center gap-2">
        <Avatar src={p.hasPhoto ? `${props.base}/${p.id}/photo/thumbnail?v=${p.updatedAt.getTime()}` : null} person={p} />
        <a class="fw-semibold" href={`${props.base}/${p.id}`} safe>
          {listName(p)}
        </a>
      </div>
    </td>
  );
}

// ---- record pages ------------------------------------------------------------------------------

export interface PersonRecordFrameProps {
  page: PageContext;
  /** "/students" or "/lecturers". */
  base: string;
  /** "Students" or "Lecturers": the breadcrumb's first step. */
  listLabel: string;
  /** "student" or "lecturer". */
  noun: string;
  person: { id: number; firstName: string; lastName: string; email: string | null; hasPhoto: boolean; archived: boolean; createdAt: Date; updatedAt: Date };
  name: string;
  title: string;
  /** null: no breadcrumb; false: the list is named but not linked. */
  linkList: boolean | null;
  badges?: Children;
  mayManage: boolean;
  mayArchive: boolean;
  credentials?: { username: string; password: string; title: string } | null;
  photoError?: string | null;
  account?: AccountSummary | null;
  accountIsSelf?: boolean;
  now: Date;
  /** The "Record" card's rows (Detail elements). */
  details: Children;
  /** The contact card's rows after the e-mail, and a note below them. */
  contact: Children;
  contactNote?: Children;
  /** What follows the contact card (teaching, subjects, …). */
  below: Children;
  history: Children;
}

/** A person's record page: header with edit/archive, photo and account, record and contact cards. */
export function PersonRecordFrame(props: PersonRecordFrameProps) {
  const p = props.person;
  const href = `${props.base}/${p.id}`;
  return (
    <Layout page={props.page} title={props.name}>
      {props.linkList === null ? (
        ''
      ) : (
        <nav aria-label="breadcrumb">
          <ol class="breadcrumb">
            <li class="breadcrumb-item">
              {props.linkList ? (
                <a href={props.base} safe>
                  {props.listLabel}
                </a>
              ) : (
                <span safe>{props.listLabel}</span>
              )}
            </li>
            <li class="breadcrumb-item active" aria-current="page" safe>
              {props.name}
            </li>
          </ol>
        </nav>
      )}
      <PageHeader title={props.title}>
        <>
          {props.badges ?? ''}
          {p.archived ? <span class="badge text-bg-secondary align-self-center" data-testid="archived-badge">archived</span> : ''}
          {props.mayManage ? (
            <>
              <a class="btn btn-outline-primary" href={`${href}/edit`}>
                Edit
              </a>
              {props.mayArchive ? <ArchiveForm action={href} archived={p.archived} csrfToken={props.page.csrfToken} noun={props.noun} /> : ''}
            </>
          ) : (
            ''
          )}
        </>
      </PageHeader>
      {props.credentials ? <CredentialsAlert {...props.credentials} /> : ''}
      {p.archived ? (
        <div class="alert alert-secondary" role="status" safe>
          {`This ${props.noun} is archived: the record is left out of the lists and kept with its history.`}
        </div>
      ) : (
        ''
      )}
      <div class="row g-4">
        <div class="col-md-5 col-lg-4">
          <div class="card shadow-sm mb-4">
            <div class="card-body">
              <RecordPhoto src={p.hasPhoto ? `${href}/photo?v=${p.updatedAt.getTime()}` : null} person={p} name={props.name} />
              {props.mayManage ? <PhotoForms action={`${href}/photo`} csrfToken={props.page.csrfToken} hasPhoto={p.hasPhoto} error={props.photoError} /> : ''}
            </div>
          </div>
          {props.mayManage && props.account !== undefined ? (
            <AccountCard account={props.account} action={`${href}/account`} csrfToken={props.page.csrfToken} now={props.now} isSelf={props.accountIsSelf === true} />
          ) : (
            ''
          )}
        </div>
        <div class="col-md-7 col-lg-8">
          <div class="card shadow-sm mb-4">
            <div class="card-header">Record</div>
            <div class="card-body">
              <dl class="row mb-0" data-testid={`${props.noun}-details`}>
                {props.details}
              </dl>
            </div>
          </div>
          <div class="card shadow-sm mb-4">
            <div class="card-header">Contact</div>
            <div class="card-body">
              <dl class="row mb-0" data-testid={`${props.noun}-contact`}>
                <dt class="col-sm-4 text-secondary fw-normal">E-mail</dt>
                <dd class="col-sm-8 text-break">
                  {p.email ? (
                    <a href={`mailto:${p.email}`} safe>
                      {p.email}
                    </a>
                  ) : (
                    '—'
                  )}
                </dd>
                {props.contact}
              </dl>
              {props.contactNote ?? ''}
            </div>
          </div>
          {props.below}
          <p class="small text-secondary mt-3 mb-0" safe>
            {`Record created ${formatDateTime(p.createdAt)} · last changed ${formatDateTime(p.updatedAt)}`}
          </p>
        </div>
      </div>
      {props.history}
    </Layout>
  );
}

/** A muted card for a part of the record that later features fill in. */
export function LaterCard(props: { title: string; text: string; width?: string }) {
  return (
    <div class={props.width ?? 'col-md-4'}>
      <div class="card h-100 border-0 bg-body-tertiary">
        <div class="card-body">
          <h2 class="h6 mb-1" safe>{props.title}</h2>
          <p class="small text-secondary mb-0" safe>{props.text}</p>
        </div>
      </div>
    </div>
  );
}

// ---- add / edit forms --------------------------------------------------------------------------

export type PersonFormValues = Partial<Record<'firstName' | 'lastName' | 'patronymic' | 'email' | 'phone' | 'address', string>>;

export interface PersonFormFrameProps {
  page: PageContext;
  base: string;
  listLabel: string;
  noun: string;
  /** null: a new record (multipart, with a photo); else the record being edited. */
  record: { id: number; name: string } | null;
  values: PersonFormValues;
  errors?: FieldMessages;
  message?: string | null;
  /** A photo was sent with a form that is shown again: it must be chosen again. */
  photoAgain?: string;
  /** A new form's random id: the same form sent twice creates one record. */
  formId?: string;
  /** This form was sent before and created that record. */
  alreadyCreated?: { href: string; name: string };
  /** Fields after the names in the "Person" card. */
  personExtra?: Children;
  /** The feature's own card ("Studies", "Position"). */
  roleCard: { title: string; body: Children };
}

function FormCard(props: { title: string; children: Children }) {
  return (
    <div class="col-lg-6">
      <div class="card shadow-sm h-100">
        <div class="card-header" safe>
          {props.title}
        </div>
        <div class="card-body">{props.children}</div>
      </div>
    </div>
  );
}

/** A person's add or edit form: names, the feature's own card, contact and (when new) the photo. */
export function PersonFormFrame(props: PersonFormFrameProps) {
  const v = props.values;
  const e = props.errors;
  const isNew = props.record === null;
  const title = isNew ? `New ${props.noun}` : `Edit ${props.record!.name}`;
  const csrf = props.page.csrfToken;
  const recordHref = isNew ? props.base : `${props.base}/${props.record!.id}`;
  const submitLabel = isNew ? `Create ${props.noun} and account` : 'Save changes';
  const addressError = e?.address;
  const photoError = e?.photo ?? e?.file;
  return (
    <Layout page={props.page} title={title}>
      <nav aria-label="breadcrumb">
        <ol class="breadcrumb">
          <li class="breadcrumb-item">
            <a href={props.base} safe>
              {props.listLabel}
            </a>
          </li>
          {isNew ? (
            ''
          ) : (
            <li class="breadcrumb-item">
              <a href={recordHref} safe>
                {props.record!.name}
              </a>
            </li>
          )}
          <li class="breadcrumb-item active" aria-current="page">
            {isNew ? 'New' : 'Edit'}
          </li>
        </ol>
      </nav>
      <PageHeader title={title} />
      {props.alreadyCreated ? (
        <div class="alert alert-warning" role="alert" data-testid="already-submitted">
          This form was already submitted; the record was created:{' '}
          <a class="alert-link" href={props.alreadyCreated.href} safe>
            {props.alreadyCreated.name}
          </a>
          . Its one-time password was shown then; reset it from the record if it was lost.
        </div>
      ) : (
        <FormAlert message={props.message} />
      )}
      <form
        method="post"
        action={recordHref}
        enctype={isNew ? 'multipart/form-data' : undefined}
        novalidate
        data-testid={`${props.noun}-form`}
      >
        {/* First: a multipart form's token must come before its other fields and its file (plugins/csrf.ts). */}
        <CsrfField token={csrf} />
        {isNew && props.formId ? <input type="hidden" name="formId" value={props.formId} /> : ''}
        <div class="row g-4">
          <FormCard title="Person">
            <>
              <FormField name="lastName" label="Last name" value={v.lastName} errors={e} required maxlength={100} autocomplete="off" />
              <FormField name="firstName" label="First name" value={v.firstName} errors={e} required maxlength={100} autocomplete="off" />
              <FormField name="patronymic" label="Patronymic" value={v.patronymic} errors={e} maxlength={100} autocomplete="off" />
              {props.personExtra ?? ''}
            </>
          </FormCard>
          <FormCard title={props.roleCard.title}>{props.roleCard.body}</FormCard>
          <FormCard title="Contact">
            <>
              <FormField name="email" label="E-mail" type="email" value={v.email} errors={e} maxlength={254} autocomplete="off" />
              <FormField name="phone" label="Phone" type="tel" value={v.phone} errors={e} maxlength={50} autocomplete="off" />
              <div class="mb-3">
                <label class="form-label" for="field-address">
                  Address
                </label>
                <textarea class={`form-control${addressError ? ' is-invalid' : ''}`} id="field-address" name="address" rows="2" maxlength="500" aria-invalid={addressError ? 'true' : undefined} safe>
                  {v.address ?? ''}
                </textarea>
                {addressError ? (
                  <div class="invalid-feedback" safe>
                    {addressError}
                  </div>
                ) : (
                  ''
                )}
              </div>
            </>
          </FormCard>
          {isNew ? (
            <FormCard title="Photo (optional)">
              <>
                {/* The file input comes last: every text field reaches the server before it. */}
                <label class="form-label" for="field-photo">
                  Photo
                </label>
                <input
                  class={`form-control${photoError ? ' is-invalid' : ''}`}
                  id="field-photo"
                  type="file"
                  name="photo"
                  accept="image/jpeg,image/png,image/webp"
                  aria-describedby={props.photoAgain && !photoError ? 'field-photo-again field-photo-help' : 'field-photo-help'}
                />
                {photoError ? (
                  <div class="invalid-feedback" safe>
                    {photoError}
                  </div>
                ) : props.photoAgain ? (
                  <div class="alert alert-warning py-2 px-3 mt-2 mb-0 small" id="field-photo-again" role="alert" data-testid="photo-again" safe>
                    {props.photoAgain}
                  </div>
                ) : (
                  ''
                )}
                <div class="form-text" id="field-photo-help">
                  JPEG, PNG or WebP, at most 5 MB. It is re-encoded without its metadata. A photo refused here must be chosen again.
                </div>
              </>
            </FormCard>
          ) : (
            ''
          )}
        </div>
        <div class="d-flex gap-2 mt-4">
          <button class="btn btn-primary" type="submit" safe>
            {submitLabel}
          </button>
          <a class="btn btn-outline-secondary" href={recordHref}>
            Cancel
          </a>
        </div>
        {isNew ? <p class="text-secondary small mt-2">A sign-in account with a one-time password is created with the record; the password is shown once on the next page.</p> : ''}
      </form>
    </Layout>
  );
}
