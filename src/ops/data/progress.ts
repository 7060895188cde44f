// How long jobs (backup, restore, db copy) tell the CLI where they are, without knowing about
// terminals: the CLI turns these events into a progress bar on a TTY and plain lines otherwise.
export interface ProgressEvent {
  /** What is happening, in the operator's words: "dumping tables", "archiving uploads". */
  step: string;
  done: number;
  /** 0 when the step's size is unknown. */
  total: number;
  unit: 'rows' | 'bytes' | 'files' | 'steps';
}

export type OnProgress = (event: ProgressEvent) => void;

export const ignoreProgress: OnProgress = () => {};
