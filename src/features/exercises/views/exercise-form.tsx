import type { FieldMessages } from '../../../lib/errors.js';
import { formSection } from '../../../lib/record-fields.js';
import { DeclaredFields } from '../../../views/declared-fields.js';
import { CsrfField, FormAlert, FormField, describedBy } from '../../../views/form-field.js';
import { GroupCheckboxes, type GroupChoice } from '../../../views/group-checkboxes.js';
import { exerciseFields } from '../fields.js';

/** The form's values as typed: the due time as the datetime-local input sends it, the groups ticked. */
export interface ExerciseFormValues {
  title?: string;
  text?: string;
  groupIds?: readonly string[];
  dueAt?: string;
  scoreRelease?: string;
}

/** A group the exercise may be set for; `fixed`: set by someone else, shown but not changeable here. */
export type { GroupChoice };

export interface ExerciseFormProps {
  action: string;
  csrfToken: string;
  /** A new exercise's subject, sent along with the form. */
  subjectId?: number;
  values: ExerciseFormValues;
  errors?: FieldMessages;
  message?: string | null;
  groups: readonly GroupChoice[];
  /** The department's zone (TIMEZONE): the due time is typed in it. */
  timeZone: string;
  submit: string;
}

/** When students see their scores: as each is given, or all at once when the lecturer releases them. */
function ScoresShownField(props: { label: string; value: string; error?: string }) {
  const id = 'field-scoreRelease';
  const choices = [
    { value: 'on-scoring', label: 'On scoring', help: 'each student sees their score as soon as it is given' },
    { value: 'manual', label: 'When I release them', help: 'students see the scores when you press "Release scores"' },
  ];
  return (
    <fieldset class="mb-3" aria-describedby={describedBy(id, props.error, undefined)}>
      <legend class="form-label fs-6" safe>
        {props.label}
      </legend>
      {choices.map((c) => (
        <div class="form-check">
          <input class={`form-check-input${props.error ? ' is-invalid' : ''}`} type="radio" id={`${id}-${c.value}`} name="scoreRelease" value={c.value} checked={props.value === c.value} />
          <label class="form-check-label" for={`${id}-${c.value}`}>
            <span safe>{c.label}</span> <span class="text-secondary small" safe>{`(${c.help})`}</span>
          </label>
        </div>
      ))}
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

/**
 * An exercise's form, new or edited: its declared fields (fields.ts) with the groups after the text;
 * the due time is typed in the department's zone, which its label and help name.
 */
export function ExerciseForm(props: ExerciseFormProps) {
  const v = props.values;
  const typed = formSection(exerciseFields, 'exercise', true).filter((f) => f.place.control === 'text' || f.place.control === 'textarea');
  const due = exerciseFields.dueAt;
  return (
    <form method="post" action={props.action} novalidate data-testid="exercise-form">
      <FormAlert message={props.message} />
      <CsrfField token={props.csrfToken} />
      {props.subjectId !== undefined ? <input type="hidden" name="subjectId" value={String(props.subjectId)} /> : ''}
      <DeclaredFields fields={typed} values={{ title: v.title, text: v.text }} errors={props.errors} />
      <GroupCheckboxes
        legend="Groups"
        groups={props.groups}
        ticked={v.groupIds ?? []}
        error={props.errors?.groupIds}
        empty="No group takes this subject from you yet: an admin adds groups and lecturers on the subject page."
        fixedHelp="Greyed groups were set by another lecturer; they or an admin may change those."
      />
      <FormField
        name="dueAt"
        type={due.form.control}
        label={`${due.label} (${props.timeZone})`}
        value={v.dueAt ?? ''}
        errors={props.errors}
        help={`The date and time in the department's time zone, ${props.timeZone}. Leave it empty for no due time.`}
      />
      <ScoresShownField label={exerciseFields.scoreRelease.label} value={v.scoreRelease || 'on-scoring'} error={props.errors?.scoreRelease} />
      <button class="btn btn-primary" type="submit" safe>
        {props.submit}
      </button>
    </form>
  );
}
