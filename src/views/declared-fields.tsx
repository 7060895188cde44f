// The inputs of one card of a form, and the rows of one card of a record page, from the kind's
// field declaration (lib/record-fields.ts): each field's label, control, length limit and help come
// from there, so a new declared field appears on the form and the record page without editing them.
import type { FieldMessages } from '../lib/errors.js';
import { formSection, type FormFieldOf, type RecordFields } from '../lib/record-fields.js';
import { describedBy, FieldFeedback, FormField, SuggestedInput, type Suggestions } from './form-field.js';
import { Detail } from './record-parts.js';

export interface DeclaredFieldsProps {
  fields: readonly FormFieldOf[];
  /** The form's values as text, by field name. */
  values: Readonly<Record<string, string | undefined>>;
  errors?: FieldMessages;
  /**
   * The suggestions of each text field that offers them, by field name (e.g. the degrees in use); a
   * type-ahead's first ones with the address of the rest (e.g. the groups).
   */
  suggestions?: Readonly<Record<string, Suggestions>>;
}

/**
 * The declared fields' controls. A select is not among them: its options are its page's, and the
 * one declared select (an account's role) is drawn by its own page with SelectField.
 */
export function DeclaredFields(props: DeclaredFieldsProps) {
  return (
    <>
      {props.fields.map(({ name, field, place }) => {
        const label = place.formLabel ?? field.label;
        const value = props.values[name] ?? '';
        const error = props.errors?.[name];
        const id = `field-${name}`;
        switch (place.control) {
          case 'textarea':
            return (
              <div class="mb-3">
                <label class="form-label" for={id} safe>
                  {label}
                </label>
                <textarea
                  class={`form-control${error ? ' is-invalid' : ''}`}
                  id={id}
                  name={name}
                  rows={String(place.rows ?? 2)}
                  maxlength={place.maxlength}
                  aria-invalid={error ? 'true' : undefined}
                  aria-describedby={describedBy(id, error, place.help)}
                  safe
                >
                  {value}
                </textarea>
                <FieldFeedback id={id} error={error} help={place.help} />
              </div>
            );
          case 'checkbox':
            return (
              <div class="form-check form-switch mb-3">
                <input
                  class={`form-check-input${error ? ' is-invalid' : ''}`}
                  type="checkbox"
                  role="switch"
                  id={id}
                  name={name}
                  value="true"
                  checked={value === 'true'}
                  aria-invalid={error ? 'true' : undefined}
                  aria-describedby={describedBy(id, error, place.help)}
                />
                <label class="form-check-label" for={id} safe>
                  {label}
                </label>
                <FieldFeedback id={id} error={error} help={place.help} />
              </div>
            );
          default: {
            const listed = place.suggestions ? props.suggestions?.[name] : undefined;
            if (listed) return <SuggestedField name={name} label={label} value={value} error={error} help={place.help} maxlength={place.maxlength} suggestions={listed} />;
            return (
              <FormField
                name={name}
                label={label}
                type={place.control}
                value={value}
                errors={props.errors}
                required={field.required && !place.newOnly}
                maxlength={place.maxlength}
                help={place.help}
                autocomplete={place.control === 'date' ? undefined : 'off'}
              />
            );
          }
        }
      })}
    </>
  );
}

/**
 * A text field with the page's suggestions (a datalist): typed freely, offered what is in use, or,
 * given a type-ahead's suggestions (with a source), the names matching what is typed.
 */
function SuggestedField(props: { name: string; label: string; value: string; error?: string; help?: string; maxlength?: number; suggestions: Suggestions }) {
  const id = `field-${props.name}`;
  return (
    <div class="mb-3">
      <label class="form-label" for={id} safe>
        {props.label}
      </label>
      <SuggestedInput
        class={`form-control${props.error ? ' is-invalid' : ''}`}
        id={id}
        name={props.name}
        value={props.value}
        maxlength={props.maxlength}
        suggestions={props.suggestions}
        invalid={Boolean(props.error)}
        describedBy={describedBy(id, props.error, props.help)}
      />
      <FieldFeedback id={id} error={props.error} help={props.help} />
    </div>
  );
}

export interface DeclaredDetailsProps {
  fields: RecordFields;
  /** The form sections whose fields this card shows, in this order. */
  sections: readonly string[];
  /** The record as the actor may see it: a field it does not hold (a private one) is left out. */
  record: object;
  /** Fields shown elsewhere on the page (e.g. the e-mail as a link). */
  omit?: readonly string[];
  /** A field's value shown the page's own way (e.g. the group as a link), by field name. */
  custom?: Readonly<Record<string, JSX.Element>>;
}

/** The rows (dt/dd) of a record page's card: each declared field of its sections the record holds. */
export function DeclaredDetails(props: DeclaredDetailsProps) {
  const values = props.record as Record<string, unknown>;
  const rows = props.sections.flatMap((section) => formSection(props.fields, section, false));
  return (
    <>
      {rows
        .filter(({ name }) => name in values && !props.omit?.includes(name))
        .map(({ name, field }) => {
          const testId = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
          const custom = props.custom?.[name];
          if (custom !== undefined)
            return (
              <>
                <dt class="col-sm-4 text-secondary fw-normal" safe>
                  {field.label}
                </dt>
                <dd class="col-sm-8" data-testid={testId}>
                  {custom}
                </dd>
              </>
            );
          const value = values[name];
          const text = field.stored === 'flag' ? (value ? 'Yes' : 'No') : value === null || value === undefined ? null : String(value);
          return <Detail label={field.label} value={text} testId={testId} />;
        })}
    </>
  );
}
