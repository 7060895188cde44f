// The people lists' group filter (students, lecturers) as features/groups/group-filter.ts reads it: a
// type-ahead whose form sends the name typed as groupName. Its input's aria-describedby names the
// problem shown above the form by their shared id, so both lists draw the two from here.
import { TypeAheadFilter, UnmatchedFilterChoice, type TypeAheadFilterState } from './form-field.js';

const id = 'filter-group';

/** Above the filter form: the name typed named no group, with the closest ones as links (`href`: the list filtered by one). */
export function GroupFilterProblem(props: { label: string; picker: TypeAheadFilterState; href: (groupId: number) => string }) {
  return <UnmatchedFilterChoice id={id} label={props.label} noun="group" state={props.picker} href={props.href} browse={{ page: 'the Groups page', href: '/groups' }} />;
}

/** In the filter form: the group's type-ahead. */
export function GroupFilterInput(props: { label: string; placeholder: string; picker: TypeAheadFilterState }) {
  return <TypeAheadFilter id={id} name="groupName" label={props.label} placeholder={props.placeholder} state={props.picker} />;
}
