// What an interrupted run (Ctrl-C, SIGTERM) must still undo: the servers are stopped elsewhere
// (processes.ts); these are the databases and files made for the run.
const tasks = new Set<() => Promise<void> | void>();

/** Registers an undo step; the returned function unregisters it once done the ordinary way. */
export function undoOnInterrupt(task: () => Promise<void> | void): () => void {
  tasks.add(task);
  return () => tasks.delete(task);
}

export async function undoAll(): Promise<void> {
  for (const task of [...tasks].reverse()) {
    tasks.delete(task);
    try {
      await task();
    } catch {
      // keep undoing the rest
    }
  }
}
