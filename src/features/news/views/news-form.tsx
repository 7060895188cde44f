import type { FieldMessages } from '../../../lib/errors.js';
import { formSection } from '../../../lib/record-fields.js';
import { DeclaredFields } from '../../../views/declared-fields.js';
import { CsrfField, FieldFeedback, FormAlert, describedBy } from '../../../views/form-field.js';
import { GroupCheckboxes, type GroupChoice } from '../../../views/group-checkboxes.js';
import { NamesField } from '../../../views/names-field.js';
import { audienceLabels, categoryLabels, newsAudiences, newsCategories, newsFields } from '../fields.js';

/** The form's values as typed: the declared fields, the groups ticked (lecturers) or named one a line (admins). */
export interface NewsFormValues {
  category?: string;
  title?: string;
  body?: string;
  audience?: string;
  groupIds?: readonly string[];
  groups?: string;
}

export interface NewsFormProps {
  action: string;
  csrfToken: string;
  values: NewsFormValues;
  errors?: FieldMessages;
  message?: string | null;
  /**
   * A lecturer's groups, ticked (`fixed`: one an admin chose that they do not teach, shown but not
   * theirs to change); null for an admin, who names groups (any of thousands) one a line.
   */
  groups: readonly GroupChoice[] | null;
  submit: string;
}

function CategoryField(props: { value?: string; error?: string }) {
  const id = 'field-category';
  return (
    <div class="mb-3">
      <label class="form-label" for={id}>
        Category
      </label>
      <select class={`form-select${props.error ? ' is-invalid' : ''}`} id={id} name="category" aria-invalid={props.error ? 'true' : undefined} aria-describedby={describedBy(id, props.error, undefined)}>
        {newsCategories.map((c) => (
          <option value={c} selected={c === (props.value ?? 'general')} safe>
            {categoryLabels[c]}
          </option>
        ))}
      </select>
      <FieldFeedback id={id} error={props.error} />
    </div>
  );
}

/** Who reads it: radio buttons; a lecturer has only "Chosen groups". */
function AudienceField(props: { value?: string; error?: string; lecturer: boolean }) {
  const id = 'field-audience';
  const choices = props.lecturer ? (['groups'] as const) : newsAudiences;
  const chosen = props.value ?? (props.lecturer ? 'groups' : 'everyone');
  return (
    <fieldset class="mb-3" aria-describedby={describedBy(id, props.error, undefined)}>
      <legend class="form-label fs-6">Who reads it</legend>
      {choices.map((a) => (
        <div class="form-check">
          <input class={`form-check-input${props.error ? ' is-invalid' : ''}`} type="radio" name="audience" id={`${id}-${a}`} value={a} checked={a === chosen} />
          <label class="form-check-label" for={`${id}-${a}`} safe>
            {audienceLabels[a]}
          </label>
        </div>
      ))}
      {/* d-block: Bootstrap shows feedback only beside an invalid input, and these sit in their own divs. */}
      {props.error ? (
        <div class="invalid-feedback d-block" id={`${id}-error`} safe>
          {props.error}
        </div>
      ) : (
        ''
      )}
    </fieldset>
  );
}

export function NewsForm(props: NewsFormProps) {
  const lecturer = props.groups !== null;
  return (
    <form method="post" action={props.action} novalidate data-testid="news-form">
      <FormAlert message={props.message} />
      <CsrfField token={props.csrfToken} />
      <CategoryField value={props.values.category} error={props.errors?.category} />
      <DeclaredFields fields={formSection(newsFields, 'article', true).filter((f) => f.name !== 'category')} values={props.values as Record<string, string>} errors={props.errors} />
      <AudienceField value={props.values.audience} error={props.errors?.audience} lecturer={lecturer} />
      {props.groups !== null ? (
        <GroupCheckboxes
          legend="Groups that read it"
          groups={props.groups}
          ticked={props.values.groupIds ?? []}
          error={props.errors?.groupIds}
          empty="You teach no group yet: an admin adds you to a subject's groups on the subject page."
          fixedHelp="Greyed groups are ones you do not teach (an admin chose them, or you no longer teach them): they stay, and an admin may change them."
        />
      ) : (
        <NamesField
          idPrefix="news"
          name="groups"
          addName="groupName"
          label="Groups that read it (when the audience is chosen groups)"
          help="One group a line, e.g. CS-101. Their students read it, and the lecturers who teach them."
          values={{ groups: props.values.groups }}
          errors={props.errors}
          source="/groups/choices"
          placeholder="Type a group's name"
        />
      )}
      <button class="btn btn-primary" type="submit" safe>
        {props.submit}
      </button>
    </form>
  );
}
