// A few groups as checkboxes, named `groupIds` (an exercise's groups of its subject, the groups a
// lecturer writes news for): a handful, never thousands, which pick by name one a line instead
// (names-field.tsx). A `fixed` group is shown ticked and greyed: someone else's choice, kept.
import { describedBy } from './form-field.js';

export interface GroupChoice {
  id: number;
  name: string;
  fixed?: boolean;
}

export function GroupCheckboxes(props: {
  legend: string;
  groups: readonly GroupChoice[];
  ticked: readonly string[];
  error?: string;
  /** Said when there is no group to choose. */
  empty: string;
  /** Said under the boxes when some are fixed. */
  fixedHelp: string;
}) {
  const id = 'field-groupIds';
  const help = props.groups.some((g) => g.fixed) ? props.fixedHelp : undefined;
  return (
    <fieldset class="mb-3" aria-describedby={describedBy(id, props.error, help)}>
      <legend class="form-label fs-6" safe>
        {props.legend}
      </legend>
      {props.groups.length === 0 ? (
        <p class="text-secondary fst-italic mb-1" safe>
          {props.empty}
        </p>
      ) : (
        props.groups.map((g) => (
          <div class="form-check form-check-inline">
            <input
              class={`form-check-input${props.error ? ' is-invalid' : ''}`}
              type="checkbox"
              id={`${id}-${g.id}`}
              name={g.fixed ? undefined : 'groupIds'}
              value={String(g.id)}
              checked={g.fixed || props.ticked.includes(String(g.id))}
              disabled={g.fixed}
            />
            <label class="form-check-label" for={`${id}-${g.id}`} safe>
              {g.name}
            </label>
          </div>
        ))
      )}
      {props.error ? (
        <div class="invalid-feedback d-block" id={`${id}-error`} safe>
          {props.error}
        </div>
      ) : (
        ''
      )}
      {help ? (
        <div class="form-text" id={`${id}-help`} safe>
          {help}
        </div>
      ) : (
        ''
      )}
    </fieldset>
  );
}
