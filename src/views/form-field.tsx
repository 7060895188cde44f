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
        aria-describedby={describedBy(id, error, props.help)}
      />
      <FieldFeedback id={id} error={error} help={props.help} />
    </div>
  );
}

/** The ids a control's aria-describedby names: its error and its help, when shown (FieldFeedback). */
export function describedBy(id: string, error: string | undefined, help: string | undefined): string | undefined {
  return [error ? `${id}-error` : '', help ? `${id}-help` : ''].filter(Boolean).join(' ') || undefined;
}

/** A control's error and help below it, with the ids describedBy names. */
export function FieldFeedback({ id, error, help }: { id: string; error?: string; help?: string }) {
  return (
    <>
      {error ? <div class="invalid-feedback" id={`${id}-error`} safe>{error}</div> : ''}
      {help ? <div class="form-text" id={`${id}-help`} safe>{help}</div> : ''}
    </>
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

/** A text field's suggestions: the names the page offers and, for a type-ahead, where the rest are. */
export interface Suggestions {
  readonly names: readonly string[];
  /** The address htmx refreshes the names from as the person types (a type-ahead's names are its first few). */
  readonly source?: string;
}

/** A type-ahead's first suggestions and the address of the rest (e.g. a group picker's). */
export interface TypeAheadSuggestions extends Suggestions {
  readonly source: string;
}

export interface SuggestedInputProps {
  id: string;
  name: string;
  value: string;
  /** What the page offers; with a source (a type-ahead), the first of many. */
  suggestions: Suggestions;
  class?: string;
  maxlength?: number;
  placeholder?: string;
  invalid?: boolean;
  describedBy?: string;
}

/**
 * A text input with suggestions in a datalist, the browser's own list (announced as the input's
 * suggestions, usable without JavaScript). A type-ahead (suggestions with a source, for choosing
 * one of thousands by name, e.g. a group) carries only the first few: htmx replaces them with those
 * matching the text as it is typed, so the page never lists them all, and without JavaScript the
 * server resolves the name that was typed.
 */
export function SuggestedInput(props: SuggestedInputProps) {
  const listId = `${props.id}-suggestions`;
  const { names, source } = props.suggestions;
  return (
    <>
      <input
        class={props.class ?? 'form-control'}
        id={props.id}
        name={props.name}
        type="text"
        value={props.value}
        maxlength={props.maxlength}
        placeholder={props.placeholder}
        list={listId}
        autocomplete="off"
        aria-invalid={props.invalid ? 'true' : undefined}
        aria-describedby={props.describedBy}
        hx-get={source}
        hx-trigger={source ? 'input changed delay:250ms' : undefined}
        hx-target={source ? `#${listId}` : undefined}
        hx-swap={source ? 'innerHTML' : undefined}
        hx-sync={source ? 'this:replace' : undefined}
      />
      <datalist id={listId}>
        <SuggestionOptions names={names} />
      </datalist>
    </>
  );
}

/** The options of a suggestions datalist: the page's own, and the fragment a type-ahead fetches. */
export function SuggestionOptions({ names }: { names: readonly string[] }) {
  return (
    <>
      {names.map((name) => (
        <option value={name}></option>
      ))}
    </>
  );
}

/** A list filter's type-ahead (e.g. the group filter): what its input shows and offers. */
export interface TypeAheadFilterState {
  /** The input's text: the chosen record's name, or what was typed when it named none. */
  text: string;
  /** Said under the input, e.g. that the chosen group is archived. */
  note?: string;
  suggestions: TypeAheadSuggestions;
  /** The typed text named nothing (the list is not filtered by it): the closest choices. */
  unmatched: { text: string; matches: readonly { id: number; name: string }[] } | null;
}

/** A filter form's type-ahead with its label (small, as the filter bars' labels are) and note. */
export function TypeAheadFilter(props: { id: string; name: string; label: string; placeholder: string; state: TypeAheadFilterState }) {
  const s = props.state;
  const describedBy = [s.unmatched ? `${props.id}-problem` : '', s.note ? `${props.id}-note` : ''].filter(Boolean).join(' ');
  return (
    <>
      <label class="form-label small text-secondary" for={props.id} safe>
        {props.label}
      </label>
      <SuggestedInput
        class={`form-control${s.unmatched ? ' is-invalid' : ''}`}
        id={props.id}
        name={props.name}
        value={s.text}
        maxlength={100}
        placeholder={props.placeholder}
        suggestions={s.suggestions}
        invalid={Boolean(s.unmatched)}
        describedBy={describedBy || undefined}
      />
      {s.note ? (
        <div class="form-text" id={`${props.id}-note`} safe>
          {s.note}
        </div>
      ) : (
        ''
      )}
    </>
  );
}

/**
 * Above a filter form: the type-ahead's text named nothing, so the list is not filtered by it; the
 * close matches are links that apply them, with JavaScript or without. With none close, the page
 * where every choice is listed (`browse`, e.g. the Groups page). `noun`: what is chosen.
 */
export function UnmatchedFilterChoice(props: { id: string; label: string; noun: string; state: TypeAheadFilterState; href: (id: number) => string; browse: { page: string; href: string } }) {
  const unmatched = props.state.unmatched;
  if (!unmatched) return '';
  const lead = `${props.label}: no ${props.noun} is named "${unmatched.text}", so the list is not filtered by it.`;
  return (
    <div class="alert alert-warning" role="alert" id={`${props.id}-problem`} data-testid={`${props.id}-problem`}>
      {unmatched.matches.length > 0 ? (
        <>
          <span safe>{`${lead} Did you mean:`}</span>
          <ul class="list-inline mb-0 mt-2">
            {unmatched.matches.map((m) => (
              <li class="list-inline-item">
                <a class="alert-link" href={props.href(m.id)} safe>
                  {m.name}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <>
          <span safe>{`${lead} No ${props.noun}'s name contains "${unmatched.text}" or any of its words: check the spelling, or find the ${props.noun} on `}</span>
          <a class="alert-link" href={props.browse.href} safe>
            {props.browse.page}
          </a>
          .
        </>
      )}
    </div>
  );
}
