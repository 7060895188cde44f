import type { FieldMessages } from '../../../lib/errors.js';
import { CsrfField, FormAlert, FormField } from '../../../views/form-field.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';

export type LecturerFormValues = Partial<Record<'firstName' | 'lastName' | 'patronymic' | 'academicDegree' | 'position' | 'email' | 'phone' | 'address' | 'username', string>> & { isAdmin?: boolean };

export interface LecturerFormPageProps {
  page: PageContext;
  /** null: a new lecturer (with username and photo); else the record being edited. */
  lecturer: { id: number; name: string } | null;
  values: LecturerFormValues;
  /** Degrees already in use, offered as suggestions. */
  degrees: string[];
  errors?: FieldMessages;
  message?: string | null;
}

export function LecturerFormPage(props: LecturerFormPageProps) {
  const v = props.values;
  const e = props.errors;
  const isNew = props.lecturer === null;
  const title = isNew ? 'New lecturer' : `Edit ${props.lecturer!.name}`;
  const csrf = props.page.csrfToken;
  const addressError = e?.address;
  const adminError = e?.isAdmin;
  const photoError = e?.photo ?? e?.file;
  return (
    <Layout page={props.page} title={title}>
      <nav aria-label="breadcrumb">
        <ol class="breadcrumb">
          <li class="breadcrumb-item">
            <a href="/lecturers">Lecturers</a>
          </li>
          {isNew ? (
            ''
          ) : (
            <li class="breadcrumb-item">
              <a href={`/lecturers/${props.lecturer!.id}`} safe>
                {props.lecturer!.name}
              </a>
            </li>
          )}
          <li class="breadcrumb-item active" aria-current="page">
            {isNew ? 'New' : 'Edit'}
          </li>
        </ol>
      </nav>
      <PageHeader title={title} />
      <FormAlert message={props.message} />
      <form
        method="post"
        action={isNew ? `/lecturers?_csrf=${encodeURIComponent(csrf)}` : `/lecturers/${props.lecturer!.id}`}
        enctype={isNew ? 'multipart/form-data' : undefined}
        novalidate
        data-testid="lecturer-form"
      >
        {isNew ? '' : <CsrfField token={csrf} />}
        <div class="row g-4">
          <div class="col-lg-6">
            <div class="card shadow-sm h-100">
              <div class="card-header">Person</div>
              <div class="card-body">
                <FormField name="lastName" label="Last name" value={v.lastName} errors={e} required maxlength={100} autocomplete="off" />
                <FormField name="firstName" label="First name" value={v.firstName} errors={e} required maxlength={100} autocomplete="off" />
                <FormField name="patronymic" label="Patronymic" value={v.patronymic} errors={e} maxlength={100} autocomplete="off" />
              </div>
            </div>
          </div>
          <div class="col-lg-6">
            <div class="card shadow-sm h-100">
              <div class="card-header">Position</div>
              <div class="card-body">
                <div class="mb-3">
                  <label class="form-label" for="field-academicDegree">
                    Academic degree
                  </label>
                  <input
                    class={`form-control${e?.academicDegree ? ' is-invalid' : ''}`}
                    id="field-academicDegree"
                    name="academicDegree"
                    value={v.academicDegree ?? ''}
                    maxlength="100"
                    list="degree-suggestions"
                    autocomplete="off"
                  />
                  <datalist id="degree-suggestions">
                    {props.degrees.map((d) => (
                      <option value={d}></option>
                    ))}
                  </datalist>
                  {e?.academicDegree ? (
                    <div class="invalid-feedback" safe>
                      {e.academicDegree}
                    </div>
                  ) : (
                    <div class="form-text">e.g. PhD, MSc, DSc</div>
                  )}
                </div>
                <FormField name="position" label="Position" value={v.position} errors={e} maxlength={100} help="e.g. Associate Professor" />
                <div class="form-check form-switch mb-3">
                  <input class={`form-check-input${adminError ? ' is-invalid' : ''}`} type="checkbox" role="switch" id="field-isAdmin" name="isAdmin" value="true" checked={v.isAdmin === true} />
                  <label class="form-check-label" for="field-isAdmin">
                    Administrator: may manage every record and account
                  </label>
                  {adminError ? (
                    <div class="invalid-feedback" safe>
                      {adminError}
                    </div>
                  ) : (
                    ''
                  )}
                </div>
                {isNew ? (
                  <FormField name="username" label="Username (optional)" value={v.username} errors={e} maxlength={64} autocomplete="off" help="Leave empty to generate one from the name, e.g. l.petrova." />
                ) : (
                  ''
                )}
              </div>
            </div>
          </div>
          <div class="col-lg-6">
            <div class="card shadow-sm h-100">
              <div class="card-header">Contact</div>
              <div class="card-body">
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
              </div>
            </div>
          </div>
          {isNew ? (
            <div class="col-lg-6">
              <div class="card shadow-sm h-100">
                <div class="card-header">Photo (optional)</div>
                <div class="card-body">
                  <label class="form-label" for="field-photo">
                    Photo
                  </label>
                  <input class={`form-control${photoError ? ' is-invalid' : ''}`} id="field-photo" type="file" name="photo" accept="image/jpeg,image/png,image/webp" aria-describedby="field-photo-help" />
                  {photoError ? (
                    <div class="invalid-feedback" safe>
                      {photoError}
                    </div>
                  ) : (
                    ''
                  )}
                  <div class="form-text" id="field-photo-help">
                    JPEG, PNG or WebP, at most 5 MB. It is re-encoded without its metadata. A photo refused here must be chosen again.
                  </div>
                </div>
              </div>
            </div>
          ) : (
            ''
          )}
        </div>
        <div class="d-flex gap-2 mt-4">
          <button class="btn btn-primary" type="submit">
            {isNew ? 'Create lecturer and account' : 'Save changes'}
          </button>
          <a class="btn btn-outline-secondary" href={isNew ? '/lecturers' : `/lecturers/${props.lecturer!.id}`}>
            Cancel
          </a>
        </div>
        {isNew ? <p class="text-secondary small mt-2">A sign-in account with a one-time password is created with the record; the password is shown once on the next page.</p> : ''}
      </form>
    </Layout>
  );
}
