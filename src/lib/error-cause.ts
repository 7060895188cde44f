// The text of a low-level failure (a socket, a driver) for an operator's message. Node reports a
// connection to a name with several addresses (localhost: ::1 and 127.0.0.1) that all failed as an
// AggregateError whose own message is empty; its parts say what happened.
export function causeOf(error: unknown): string {
  if (error instanceof AggregateError && !error.message) {
    const parts = [...new Set(error.errors.map((part) => causeOf(part)).filter(Boolean))];
    if (parts.length) return parts.join('; ');
  }
  if (error instanceof Error) return error.message || (error as NodeJS.ErrnoException).code || error.name;
  return String(error);
}
