import type { FieldMessages } from '../../../lib/errors.js';
import { formSection } from '../../../lib/record-fields.js';
import { DeclaredFields } from '../../../views/declared-fields.js';
import { CsrfField, FormAlert } from '../../../views/form-field.js';
import { groupFields } from '../fields.js';

/** The group's declared fields (features/groups/fields.ts), used by "new group" and the group page's edit form. */
export function GroupForm(props: { action: string; csrfToken: string; values: Readonly<Record<string, string | undefined>>; errors?: FieldMessages; message?: string | null; submit: string }) {
  return (
    <form method="post" action={props.action} novalidate data-testid="group-form">
      <FormAlert message={props.message} />
      <CsrfField token={props.csrfToken} />
      <DeclaredFields fields={formSection(groupFields, 'group', true)} values={props.values} errors={props.errors} />
      <button class="btn btn-primary" type="submit" safe>
        {props.submit}
      </button>
    </form>
  );
}
