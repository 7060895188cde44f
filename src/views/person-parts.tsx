// The parts of the student and lecturer pages that show a person: how lists name them, their photo
// (a thumbnail in lists, the large one on the record, with its upload and removal forms) or their
// initials in its place, and the one-time credentials of a new or reset account.
import { CsrfField } from './form-field.js';

/** How lists name a person: sorted by last name, so it comes first ("Novak, Ana Petrovna"). */
export function listName(person: { firstName: string; lastName: string; patronymic?: string | null }): string {
  return `${person.lastName}, ${[person.firstName, person.patronymic].filter(Boolean).join(' ')}`;
}

export function initials(person: { firstName: string; lastName: string }): string {
  return `${[...person.firstName][0] ?? ''}${[...person.lastName][0] ?? ''}`.toUpperCase();
}

/**
 * A person's photo thumbnail in a list, or their initials in a circle of the same size (public/app.css
 * `.initials`): 40 bytes a row where the SVG it replaced took 300, a quarter of a 50-row page.
 */
export function Avatar(props: { src: string | null; person: { firstName: string; lastName: string } }) {
  if (props.src) return <img class="rounded-circle object-fit-cover border" src={props.src} width="36" height="36" alt="" loading="lazy" />;
  return (
    <span class="initials" aria-hidden="true" safe>
      {initials(props.person)}
    </span>
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

