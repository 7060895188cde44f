import type { FieldMessages } from '../../../lib/errors.js';
import { formSection } from '../../../lib/record-fields.js';
import { DeclaredFields } from '../../../views/declared-fields.js';
import { CsrfField, FormAlert } from '../../../views/form-field.js';
import { NamesField } from '../../../views/names-field.js';
import { subjectFields } from '../fields.js';

/** The form's text as sent: the declared fields, and the groups and lecturers one a line. */
export type SubjectFormValues = Readonly<Record<string, string | undefined>>;

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
            idPrefix="subject"
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
            idPrefix="subject"
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
