// A labelled input with its error beside it and the user's input kept.
import type { FieldMessages } from '../lib/errors.js';

export interface FieldProps {
  name: string;
  label: string;
  type?: string;
  value?: string | number | null;
  errors?: FieldMessages;
  help?: string;
  required?: boolean;
  autocomplete?: string;
  autofocus?: boolean;
  maxlength?: number;
  min?: number;
  max?: number;
}

export function FormField(props: FieldProps) {
  const error = props.errors?.[props.name];
  const id = `field-${props.name}`;
  const describedBy = [error ? `${id}-error` : '', props.help ? `${id}-help` : ''].filter(Boolean).join(' ');
  return (
    <div class="mb-3">
      <label class="form-label" for={id} safe>{props.label}</label>
      <input
        class={`form-control${error ? ' is-invalid' : ''}`}
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.type === 'password' || props.value === undefined || props.value === null ? undefined : String(props.value)}
        required={props.required}
        autocomplete={props.autocomplete}
        autofocus={props.autofocus}
        maxlength={props.maxlength}
        min={props.min}
        max={props.max}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy || undefined}
      />
      {error ? <div class="invalid-feedback" id={`${id}-error`} safe>{error}</div> : ''}
      {props.help ? <div class="form-text" id={`${id}-help`} safe>{props.help}</div> : ''}
    </div>
  );
}

export interface SelectProps {
  name: string;
  label: string;
  options: { value: string; label: string }[];
  value?: string;
  errors?: FieldMessages;
}

export function SelectField(props: SelectProps) {
  const error = props.errors?.[props.name];
  const id = `field-${props.name}`;
  return (
    <div class="mb-3">
      <label class="form-label" for={id} safe>{props.label}</label>
      <select class={`form-select${error ? ' is-invalid' : ''}`} id={id} name={props.name} aria-invalid={error ? 'true' : undefined}>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value} safe>{o.label}</option>
        ))}
      </select>
      {error ? <div class="invalid-feedback" safe>{error}</div> : ''}
    </div>
  );
}

/** The hidden CSRF field every state-changing form carries. */
export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

export function FormAlert({ message }: { message?: string | null }) {
  return message ? <div class="alert alert-danger" role="alert" safe>{message}</div> : '';
}
