import type { FieldMessages } from '../../../lib/errors.js';
import type { PageContext } from '../../../views/page.js';
import type { TypeAheadSuggestions } from '../../../views/form-field.js';
import { PersonFormFrame } from '../../../views/person-form.js';
import { studentFields } from '../fields.js';

/** The form's values as text, by declared field name (features/students/fields.ts). */
export type StudentFormValues = Partial<Record<string, string>>;

export interface StudentFormPageProps {
  page: PageContext;
  /** null: a new student (with username and photo); else the record being edited. */
  student: { id: number; name: string } | null;
  values: StudentFormValues;
  /** The group field's first suggestions and their source (a type-ahead: values.groupId is a group's name). */
  groupSuggestions: TypeAheadSuggestions;
  errors?: FieldMessages;
  message?: string | null;
  /** A photo sent with a refused new-student form, to be chosen again. */
  photoAgain?: string;
  /** The new-student form's random id (one student per form, however often it is sent). */
  formId?: string;
  alreadyCreated?: { href: string; name: string };
}

export function StudentFormPage(props: StudentFormPageProps) {
  return (
    <PersonFormFrame
      page={props.page}
      base="/students"
      listLabel="Students"
      noun="student"
      record={props.student}
      values={props.values}
      errors={props.errors}
      message={props.message}
      photoAgain={props.photoAgain}
      formId={props.formId}
      alreadyCreated={props.alreadyCreated}
      fields={studentFields}
      roleCard={{ section: 'studies', title: 'Studies' }}
      suggestions={{ groupId: props.groupSuggestions }}
    />
  );
}
