// How an exercise's state looks wherever it is shown (My exercises, a student's record): one badge,
// so a state never reads or looks different from one page to the other.
import type { ExerciseState } from '../features/exercises/service.js';

const stateBadge: Record<ExerciseState, string> = {
  open: 'text-bg-light border',
  'due soon': 'text-bg-warning',
  overdue: 'text-bg-danger',
  waiting: 'text-bg-info',
  scored: 'text-bg-success',
};

/** The state as people read it: "waiting" is waiting for a score. */
export function stateWords(state: ExerciseState): Exclude<ExerciseState, 'waiting'> | 'waiting for a score' {
  return state === 'waiting' ? 'waiting for a score' : state;
}

export function ExerciseStateBadge(props: { state: ExerciseState }) {
  return <span class={`badge ${stateBadge[props.state]}`}>{stateWords(props.state)}</span>;
}
