import type { FieldMessages } from '../../../lib/errors.js';
import { formSection } from '../../../lib/record-fields.js';
import { DeclaredFields } from '../../../views/declared-fields.js';
import { CsrfField, FieldFeedback, FormAlert, SuggestedInput, describedBy } from '../../../views/form-field.js';
import { subjectFields } from '../fields.js';

/** The form's text as sent: the declared fields, and the groups and lecturers one a line. */
export type SubjectFormValues = Readonly<Record<string, string | undefined>>;

/**
 * A list of names, one a line, that works without JavaScript (typed into the textarea, resolved by
 * the server with close matches when a line names nothing), with a type-ahead beside it whose
 * choice app.js adds as a line; without JavaScript, what is typed there is added when the form is sent.
 */
function NamesField(props: { name: string; addName: string; label: string; help: string; values: SubjectFormValues; errors?: FieldMessages; source: string; placeholder: string }) {
  const id = `subject-${props.name}`;
  const error = props.errors?.[props.name];
  return (
    <div class="mb-3">
      <label class="form-label" for={id} safe>
        {props.label}
      </label>
      <textarea
        class={`form-control${error ? ' is-invalid' : ''}`}
        id={id}
        name={props.name}
        rows="4"
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, error, props.help)}
        safe
      >
        {props.values[props.name] ?? ''}
      </textarea>
      <FieldFeedback id={id} error={error} help={props.help} />
      <div class="input-group input-group-sm mt-2">
        <label class="input-group-text" for={`${id}-add`}>
          Add
        </label>
        <SuggestedInput id={`${id}-add`} name={props.addName} value="" suggestions={{ names: [], source: props.source }} placeholder={props.placeholder} maxlength={300} />
        <button class="btn btn-outline-secondary" type="button" data-append-line-to={id} data-append-line-from={`${id}-add`}>
          Add to the list
        </button>
      </div>
    </div>
  );
}

/** The subject's form: everything for admins; only the description for its lecturers. */
export function SubjectForm(props: {
  action: string;
  csrfToken: string;
  values: SubjectFormValues;
  errors?: FieldMessages;
  message?: string | null;
  submit: string;
  isNew: boolean;
  /** Admins name the subject and choose its groups and lecturers. */
  mayManage: boolean;
}) {
  const fields = formSection(subjectFields, 'subject', props.isNew).filter((f) => props.mayManage || f.name === 'description');
  return (
    <form method="post" action={props.action} novalidate data-testid="subject-form">
      <FormAlert message={props.message} />
      <CsrfField token={props.csrfToken} />
      <DeclaredFields fields={fields} values={props.values} errors={props.errors} />
      {props.mayManage ? (
        <>
          <NamesField
            name="groups"
            addName="groupName"
            label="Groups that take it"
            help="One group a line, e.g. CS-101."
            values={props.values}
            errors={props.errors}
            source="/groups/choices"
            placeholder="Type a group's name"
          />
          <NamesField
            name="lecturers"
            addName="lecturerName"
            label="Lecturers who teach it"
            help="One lecturer a line, as suggested: Lastname Firstname <e-mail>. Each teaches it to every group listed; a lecturer or group added later joins the others."
            values={props.values}
            errors={props.errors}
            source="/lecturers/choices"
            placeholder="Type a lecturer's name or e-mail"
          />
        </>
      ) : (
        ''
      )}
      <button class="btn btn-primary" type="submit" safe>
        {props.submit}
      </button>
    </form>
  );
}
