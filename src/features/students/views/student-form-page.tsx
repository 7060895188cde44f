import type { FieldMessages } from '../../../lib/errors.js';
import { FormField, SelectField } from '../../../views/form-field.js';
import type { PageContext } from '../../../views/page.js';
import { PersonFormFrame } from '../../../views/person-form.js';

export type StudentFormValues = Partial<Record<'studentNumber' | 'firstName' | 'lastName' | 'patronymic' | 'birthDate' | 'email' | 'phone' | 'address' | 'groupId' | 'username', string>>;

export interface StudentFormPageProps {
  page: PageContext;
  /** null: a new student (with username and photo); else the record being edited. */
  student: { id: number; name: string } | null;
  values: StudentFormValues;
  groups: { id: number; name: string }[];
  errors?: FieldMessages;
  message?: string | null;
  /** A photo sent with a refused new-student form, to be chosen again. */
  photoAgain?: string;
  /** The new-student form's random id (one student per form, however often it is sent). */
  formId?: string;
  alreadyCreated?: { href: string; name: string };
}

export function StudentFormPage(props: StudentFormPageProps) {
  const v = props.values;
  const e = props.errors;
  return (
    <PersonFormFrame
      page={props.page}
      base="/students"
      listLabel="Students"
      noun="student"
      record={props.student}
      values={v}
      errors={e}
      message={props.message}
      photoAgain={props.photoAgain}
      formId={props.formId}
      alreadyCreated={props.alreadyCreated}
      // The browser shows a date field in its own locale's format: no format hint here.
      personExtra={<FormField name="birthDate" label="Birth date" type="date" value={v.birthDate} errors={e} />}
      roleCard={{
        title: 'Studies',
        body: (
          <>
            <FormField name="studentNumber" label="Student number" value={v.studentNumber} errors={e} required maxlength={50} help="The department's number, unique, e.g. 2026-0042." autocomplete="off" />
            <SelectField name="groupId" label="Group" value={v.groupId ?? ''} errors={e} options={[{ value: '', label: 'No group' }, ...props.groups.map((g) => ({ value: String(g.id), label: g.name }))]} />
            {props.student === null ? (
              <FormField name="username" label="Username (optional)" value={v.username} errors={e} maxlength={64} autocomplete="off" help="Leave empty to generate one from the name, e.g. a.novak." />
            ) : (
              ''
            )}
          </>
        ),
      }}
    />
  );
}
