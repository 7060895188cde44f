// A list of names (groups, lecturers), one a line, for forms that choose among thousands.
import type { FieldMessages } from '../lib/errors.js';
import { FieldFeedback, SuggestedInput, describedBy } from './form-field.js';

/**
 * A list of names, one a line, that works without JavaScript (typed into the textarea, resolved by
 * the server with close matches when a line names nothing), with a type-ahead beside it whose
 * choice app.js adds as a line; without JavaScript, what is typed there is added when the form is sent.
 */
export function NamesField(props: {
  /** The form's prefix for the ids, e.g. "subject". */
  idPrefix: string;
  name: string;
  addName: string;
  label: string;
  help: string;
  values: Readonly<Record<string, string | undefined>>;
  errors?: FieldMessages;
  source: string;
  placeholder: string;
}) {
  const id = `${props.idPrefix}-${props.name}`;
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

