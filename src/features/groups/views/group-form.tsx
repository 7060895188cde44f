import type { FieldMessages } from '../../../lib/errors.js';
import { CsrfField, FormAlert, FormField } from '../../../views/form-field.js';

/** The name and description fields, used by "new group" and the group page's edit form. */
export function GroupForm(props: { action: string; csrfToken: string; values: { name?: string; description?: string }; errors?: FieldMessages; message?: string | null; submit: string }) {
  const descriptionError = props.errors?.description;
  return (
    <form method="post" action={props.action} novalidate data-testid="group-form">
      <FormAlert message={props.message} />
      <CsrfField token={props.csrfToken} />
      <FormField name="name" label="Name" value={props.values.name} errors={props.errors} required maxlength={100} help="Unique, e.g. CS-101 or Physics 2026." />
      <div class="mb-3">
        <label class="form-label" for="field-description">
          Description
        </label>
        <textarea
          class={`form-control${descriptionError ? ' is-invalid' : ''}`}
          id="field-description"
          name="description"
          rows="4"
          maxlength="2000"
          aria-invalid={descriptionError ? 'true' : undefined}
          safe
        >
          {props.values.description ?? ''}
        </textarea>
        {descriptionError ? (
          <div class="invalid-feedback" safe>
            {descriptionError}
          </div>
        ) : (
          ''
        )}
      </div>
      <button class="btn btn-primary" type="submit" safe>
        {props.submit}
      </button>
    </form>
  );
}
