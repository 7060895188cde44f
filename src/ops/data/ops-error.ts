// Errors an operator can act on: the message names what went wrong and the fix (a flag, a path, a
// command). The CLI prints the message alone, without a stack trace.
export class OpsError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'OpsError';
  }
}
