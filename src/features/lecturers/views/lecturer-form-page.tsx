import type { FieldMessages } from '../../../lib/errors.js';
import type { PageContext } from '../../../views/page.js';
import { PersonFormFrame } from '../../../views/person-form.js';
import { lecturerFields } from '../fields.js';

/** The form's values as text, by declared field name (features/lecturers/fields.ts); the admin flag is "true" or "". */
export type LecturerFormValues = Partial<Record<string, string>>;

export interface LecturerFormPageProps {
  page: PageContext;
  /** null: a new lecturer (with username and photo); else the record being edited. */
  lecturer: { id: number; name: string } | null;
  values: LecturerFormValues;
  /** Degrees already in use, offered as suggestions. */
  degrees: string[];
  errors?: FieldMessages;
  message?: string | null;
  /** A photo sent with a refused new-lecturer form, to be chosen again. */
  photoAgain?: string;
  /** The new-lecturer form's random id (one lecturer per form, however often it is sent). */
  formId?: string;
  alreadyCreated?: { href: string; name: string };
}

export function LecturerFormPage(props: LecturerFormPageProps) {
  return (
    <PersonFormFrame
      page={props.page}
      base="/lecturers"
      listLabel="Lecturers"
      noun="lecturer"
      record={props.lecturer}
      values={props.values}
      errors={props.errors}
      message={props.message}
      photoAgain={props.photoAgain}
      formId={props.formId}
      alreadyCreated={props.alreadyCreated}
      fields={lecturerFields}
      roleCard={{ section: 'position', title: 'Position' }}
      suggestions={{ academicDegree: { names: props.degrees } }}
    />
  );
}
