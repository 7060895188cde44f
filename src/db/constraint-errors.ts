// A unique index refusing a write that a service's own check let through (two requests at the same
// moment): both engines' errors read as the column at fault, so it can answer 409, not 500.

/** The table and column (camelCase) of a unique-constraint violation, or null for any other error. */
export function uniqueViolation(error: unknown): { table: string | null; field: string } | null {
  const e = error as { code?: unknown; message?: unknown; detail?: unknown; table?: unknown } | null;
  if (!e || typeof e !== 'object') return null;
  if (e.code === '23505') {
    // PostgreSQL: detail "Key (student_number)=(2026-01) already exists."
    const column = /^Key \(([^)]+)\)=/.exec(String(e.detail ?? ''))?.[1];
    return column ? { table: typeof e.table === 'string' ? e.table : null, field: camel(column.split(',')[0]!.trim()) } : null;
  }
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    // SQLite: "UNIQUE constraint failed: students.student_number"
    const match = /constraint failed: (\w+)\.(\w+)/.exec(String(e.message ?? ''));
    return match ? { table: match[1]!, field: camel(match[2]!) } : null;
  }
  return null;
}

function camel(column: string): string {
  return column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
