// A student's or a lecturer's add or edit form: the names, the feature's own card (studies,
// position), contact and, for a new record, the photo. Each card shows the kind's declared fields
// of its section (features/<kind>/fields.ts), so the page lists no field by name.
import type { Children } from '@kitajs/html';
import type { FieldMessages } from '../lib/errors.js';
import { formSection, type RecordFields } from '../lib/record-fields.js';
import { DeclaredFields } from './declared-fields.js';
import { CsrfField, FormAlert, type Suggestions } from './form-field.js';
import { Layout, PageHeader } from './layout.js';
import type { PageContext } from './page.js';
import { Breadcrumb } from './record-parts.js';

/** The form's values as text, by field name. */
export type PersonFormValues = Readonly<Record<string, string | undefined>>;

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
  /** The kind's declared fields: the "person", role and "contact" sections fill the cards. */
  fields: RecordFields;
  /** The feature's own card: its section in the declaration and its title ("Studies", "Position"). */
  roleCard: { section: string; title: string };
  /** The suggestions of the declared text fields that offer them, by field name. */
  suggestions?: Readonly<Record<string, Suggestions>>;
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
  const e = props.errors;
  const shared = { values: props.values, errors: e, suggestions: props.suggestions };
  const isNew = props.record === null;
  const title = isNew ? `New ${props.noun}` : `Edit ${props.record!.name}`;
  const csrf = props.page.csrfToken;
  const recordHref = isNew ? props.base : `${props.base}/${props.record!.id}`;
  const submitLabel = isNew ? `Create ${props.noun} and account` : 'Save changes';
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
            <DeclaredFields fields={formSection(props.fields, 'person', isNew)} {...shared} />
          </FormCard>
          <FormCard title={props.roleCard.title}>
            <DeclaredFields fields={formSection(props.fields, props.roleCard.section, isNew)} {...shared} />
          </FormCard>
          <FormCard title="Contact">
            <DeclaredFields fields={formSection(props.fields, 'contact', isNew)} {...shared} />
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
