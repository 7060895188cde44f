import type { FieldMessages } from '../../../lib/errors.js';
import { FormField } from '../../../views/form-field.js';
import type { PageContext } from '../../../views/page.js';
import { PersonFormFrame } from '../../../views/person-form.js';

export type LecturerFormValues = Partial<Record<'firstName' | 'lastName' | 'patronymic' | 'academicDegree' | 'position' | 'email' | 'phone' | 'address' | 'username', string>> & { isAdmin?: boolean };

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
  const v = props.values;
  const e = props.errors;
  const adminError = e?.isAdmin;
  return (
    <PersonFormFrame
      page={props.page}
      base="/lecturers"
      listLabel="Lecturers"
      noun="lecturer"
      record={props.lecturer}
      values={v}
      errors={e}
      message={props.message}
      photoAgain={props.photoAgain}
      formId={props.formId}
      alreadyCreated={props.alreadyCreated}
      roleCard={{
        title: 'Position',
        body: (
          <>
            <div class="mb-3">
              <label class="form-label" for="field-academicDegree">
                Academic degree
              </label>
              <input
                class={`form-control${e?.academicDegree ? ' is-invalid' : ''}`}
                id="field-academicDegree"
                name="academicDegree"
                value={v.academicDegree ?? ''}
                maxlength="100"
                list="degree-suggestions"
                autocomplete="off"
              />
              <datalist id="degree-suggestions">
                {props.degrees.map((d) => (
                  <option value={d}></option>
                ))}
              </datalist>
              {e?.academicDegree ? (
                <div class="invalid-feedback" safe>
                  {e.academicDegree}
                </div>
              ) : (
                <div class="form-text">e.g. PhD, MSc, DSc</div>
              )}
            </div>
            <FormField name="position" label="Position" value={v.position} errors={e} maxlength={100} help="e.g. Associate Professor" />
            <div class="form-check form-switch mb-3">
              <input class={`form-check-input${adminError ? ' is-invalid' : ''}`} type="checkbox" role="switch" id="field-isAdmin" name="isAdmin" value="true" checked={v.isAdmin === true} />
              <label class="form-check-label" for="field-isAdmin">
                Administrator: may manage every record and account
              </label>
              {adminError ? (
                <div class="invalid-feedback" safe>
                  {adminError}
                </div>
              ) : (
                ''
              )}
            </div>
            {props.lecturer === null ? (
              <FormField name="username" label="Username (optional)" value={v.username} errors={e} maxlength={64} autocomplete="off" help="Leave empty to generate one from the name, e.g. l.petrova." />
            ) : (
              ''
            )}
          </>
        ),
      }}
    />
  );
}
