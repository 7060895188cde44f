// A student's or a lecturer's add or edit form: the names, the feature's own card (studies,
// position), contact and, for a new record, the photo; the feature passes its own fields in.
import type { Children } from '@kitajs/html';
import type { FieldMessages } from '../lib/errors.js';
import { CsrfField, FormAlert, FormField } from './form-field.js';
import { Layout, PageHeader } from './layout.js';
import type { PageContext } from './page.js';
import { Breadcrumb } from './record-parts.js';

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
      <Breadcrumb steps={[{ label: props.listLabel, href: props.base }, ...(isNew ? [] : [{ label: props.record!.name, href: recordHref }]), { label: isNew ? 'New' : 'Edit' }]} />
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
