import type { FieldMessages } from '../../../lib/errors.js';
import { CsrfField, FormAlert, FormField, SelectField } from '../../../views/form-field.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';

export type StudentFormValues = Partial<Record<'studentNumber' | 'firstName' | 'lastName' | 'patronymic' | 'birthDate' | 'email' | 'phone' | 'address' | 'groupId' | 'username', string>>;

export interface StudentFormPageProps {
  page: PageContext;
  /** null: a new student (with username and photo); else the record being edited. */
  student: { id: number; name: string } | null;
  values: StudentFormValues;
  groups: { id: number; name: string }[];
  errors?: FieldMessages;
  message?: string | null;
}

export function StudentFormPage(props: StudentFormPageProps) {
  const v = props.values;
  const e = props.errors;
  const isNew = props.student === null;
  const title = isNew ? 'New student' : `Edit ${props.student!.name}`;
  const csrf = props.page.csrfToken;
  const addressError = e?.address;
  const photoError = e?.photo ?? e?.file;
  return (
    <Layout page={props.page} title={title}>
      <nav aria-label="breadcrumb">
        <ol class="breadcrumb">
          <li class="breadcrumb-item">
            <a href="/students">Students</a>
          </li>
          {isNew ? (
            ''
          ) : (
            <li class="breadcrumb-item">
              <a href={`/students/${props.student!.id}`} safe>
                {props.student!.name}
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
        action={isNew ? `/students?_csrf=${encodeURIComponent(csrf)}` : `/students/${props.student!.id}`}
        enctype={isNew ? 'multipart/form-data' : undefined}
        novalidate
        data-testid="student-form"
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
                <FormField name="birthDate" label="Birth date" type="date" value={v.birthDate} errors={e} help="YYYY-MM-DD" />
              </div>
            </div>
          </div>
          <div class="col-lg-6">
            <div class="card shadow-sm h-100">
              <div class="card-header">Studies</div>
              <div class="card-body">
                <FormField name="studentNumber" label="Student number" value={v.studentNumber} errors={e} required maxlength={50} help="The department's number, unique, e.g. 2026-0042." autocomplete="off" />
                <SelectField name="groupId" label="Group" value={v.groupId ?? ''} errors={e} options={[{ value: '', label: 'No group' }, ...props.groups.map((g) => ({ value: String(g.id), label: g.name }))]} />
                {isNew ? (
                  <FormField name="username" label="Username (optional)" value={v.username} errors={e} maxlength={64} autocomplete="off" help="Leave empty to generate one from the name, e.g. a.novak." />
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
                  {/* The file input comes last: every text field reaches the server before it. */}
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
            {isNew ? 'Create student and account' : 'Save changes'}
          </button>
          <a class="btn btn-outline-secondary" href={isNew ? '/students' : `/students/${props.student!.id}`}>
            Cancel
          </a>
        </div>
        {isNew ? <p class="text-secondary small mt-2">A sign-in account with a one-time password is created with the record; the password is shown once on the next page.</p> : ''}
      </form>
    </Layout>
  );
}
