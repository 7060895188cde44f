// One line of a verification report: an item (a file, a table), whether it passed, and why not.
export interface ItemCheck {
  item: string;
  ok: boolean;
  /** Passed, but something the operator should know was not proven (WARN). */
  warning?: boolean;
  detail: string;
}

export const pass = (item: string, detail: string): ItemCheck => ({ item, ok: true, detail });
export const warn = (item: string, detail: string): ItemCheck => ({ item, ok: true, warning: true, detail });
export const fail = (item: string, detail: string): ItemCheck => ({ item, ok: false, detail });

/** Compares counted rows with the manifest's, one check per table. */
export function compareCounts(expected: { name: string; rows: number }[], counted: Record<string, number>): ItemCheck[] {
  return expected.map(({ name, rows }) =>
    counted[name] === rows ? pass(`rows ${name}`, `${rows}`) : fail(`rows ${name}`, `manifest says ${rows}, restored ${counted[name] ?? 'no table'}`),
  );
}
